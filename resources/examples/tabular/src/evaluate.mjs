// evaluate: scores the model on the held-out test set and writes reports/metrics.json.
import fs from 'node:fs';
import { predict, readCsv, writeJson } from './common.mjs';

const model = JSON.parse(fs.readFileSync('models/model.json', 'utf8'));
const rows = readCsv('data/prepared/test.csv');
let tp = 0;
let fp = 0;
let tn = 0;
let fn = 0;
for (const r of rows) {
  const guess =
    predict(
      model,
      model.features.map((c) => Number(r[c])),
    ) >= 0.5
      ? 1
      : 0;
  const truth = Number(r.churned);
  if (guess && truth) tp++;
  else if (guess) fp++;
  else if (truth) fn++;
  else tn++;
}
const precision = tp / (tp + fp || 1);
const recall = tp / (tp + fn || 1);
const metrics = {
  test: {
    accuracy: (tp + tn) / rows.length,
    precision,
    recall,
    f1: (2 * precision * recall) / (precision + recall || 1),
  },
};
writeJson('reports/metrics.json', metrics);
console.log(`evaluate: ${JSON.stringify(metrics.test)}`);
