/**
 * Pools of work items whose models share a population: items are added with their population
 * key, each pool trains as one population, and every item gets its own outcome (an item whose
 * finishing step throws fails alone; a pool that cannot train fails all its items).
 */
import { trainPopulation, type PopulationMember, type TrainedMember } from './trainer.ts';

export type Outcome<R> = { readonly ok: true; readonly value: R } | { readonly ok: false; readonly error: string };

export const errorMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export class PopulationPools<T> {
  private readonly pools = new Map<string, { item: T; index: number; member: PopulationMember }[]>();

  add(key: string, index: number, item: T, member: PopulationMember): void {
    this.pools.set(key, [...(this.pools.get(key) ?? []), { item, index, member }]);
  }

  /** Trains every pool and writes each item's outcome at its index. */
  train<R>(outcomes: Outcome<R>[], finish: (item: T, trained: TrainedMember) => R): void {
    for (const pool of this.pools.values()) {
      let trained: TrainedMember[];
      try {
        trained = trainPopulation(pool.map((p) => p.member));
      } catch (err) {
        for (const p of pool) outcomes[p.index] = { ok: false, error: errorMessage(err) };
        continue;
      }
      pool.forEach((p, j) => {
        try {
          outcomes[p.index] = { ok: true, value: finish(p.item, trained[j]) };
        } catch (err) {
          outcomes[p.index] = { ok: false, error: errorMessage(err) };
        }
      });
    }
  }
}
