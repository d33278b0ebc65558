import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ravenMatrixArb } from '../arbitraries.ts';
import { checkMatrix } from '../../src/data/raven/check.ts';
import { corpusMatrix, type RavenMatrix } from '../../src/data/raven/generate.ts';
import { renderMatrix } from '../../src/data/raven/render.ts';
import { RAVEN_TASKS, type MatrixRules } from '../../src/data/raven/tasks.ts';
import { corpusRules } from '../../src/data/raven/pool.ts';
import { baseRate, classFractions } from '../../src/data/pool.ts';
import { CONFIGURATIONS } from '../../src/data/raven/domains.ts';
import { FULL_RULESET } from '../../src/data/raven/rules.ts';

const rulesOf = (m: RavenMatrix): MatrixRules => ({ configuration: m.configuration, rules: m.components.map((c) => c.rules) });

/** The colour setting of a component in each of the nine panels, as three rows. */
const colourRows = (m: RavenMatrix, component: number) =>
  [0, 1, 2].map((r) => [0, 1, 2].map((c) => m.components[component].panels[3 * r + c].entities[0].color));

describe('RAVEN generator', () => {
  it('every matrix obeys, on every row, the rules it was drawn with (all configurations, both rulesets)', () => {
    fc.assert(
      fc.property(ravenMatrixArb, (matrix) => {
        expect(checkMatrix(matrix)).toEqual([]);
      }),
      { numRuns: 600 },
    );
  });

  it('the rules each label claims hold on the attribute values', () => {
    fc.assert(
      fc.property(fc.nat(), fc.boolean(), (seed, full) => {
        const matrix = corpusMatrix(seed, 0, full ? { ruleset: FULL_RULESET } : {});
        const rules = rulesOf(matrix);
        expect(checkMatrix(matrix)).toEqual([]);
        // constant_color, read off the values alone: some component's colour is constant along every row.
        const constantOnValues = matrix.components.some((_, k) => colourRows(matrix, k).every((row) => row[0] === row[1] && row[1] === row[2]));
        const task = RAVEN_TASKS.find((t) => t.name === 'raven')!;
        expect(task.label(rules)).toBe(constantOnValues ? 1 : 0);
        for (const t of RAVEN_TASKS) {
          const label = t.label(rules);
          expect(label >= 0 && label < t.classNames.length).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('keeps the original data set\'s facts: sizes constant, no arithmetic on type, outer shapes white', () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat({ max: 10_000 }), (seed, index) => {
        const matrix = corpusMatrix(seed, index);
        for (const component of matrix.components) {
          expect(component.rules.size.name).toBe('constant');
          expect(component.rules.type.name).not.toBe('arithmetic');
          if (component.kind === 'out') {
            expect(component.rules.color.name).toBe('constant');
            expect(component.panels.every((p) => p.entities.every((e) => e.color === 0 && e.size === 5))).toBe(true);
          }
        }
        // Single-slot components cannot vary number or position: only a constant configuration fits.
        for (const component of matrix.components) {
          if (component.layout === 'center') expect(component.rules.configuration.name).toBe('constant');
        }
      }),
      { numRuns: 300 },
    );
  });

  it('the checker notices a panel that breaks its row', () => {
    fc.assert(
      fc.property(ravenMatrixArb, fc.nat(), (matrix, pick) => {
        const k = pick % matrix.components.length;
        const component = matrix.components[k];
        // Darken (or lighten) the middle panel of the first row: every colour rule then fails or leaves its bounds.
        const panels = component.panels.map((p, i) =>
          i === 1 ? { ...p, entities: p.entities.map((e) => ({ ...e, color: e.color === 9 ? 8 : e.color + 1 })) } : p,
        );
        const broken: RavenMatrix = { ...matrix, components: matrix.components.map((c, i) => (i === k ? { ...c, panels } : c)) };
        expect(checkMatrix(broken).length).toBeGreaterThan(0);
      }),
      { numRuns: 200 },
    );
  });

  it('same seed, same matrix and the same bytes at every size', () => {
    for (const size of [32, 64, 128]) {
      for (const index of [0, 7]) {
        const a = renderMatrix(corpusMatrix(5, index), { size });
        const b = renderMatrix(corpusMatrix(5, index), { size });
        expect(a.length).toBe(size * size);
        expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
      }
      const c = renderMatrix(corpusMatrix(5, 1), { size });
      expect(Buffer.from(c).equals(Buffer.from(renderMatrix(corpusMatrix(5, 0), { size })))).toBe(false);
    }
    expect(corpusMatrix(9, 3)).toEqual(corpusMatrix(9, 3));
  });

  it('renders the grid, the background and shapes of every configuration', () => {
    for (const name of Object.keys(CONFIGURATIONS) as (keyof typeof CONFIGURATIONS)[]) {
      for (let seed = 0; seed < 3; seed++) {
        const matrix = corpusMatrix(seed, 0, { configurations: [[name, 1]] });
        const size = 128;
        const image = renderMatrix(matrix, { size });
        // The separator at a third of the width is black from top to bottom.
        const line = Math.floor(0.33 * 3 * Math.floor(size / 3));
        for (let y = 0; y < size; y += 9) expect(image[y * size + line]).toBeLessThan(40);
        const counts = new Map<number, number>();
        for (const v of image) counts.set(v, (counts.get(v) ?? 0) + 1);
        // The background is the commonest grey, but shapes cover part of the image.
        const [commonest, share] = [...counts].sort((a, b) => b[1] - a[1])[0];
        expect(commonest).toBe(matrix.background);
        expect(share / image.length).toBeLessThan(0.97);
        expect(counts.size).toBeGreaterThan(3);
      }
    }
  });

  it('class balance of every RAVEN task (reported; both classes occur)', () => {
    const original = corpusRules(0, 'original', 1500);
    const full = corpusRules(0, 'full', 1500);
    const report: Record<string, { baseRate: number; classFractions: number[] }> = {};
    for (const task of RAVEN_TASKS) {
      const labels = Int32Array.from(task.ruleset === 'full' ? full : original, (m) => task.label(m));
      const fractions = classFractions(labels, task.classNames.length);
      report[task.name] = { baseRate: Math.round(baseRate(labels, task.classNames.length) * 1000) / 1000, classFractions: fractions.map((f) => Math.round(f * 1000) / 1000) };
      for (const f of fractions) expect(f).toBeGreaterThan(0.01);
    }
    // The original task as the original defined it: shape_in_shape always has a constant (white) outer colour.
    expect(report.raven.baseRate).toBeGreaterThan(0.5);
    expect(report.raven.baseRate).toBeLessThan(0.7);
    console.log(JSON.stringify(report));
  });
});

