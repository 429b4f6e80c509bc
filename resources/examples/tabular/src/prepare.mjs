// prepare: split customers into train and test sets and standardise the numeric features with the
// training set's mean and spread, so the model sees features on one scale.
import { readCsv, readParams, rng, writeCsv, writeJson } from './common.mjs';

const { prepare } = readParams();
const rows = readCsv('data/customers.csv');
const random = rng(prepare.seed);
const shuffled = rows
  .map((r) => ({ r, k: random() }))
  .sort((a, b) => a.k - b.k)
  .map((x) => x.r);
const nTest = Math.round(shuffled.length * prepare.test_fraction);
const test = shuffled.slice(0, nTest);
const train = shuffled.slice(nTest);

const numeric = ['tenure_months', 'monthly_charges', 'support_calls'];
const scaler = {};
for (const c of numeric) {
  const xs = train.map((r) => Number(r[c]));
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const std = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length) || 1;
  scaler[c] = { mean, std };
}

const encode = (r) => ({
  ...Object.fromEntries(
    numeric.map((c) => [c, ((Number(r[c]) - scaler[c].mean) / scaler[c].std).toFixed(6)]),
  ),
  one_year: r.contract === 'one-year' ? 1 : 0,
  two_year: r.contract === 'two-year' ? 1 : 0,
  churned: Number(r.churned),
});

writeCsv('data/prepared/train.csv', train.map(encode));
writeCsv('data/prepared/test.csv', test.map(encode));
writeJson('data/prepared/scaler.json', scaler);
console.log(`prepare: ${train.length} training rows, ${test.length} test rows`);
