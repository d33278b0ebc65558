/**
 * Labels derived from the rules a matrix was generated with. `constant_color` is the
 * original G-SSNN task (symbolically_synthesized_networks/raven.py: 1 when the colour rule
 * of some component is CONSTANT); the others detect other rules the same way.
 */
import type { ConfigurationName } from './domains.ts';
import type { ComponentRules, RuleName } from './rules.ts';

/** What a label needs from a matrix: its configuration and each component's rules. */
export interface MatrixRules {
  readonly configuration: ConfigurationName;
  readonly rules: readonly ComponentRules[];
}

export type RulesetName = 'original' | 'full';

export interface RavenTask {
  /** Data set name on the CLI. */
  readonly name: string;
  /** Task id, as in the original where one exists. */
  readonly task: string;
  readonly description: string;
  readonly classNames: readonly string[];
  /** The rules the matrices are drawn from: the original's (sizes constant) or all of RAVEN's. */
  readonly ruleset: RulesetName;
  label(matrix: MatrixRules): number;
}

type Target = 'type' | 'size' | 'color' | 'number' | 'position' | 'configuration';

/** Does some component follow `rule` on `target`? (number and position are the configuration rule's targets.) */
function hasRule(matrix: MatrixRules, rule: RuleName, target: Target): boolean {
  return matrix.rules.some((component) => {
    if (target === 'type' || target === 'size' || target === 'color') return component[target].name === rule;
    return component.configuration.name === rule && component.configuration.attribute === target;
  });
}

const RULE_WORDS: Record<RuleName, string> = {
  constant: 'constant',
  progression: 'progression',
  arithmetic: 'arithmetic',
  distribute_three: 'distribute-three',
};

function binaryRuleTask(rule: RuleName, target: Target, ruleset: RulesetName, name?: string): RavenTask {
  const where = target === 'number' || target === 'position' ? `the ${target} of entities` : target === 'configuration' ? 'the configuration (number and positions unchanged along each row)' : `${target === 'type' ? 'entity type' : target}`;
  return {
    name: name ?? `raven-${RULE_WORDS[rule]}-${target}`,
    task: `${rule}_${target}`,
    description: `RAVEN-style 3x3 matrix${ruleset === 'full' ? ' (all RAVEN rules, sizes included)' : ''}, binary: does some component follow the ${rule.toUpperCase()} rule on ${where}?`,
    classNames: ['no', 'yes'],
    ruleset,
    label: (m) => (hasRule(m, rule, target) ? 1 : 0),
  };
}

const CONFIGURATION_CLASSES: readonly ConfigurationName[] = [
  'one_shape',
  'four_shape',
  'five_shape',
  'two_shape_vertical_sep',
  'two_shape_horizontal_sep',
  'shape_in_shape',
];

export const RAVEN_TASKS: readonly RavenTask[] = [
  binaryRuleTask('constant', 'color', 'original', 'raven'),
  binaryRuleTask('progression', 'color', 'original'),
  binaryRuleTask('arithmetic', 'color', 'original'),
  binaryRuleTask('distribute_three', 'color', 'original'),
  binaryRuleTask('constant', 'type', 'original'),
  binaryRuleTask('progression', 'type', 'original'),
  binaryRuleTask('distribute_three', 'type', 'original'),
  binaryRuleTask('constant', 'configuration', 'original'),
  binaryRuleTask('progression', 'number', 'original'),
  binaryRuleTask('progression', 'position', 'original'),
  binaryRuleTask('arithmetic', 'number', 'original'),
  binaryRuleTask('arithmetic', 'position', 'original'),
  binaryRuleTask('distribute_three', 'number', 'original'),
  binaryRuleTask('distribute_three', 'position', 'original'),
  binaryRuleTask('progression', 'size', 'full'),
  binaryRuleTask('arithmetic', 'size', 'full'),
  binaryRuleTask('distribute_three', 'size', 'full'),
  {
    name: 'raven-configuration',
    task: 'configuration',
    description: 'RAVEN-style 3x3 matrix, 6 classes: which configuration (one, four, five shapes, left-right, up-down, shape in shape).',
    classNames: CONFIGURATION_CLASSES,
    ruleset: 'original',
    label: (m) => CONFIGURATION_CLASSES.indexOf(m.configuration),
  },
  {
    name: 'raven-color-rule',
    task: 'color_rule',
    description: "RAVEN-style 3x3 matrix, 4 classes: the colour rule of the first component (constant, progression, arithmetic, distribute_three).",
    classNames: ['constant', 'progression', 'arithmetic', 'distribute_three'],
    ruleset: 'original',
    label: (m) => ['constant', 'progression', 'arithmetic', 'distribute_three'].indexOf(m.rules[0].color.name),
  },
];
