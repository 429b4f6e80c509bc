/** Whether a higher or a lower value of a metric is better. */
export type MetricGoal = 'maximize' | 'minimize';

const LOWER_IS_BETTER = new Set(['loss', 'error', 'err', 'mse', 'rmse', 'mae', 'mape', 'perplexity']);
const HIGHER_IS_BETTER = new Set(['accuracy', 'acc', 'f1', 'auc', 'precision', 'recall', 'r2']);

/**
 * The goal a metric's name implies, read from its words (`val_loss`, `test.accuracy`, `roc_auc`), or
 * null when the name says nothing: a wrong guess would colour a regression as progress.
 */
export function inferGoal(key: string): MetricGoal | null {
  const words = key.toLowerCase().split(/[^a-z0-9]+/);
  // The last word that decides wins: `error_rate_accuracy` is unlikely, `train_loss` common.
  for (let i = words.length - 1; i >= 0; i--) {
    if (LOWER_IS_BETTER.has(words[i])) return 'minimize';
    if (HIGHER_IS_BETTER.has(words[i])) return 'maximize';
  }
  return null;
}

/** The goal set in strata.yaml's `metrics:` wins over the one the name implies. */
export function goalOf(key: string, configured: Record<string, { goal: MetricGoal }>): MetricGoal | null {
  return Object.hasOwn(configured, key) ? configured[key].goal : inferGoal(key);
}
