/**
 * What each data set looks like before any split: pool size, class shares and base rate
 * (majority-class accuracy). RAVEN figures come from the rules of the default corpus
 * without rendering, so listing is quick and matches what `loadDataset` would build.
 */
import { listDatasets, RAVEN_DEFAULTS, type DatasetInfo } from './datasets.ts';
import { mnistPool } from './mnist.ts';
import { MNIST_TASKS } from './mnistTasks.ts';
import { baseRate, classFractions } from './pool.ts';
import { corpusRules } from './raven/pool.ts';
import { RAVEN_TASKS, type MatrixRules, type RulesetName } from './raven/tasks.ts';

export interface DatasetSummary extends DatasetInfo {
  readonly poolSize: number;
  readonly classFractions: number[];
  readonly baseRate: number;
}

export interface SummaryOptions {
  /** RAVEN corpus to describe (default 0) and its size (default the data sets' pool size). */
  readonly dataSeed?: number;
  readonly poolSize?: number;
}

export function summarizeDatasets(options: SummaryOptions = {}): DatasetSummary[] {
  const poolSize = options.poolSize ?? RAVEN_DEFAULTS.poolSize;
  const rulesByRuleset = new Map<RulesetName, MatrixRules[]>();
  const rulesOf = (ruleset: RulesetName) => {
    let rules = rulesByRuleset.get(ruleset);
    if (!rules) {
      rules = corpusRules(options.dataSeed ?? 0, ruleset, poolSize);
      rulesByRuleset.set(ruleset, rules);
    }
    return rules;
  };
  return listDatasets().map((info) => {
    let labels: Int32Array;
    const mnist = MNIST_TASKS.find((t) => t.name === info.name);
    if (mnist) {
      labels = mnistPool(mnist, 28).labels;
    } else {
      const task = RAVEN_TASKS.find((t) => t.name === info.name);
      if (!task) throw new Error(`no summary for data set ${info.name}`);
      labels = Int32Array.from(rulesOf(task.ruleset), (m) => task.label(m));
    }
    const k = info.classNames.length;
    return { ...info, poolSize: labels.length, classFractions: classFractions(labels, k), baseRate: baseRate(labels, k) };
  });
}
