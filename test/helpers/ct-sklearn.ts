// The scikit-learn example turned into a continuous-training project, for the tests and the benchmark
// that need a model the Python serving helper can serve: its tumours arrive as CSV batches in a watched
// folder (data/batches), its prepare stage reads whatever batches have arrived, and a policy of every
// step ends at an http target. The batches are rows of scikit-learn's own breast-cancer table.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** Debian's interpreter has scikit-learn; a pyenv python3 earlier on PATH may not. */
export const PYTHON = '/usr/bin/python3';
export const pythonEnv = { PATH: `/usr/bin:${process.env.PATH}`, STRATA_PYTHON: PYTHON };

const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');

const PREPARE = `"""prepare: the tumour batches that have arrived in data/batches, split into train and test CSV files."""
import glob
import os
import sys

import numpy as np
from sklearn.model_selection import train_test_split

sys.path.insert(0, os.path.dirname(__file__))
from params import read_params  # noqa: E402

p = read_params()["prepare"]
rows = np.vstack([np.loadtxt(f, delimiter=",", skiprows=1, ndmin=2) for f in sorted(glob.glob("data/batches/*.csv"))])
x, y = rows[:, :-1], rows[:, -1].astype(int)
x_train, x_test, y_train, y_test = train_test_split(
    x, y, test_size=p["test_fraction"], random_state=p["seed"], stratify=y
)
os.makedirs("data/split", exist_ok=True)
np.savetxt("data/split/train.csv", np.column_stack([x_train, y_train]), delimiter=",", fmt="%.6g")
np.savetxt("data/split/test.csv", np.column_stack([x_test, y_test]), delimiter=",", fmt="%.6g")
print("prepare: %d training rows, %d test rows" % (len(y_train), len(y_test)))
`;

// Writes the batches: the first one the project starts with, later ones the tests drop in, and one
// with a negative radius that validation must stop.
const BATCHES = `
import sys
import numpy as np
from sklearn.datasets import load_breast_cancer

out, cuts = sys.argv[1], [int(c) for c in sys.argv[2].split(",")]
d = load_breast_cancer()
header = ",".join([n.replace(" ", "_") for n in d.feature_names] + ["malignant"])
rows = np.column_stack([d.data, 1 - d.target])
order = np.random.RandomState(7).permutation(len(rows))
bounds = [0] + cuts + [len(rows)]
for i in range(len(bounds) - 1):
    part = rows[order[bounds[i]:bounds[i + 1]]]
    np.savetxt("%s/batch-%02d.csv" % (out, i + 1), part, delimiter=",", fmt="%.6g", header=header, comments="")
bad = rows[order[:20]].copy()
bad[3, 0] = -4.2
np.savetxt("%s/bad.csv" % out, bad, delimiter=",", fmt="%.6g", header=header, comments="")
`;

export interface CtSklearnOptions {
  /** rows in the first batch and each later one; the table has 569 */
  firstRows?: number;
  laterBatches?: number;
  /** extra lines for the `ct:` policy (approval, schedule …) */
  ct?: string;
}

export interface CtSklearnProject {
  dir: string;
  /** batch-02.csv, batch-03.csv …, then bad.csv: written outside the project, dropped in by `drop` */
  incoming: string[];
  /** moves a batch into the watched folder in one rename, as a finished download lands */
  drop(file: string): void;
}

/** Copies the scikit-learn example to `dir` and makes it a CT project (see the top of this file). */
export function ctSklearnProject(dir: string, opts: CtSklearnOptions = {}): CtSklearnProject {
  const first = opts.firstRows ?? 300;
  const later = opts.laterBatches ?? 1;
  fs.cpSync(path.join(repoRoot, 'resources', 'examples', 'sklearn'), dir, { recursive: true });
  const staging = `${dir}-incoming`;
  fs.mkdirSync(staging, { recursive: true });
  const step = Math.floor((569 - first) / later);
  const cuts = [first, ...Array.from({ length: later - 1 }, (_, i) => first + step * (i + 1))];
  execFileSync(PYTHON, ['-c', BATCHES, staging, cuts.join(',')], { stdio: 'pipe' });
  fs.mkdirSync(path.join(dir, 'data', 'batches'), { recursive: true });
  fs.renameSync(path.join(staging, 'batch-01.csv'), path.join(dir, 'data', 'batches', 'batch-01.csv'));
  fs.writeFileSync(path.join(dir, 'src', 'prepare.py'), PREPARE);
  const yaml = fs
    .readFileSync(path.join(dir, 'strata.yaml'), 'utf8')
    .replace(
      'artifacts:\n',
      'artifacts:\n  batches:\n    path: data/batches\n    kind: dataset\n    watch: true\n',
    )
    .replace('deps: [src/prepare.py, src/params.py]', 'deps: [src/prepare.py, src/params.py, data/batches]');
  fs.writeFileSync(
    path.join(dir, 'strata.yaml'),
    `${yaml}
validations:
  batches:
    include: "*.csv"
    rules:
      - { column: mean_radius, min: 0 }
      - { column: malignant, allowed: [0, 1] }
gates:
  model:
    - { metric: test.accuracy, min: 0.8 }
targets:
  local: { type: http, python: ${PYTHON} }
ct:
  datasets: [batches]
  model: model
  promote: champion
  deploy: [local]
${opts.ct ?? ''}`,
  );
  return {
    dir,
    incoming: [
      ...Array.from({ length: later }, (_, i) =>
        path.join(staging, `batch-${String(i + 2).padStart(2, '0')}.csv`),
      ),
      path.join(staging, 'bad.csv'),
    ],
    drop(file) {
      fs.renameSync(file, path.join(dir, 'data', 'batches', path.basename(file)));
    },
  };
}

/** The model version the service at `url` answers with, from its Open Inference Protocol metadata. */
export async function servedVersion(url: string, model = 'model'): Promise<string> {
  const r = await fetch(`${url}/v2/models/${model}`);
  if (!r.ok) throw new Error(`${url}/v2/models/${model}: HTTP ${r.status}`);
  const meta = (await r.json()) as { versions: string[] };
  return meta.versions.join(',');
}
