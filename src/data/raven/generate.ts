/**
 * Procedural RAVEN-style matrices: draw a configuration, draw rules per component until
 * they can be expressed within the attribute bounds, then build three rows that obey them.
 * The result is the attribute values of all nine panels (settings, see domains.ts); the
 * renderer turns it into pixels. Everything flows from one seeded stream.
 */
import { Random, deriveSeed } from '../../util/random.ts';
import {
  BACKGROUNDS,
  CONFIGURATIONS,
  ORIGINAL_CONFIGURATION_WEIGHTS,
  UNIFORMITY,
  type Bounds,
  type ComponentKind,
  type ComponentSpec,
  type ConfigurationName,
  type LayoutName,
  type StructureName,
} from './domains.ts';
import { ORIGINAL_RULESET, drawComponentRules, pruneBounds, type ComponentRules, type PrunedBounds, type Rule, type Ruleset } from './rules.ts';

export interface EntityValues {
  readonly type: number;
  readonly size: number;
  readonly color: number;
  readonly angle: number;
}

/** One component in one panel: occupied slot indices (ascending) and the entity in each. */
export interface ComponentPanel {
  readonly positions: readonly number[];
  readonly entities: readonly EntityValues[];
}

export interface ComponentMatrix {
  readonly kind: ComponentKind;
  readonly layout: LayoutName;
  /** A uniform component gives all its entities in a panel one angle. */
  readonly uniform: boolean;
  readonly rules: ComponentRules;
  /** The nine panels, row-major (panel 3r + c is row r, column c). */
  readonly panels: readonly ComponentPanel[];
}

export interface RavenMatrix {
  readonly configuration: ConfigurationName;
  readonly structure: StructureName;
  /** Background grey level 0..255. */
  readonly background: number;
  readonly components: readonly ComponentMatrix[];
}

export interface GeneratorOptions {
  readonly ruleset?: Ruleset;
  readonly configurations?: ReadonlyArray<readonly [ConfigurationName, number]>;
}

type Grid<T> = T[][]; // [row][column]

function intIn(bounds: Bounds, random: Random): number {
  return bounds.min + random.int(bounds.max - bounds.min + 1);
}

function range(bounds: Bounds): number[] {
  return Array.from({ length: bounds.max - bounds.min + 1 }, (_, i) => bounds.min + i);
}

function subset(slotCount: number, size: number, random: Random): number[] {
  return random
    .shuffled(Array.from({ length: slotCount }, (_, i) => i))
    .slice(0, size)
    .sort((a, b) => a - b);
}

/** Column order of the three values in each row: a Latin square, one of its two cyclic forms. */
function distributeOrder(random: Random): Grid<number> {
  return random.bernoulli(0.5)
    ? [[0, 1, 2], [1, 2, 0], [2, 0, 1]]
    : [[0, 1, 2], [2, 0, 1], [1, 2, 0]];
}

const sameSet = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((x, i) => x === b[i]);
const isSubset = (a: readonly number[], b: readonly number[]) => a.every((x) => b.includes(x));

/** The occupied positions of every panel of the component, obeying its configuration rule. */
function configurationGrid(rule: Rule, pruned: Bounds, spec: ComponentSpec, random: Random): Grid<number[]> {
  const slots = spec.slots.length;
  const full = spec.number;
  const v = rule.value;
  const randomPositions = (counts: number[]) => counts.map((n) => subset(slots, n, random));
  if (rule.name === 'distribute_three') {
    const order = distributeOrder(random);
    if (rule.attribute === 'number') {
      const counts = random.shuffled(range(pruned)).slice(0, 3).map((s) => s + 1);
      return order.map((row) => randomPositions(row.map((k) => counts[k])));
    }
    const n = intIn(pruned, random) + 1;
    const sets: number[][] = [subset(slots, n, random)];
    while (sets.length < 3) {
      const candidate = subset(slots, n, random);
      if (!sets.some((s) => sameSet(s, candidate))) sets.push(candidate);
    }
    return order.map((row) => row.map((k) => sets[k]));
  }
  const rows: Grid<number[]> = [];
  for (let r = 0; r < 3; r++) {
    if (rule.name === 'constant') {
      const p = subset(slots, intIn(pruned, random) + 1, random);
      rows.push([p, p, p]);
    } else if (rule.name === 'progression' && rule.attribute === 'number') {
      const s0 = intIn(pruned, random);
      rows.push(randomPositions([s0 + 1, s0 + 1 + v, s0 + 1 + 2 * v]));
    } else if (rule.name === 'progression') {
      const p0 = subset(slots, intIn(pruned, random) + 1, random);
      const shift = (p: number[]) => p.map((x) => (((x + v) % slots) + slots) % slots).sort((a, b) => a - b);
      const p1 = shift(p0);
      rows.push([p0, p1, shift(p1)]);
    } else if (rule.attribute === 'number') {
      // Arithmetic on entity counts: n2 = n0 + n1 or n0 - n1 (settings are counts - 1).
      const s0 = intIn(pruned, random);
      const s1 = v > 0 ? intIn({ min: full.min, max: full.max - s0 - 1 }, random) : intIn({ min: full.min, max: s0 - full.min - 1 }, random);
      const s2 = v > 0 ? s0 + s1 + 1 : s0 - s1 - 1;
      rows.push(randomPositions([s0 + 1, s1 + 1, s2 + 1]));
    } else {
      // Arithmetic on positions: the third panel is the union (v > 0) or difference of the first two.
      const p0 = subset(slots, intIn(pruned, random) + 1, random);
      let p1: number[];
      do p1 = subset(slots, intIn(pruned, random) + 1, random);
      while (v > 0 ? isSubset(p1, p0) : isSubset(p0, p1));
      const p2 = v > 0 ? [...new Set([...p0, ...p1])].sort((a, b) => a - b) : p0.filter((x) => !p1.includes(x));
      rows.push([p0, p1, p2]);
    }
  }
  return rows;
}

