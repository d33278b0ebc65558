/**
 * RAVEN's row-wise rules and how they are drawn. Each component of a matrix gets one
 * rule on its configuration (entity number or positions) and one on each of type, size
 * and colour; every row of the matrix obeys them.
 */
import type { Random } from '../../util/random.ts';
import type { Bounds, ComponentSpec } from './domains.ts';

export const RULE_NAMES = ['constant', 'progression', 'arithmetic', 'distribute_three'] as const;
export type RuleName = (typeof RULE_NAMES)[number];

/** A constant configuration rule keeps number and positions; it is recorded on `configuration`. */
export type ConfigurationAttribute = 'configuration' | 'number' | 'position';
export type EntityAttribute = 'type' | 'size' | 'color';

export interface Rule<A extends string = string> {
  readonly name: RuleName;
  readonly attribute: A;
  /** Progression step (+-1, +-2) or arithmetic sign (+1 add / union, -1 subtract / difference); 0 otherwise. */
  readonly value: number;
}

export interface ComponentRules {
  readonly configuration: Rule<ConfigurationAttribute>;
  readonly type: Rule<'type'>;
  readonly size: Rule<'size'>;
  readonly color: Rule<'color'>;
}

/** Which rules may be drawn for each attribute. */
export interface Ruleset {
  readonly position: readonly RuleName[];
  readonly number: readonly RuleName[];
  readonly type: readonly RuleName[];
  readonly size: readonly RuleName[];
  readonly color: readonly RuleName[];
}

const ALL = RULE_NAMES;
const NO_ARITHMETIC = RULE_NAMES.filter((r) => r !== 'arithmetic');

/** The original data set: sizes are always constant (raven.py's `Ruleset(size_rules=[CONSTANT])`). */
export const ORIGINAL_RULESET: Ruleset = { position: ALL, number: ALL, type: NO_ARITHMETIC, size: ['constant'], color: ALL };
/** Every rule RAVEN defines (arithmetic on type is undefined). */
export const FULL_RULESET: Ruleset = { position: ALL, number: ALL, type: NO_ARITHMETIC, size: ALL, color: ALL };

function drawRule<A extends string>(name: RuleName, attribute: A, random: Random): Rule<A> {
  if (name === 'progression') return { name, attribute, value: random.choice([-2, -1, 1, 2]) };
  if (name === 'arithmetic') return { name, attribute, value: random.choice([-1, 1]) };
  return { name, attribute, value: 0 };
}

export function drawComponentRules(ruleset: Ruleset, random: Random): ComponentRules {
  const onPosition = random.bernoulli(0.5);
  const configName = random.choice(onPosition ? ruleset.position : ruleset.number);
  const configAttribute: ConfigurationAttribute = configName === 'constant' ? 'configuration' : onPosition ? 'position' : 'number';
  return {
    configuration: drawRule(configName, configAttribute, random),
    type: drawRule(random.choice(ruleset.type), 'type', random),
    size: drawRule(random.choice(ruleset.size), 'size', random),
    color: drawRule(random.choice(ruleset.color), 'color', random),
  };
}

/** The bounds each attribute's first column may take so that its rule can be expressed. */
export interface PrunedBounds {
  readonly number: Bounds;
  readonly type: Bounds;
  readonly size: Bounds;
  readonly color: Bounds;
}

function pruneConfiguration(rule: Rule<ConfigurationAttribute>, bounds: Bounds, slotCount: number): Bounds | null {
  let { min, max } = bounds;
  const v = rule.value;
  if (rule.name === 'progression') {
    // Positions shift by v twice without wrapping onto themselves; numbers step by v twice.
    if (rule.attribute === 'position') max -= 2 * Math.abs(v);
    else if (v > 0) max -= 2 * v;
    else min -= 2 * v;
  } else if (rule.name === 'arithmetic') {
    if (rule.attribute === 'position') {
      // Union needs room to grow; difference needs sets big enough to overlap.
      if (v <= 0) min = Math.floor(max / 2);
      max -= 1;
    } else if (v > 0) {
      max = max - min - 1;
    } else {
      min = 2 * min + 1;
    }
  } else if (rule.name === 'distribute_three') {
    if (rule.attribute === 'position') {
      // Three distinct k-subsets of n slots need n >= 3 and k < n.
      if (slotCount < 3) return null;
      max -= 1;
    } else if (max - min + 1 < 3) {
      return null;
    }
  }
  return max < min ? null : { min, max };
}

function pruneEntity(rule: Rule<EntityAttribute>, bounds: Bounds): Bounds | null {
  let { min, max } = bounds;
  const v = rule.value;
  if (rule.name === 'progression') {
    if (v > 0) max -= 2 * v;
    else min -= 2 * v;
  } else if (rule.name === 'arithmetic') {
    if (rule.attribute === 'type') return null;
    if (rule.attribute === 'color') {
      if (max - min < 1) return null;
      if (v > 0) max -= min;
      else min *= 2;
    } else if (v > 0) {
      max = max - min - 1;
    } else {
      min = 2 * min + 1;
    }
  } else if (rule.name === 'distribute_three') {
    if (max - min + 1 < 3) return null;
  }
  return max < min ? null : { min, max };
}

/** The pruned bounds, or null when the component cannot express these rules (draw again). */
export function pruneBounds(spec: ComponentSpec, rules: ComponentRules): PrunedBounds | null {
  const number = pruneConfiguration(rules.configuration, spec.number, spec.slots.length);
  const type = pruneEntity(rules.type, spec.type);
  const size = pruneEntity(rules.size, spec.size);
  const color = pruneEntity(rules.color, spec.color);
  if (!number || !type || !size || !color) return null;
  return { number, type, size, color };
}
