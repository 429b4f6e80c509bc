// train: logistic regression by full-batch gradient descent with L2 regularisation. Logs loss and
// accuracy for every epoch through the Strata client, and writes the same series to a CSV plot.
import fs from 'node:fs';
import { predict, readCsv, readParams, tracking, writeJson } from './common.mjs';

const { train: p } = readParams();
const strata = await tracking();
strata?.setTag('model', 'logistic regression');

const rows = readCsv('data/prepared/train.csv');
const features = Object.keys(rows[0]).filter((c) => c !== 'churned');
const X = rows.map((r) => features.map((c) => Number(r[c])));
const y = rows.map((r) => Number(r.churned));
const model = { features, weights: features.map(() => 0), bias: 0 };

const log = ['epoch,loss,accuracy'];
for (let epoch = 0; epoch < p.epochs; epoch++) {
  const gw = features.map(() => 0);
  let gb = 0;
  let loss = 0;
  let correct = 0;
  X.forEach((x, i) => {
    const prob = predict(model, x);
    const err = prob - y[i];
    x.forEach((v, j) => (gw[j] += err * v));
    gb += err;
    loss -= y[i] * Math.log(prob + 1e-12) + (1 - y[i]) * Math.log(1 - prob + 1e-12);
    if ((prob >= 0.5 ? 1 : 0) === y[i]) correct++;
  });
  model.weights = model.weights.map((w, j) => w - p.learning_rate * (gw[j] / X.length + p.l2 * w));
  model.bias -= p.learning_rate * (gb / X.length);
  const metrics = { loss: loss / X.length, accuracy: correct / X.length };
  strata?.logMetrics(metrics, epoch);
  log.push(`${epoch},${metrics.loss.toFixed(6)},${metrics.accuracy.toFixed(6)}`);
}

writeJson('models/model.json', model);
fs.mkdirSync('reports', { recursive: true });
fs.writeFileSync('reports/train_log.csv', log.join('\n') + '\n');
console.log(`train: ${p.epochs} epochs, final ${log[log.length - 1]}`);