/** The setting of one entity attribute in every panel, obeying its rule. */
function attributeGrid(rule: Rule, pruned: Bounds, full: Bounds, random: Random): Grid<number> {
  const v = rule.value;
  if (rule.name === 'distribute_three') {
    const values = random.shuffled(range(pruned)).slice(0, 3);
    return distributeOrder(random).map((row) => row.map((k) => values[k]));
  }
  const rows: Grid<number> = [];
  let firstSecondColumnWhite = false;
  for (let r = 0; r < 3; r++) {
    if (rule.name === 'constant') {
      const s = intIn(pruned, random);
      rows.push([s, s, s]);
    } else if (rule.name === 'progression') {
      const s0 = intIn(pruned, random);
      rows.push([s0, s0 + v, s0 + 2 * v]);
    } else if (rule.attribute === 'color') {
      // Colour arithmetic adds darkness levels: s2 = s0 + s1 or s0 - s1. As raven-gen does, when
      // the first row's middle panel is white (s1 = 0) the second row's is not, so the rule shows.
      const needDark = r === 1 && firstSecondColumnWhite;
      let s0 = intIn(pruned, random);
      const room = (s: number) => (v > 0 ? full.max - s : s - full.min) - full.min;
      if (needDark && room(s0) < 1) {
        const choices = range(pruned).filter((s) => room(s) >= 1);
        if (choices.length > 0) s0 = random.choice(choices);
      }
      const hi = v > 0 ? full.max - s0 : s0 - full.min;
      const lo = needDark && hi > full.min ? full.min + 1 : full.min;
      const s1 = intIn({ min: lo, max: hi }, random);
      if (r === 0) firstSecondColumnWhite = s1 === 0;
      rows.push([s0, s1, v > 0 ? s0 + s1 : s0 - s1]);
    } else {
      // Size arithmetic on settings: s2 = s0 + (s1 + 1) or s0 - (s1 + 1).
      const s0 = intIn(pruned, random);
      const s1 = v > 0 ? intIn({ min: full.min, max: full.max - s0 - 1 }, random) : intIn({ min: full.min, max: s0 - full.min - 1 }, random);
      rows.push([s0, s1, v > 0 ? s0 + s1 + 1 : s0 - s1 - 1]);
    }
  }
  return rows;
}

function generateComponent(spec: ComponentSpec, rules: ComponentRules, bounds: PrunedBounds, random: Random): ComponentMatrix {
  const uniform = UNIFORMITY[random.int(UNIFORMITY.length)];
  const positions = configurationGrid(rules.configuration, bounds.number, spec, random);
  const types = attributeGrid(rules.type, bounds.type, spec.type, random);
  const sizes = attributeGrid(rules.size, bounds.size, spec.size, random);
  const colors = attributeGrid(rules.color, bounds.color, spec.color, random);
  const panels: ComponentPanel[] = [];
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) {
      const sharedAngle = intIn(spec.angle, random);
      const entities = positions[r][c].map(() => ({
        type: types[r][c],
        size: sizes[r][c],
        color: colors[r][c],
        angle: uniform ? sharedAngle : intIn(spec.angle, random),
      }));
      panels.push({ positions: positions[r][c], entities });
    }
  }
  return { kind: spec.kind, layout: spec.layout, uniform, rules, panels };
}

function drawConfiguration(weights: ReadonlyArray<readonly [ConfigurationName, number]>, random: Random): ConfigurationName {
  const total = weights.reduce((s, [, w]) => s + w, 0);
  let u = random.next() * total;
  for (const [name, w] of weights) {
    if (u < w) return name;
    u -= w;
  }
  return weights[weights.length - 1][0];
}

/** Rules are redrawn until every component can express them; this bounds the redraws. */
const MAX_RULE_DRAWS = 10_000;

export function generateMatrix(random: Random, options: GeneratorOptions = {}): RavenMatrix {
  const ruleset = options.ruleset ?? ORIGINAL_RULESET;
  const configuration = CONFIGURATIONS[drawConfiguration(options.configurations ?? ORIGINAL_CONFIGURATION_WEIGHTS, random)];
  for (let draw = 0; draw < MAX_RULE_DRAWS; draw++) {
    const rules = configuration.components.map(() => drawComponentRules(ruleset, random));
    const bounds = configuration.components.map((spec, i) => pruneBounds(spec, rules[i]));
    if (bounds.some((b) => b === null)) continue;
    const components = configuration.components.map((spec, i) => generateComponent(spec, rules[i], bounds[i] as PrunedBounds, random));
    return { configuration: configuration.name, structure: configuration.structure, background: random.choice(BACKGROUNDS), components };
  }
  throw new Error(`no rules of the ruleset fit configuration ${configuration.name} after ${MAX_RULE_DRAWS} draws`);
}

/** Matrix `index` of the corpus seeded by `dataSeed`: independent of how many are generated. */
export function corpusMatrix(dataSeed: number, index: number, options: GeneratorOptions = {}): RavenMatrix {
  return generateMatrix(new Random(deriveSeed(dataSeed, 'raven-matrix', index)), options);
}
