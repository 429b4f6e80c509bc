import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * A DVC 3 project that uses every dvc.yaml feature Strata reads: vars from YAML, JSON, TOML and
 * Python params files (whole and `file:key`), inline vars, `${}` in cmd, wdir, deps, outs and params,
 * a map expanded into `--key value` arguments, foreach over a list and a map, matrix, always_changed,
 * a callback stage, frozen, desc and meta, top-level params/metrics/plots/artifacts, a `.dvc` file
 * and `.dvc/config` [parsing]. Commands are shell built-ins, so the test measures Strata, not Python.
 */
export const DVC_FILES: Record<string, string> = {
  '.dvc/config':
    '[core]\n    autostage = true\n[parsing]\n    bool = boolean_optional\n[\'remote "r"\']\n    url = /tmp/none\n',
  'params.yaml': `prepare:
  split: 0.25
  seed: 7
train:
  lr: 1.0
  epochs: 3
  flags:
    verbose: true
    quiet: false
  layers: [8, 4]
models: [small, large]
`,
  'config/extra.json': '{"threshold": 0.5, "labels": {"pos": "yes it is"}, "ratio": 2.0}\n',
  'config/model.toml': '[optim]\nmomentum = 0.9\nsteps = 2\nwarm = 1.0\n\n[unused]\nx = 1\n',
  'config/settings.py': `import os

BATCH = 16
RAW: str = "data/raw.csv"
SKIPPED = os.environ.get("X")  # not a literal: DVC leaves it out


class Paths:
    out_dir = "out"

    class Deep:
        name = "deep"

    def __init__(self):
        self.dropout = 0.1
`,
  'data/raw.csv': 'x,y\n1,2\n3,4\n',
  'sub/input.txt': 'sub input\n',
  'legacy/model.txt': 'kept by hand\n',
  'dvc.yaml': `vars:
  - config/extra.json
  - config/model.toml:optim
  - config/settings.py
  - sub_dir: sub
    names:
      a: alpha
      b: beta

stages:
  prepare:
    desc: |
      Split the raw data.
      Second line of the description.
    meta:
      owner: ml-team
      tags: [data]
    cmd: mkdir -p \${Paths.out_dir} && echo "split=\${prepare.split} seed=\${prepare.seed} batch=\${BATCH}" > \${Paths.out_dir}/prepared.txt
    deps:
      - \${RAW}
    params:
      - prepare.split
      - prepare.seed
      - config/settings.py:
          - BATCH
    outs:
      - \${Paths.out_dir}/prepared.txt

  train:
    foreach: \${models}
    do:
      cmd: echo "\${item}" \${train} > out/train-\${item}.args
      deps:
        - out/prepared.txt
      params:
        - train
        - config/model.toml:
            - optim.momentum
      outs:
        - out/train-\${item}.args

  report:
    foreach: \${names}
    do:
      cmd: echo "\${key}=\${item} \${labels.pos}" > out/report-\${key}.txt
      deps:
        - out/prepared.txt
      outs:
        - out/report-\${key}.txt

  sweep:
    matrix:
      opt: [sgd, adam]
      lr: [0.1, "\${optim.warm}"]
    cmd: echo "\${item.opt} \${item.lr} \${key}" > out/sweep-\${key}.txt
    deps:
      - out/prepared.txt
    outs:
      - out/sweep-\${key}.txt:
          cache: false

  stamp:
    cmd: echo stamped >> out/stamps.log
    deps:
      - out/prepared.txt
    always_changed: true

  notify:
    cmd: echo notified >> notify.log

  legacy:
    cmd: exit 3
    frozen: true
    outs:
      - legacy/model.txt

  sub:
    wdir: \${sub_dir}
    cmd: cat input.txt > result.txt && echo "\${Paths.Deep.name} \${Paths.dropout} \${ratio}" >> result.txt
    deps:
      - input.txt
    params:
      - ../config/extra.json:
    outs:
      - result.txt

  metrics:
    cmd: >-
      echo '{"acc": \${threshold}}' > out/metrics.json &&
      printf 'step,loss\\n0,1.5\\n1,0.5\\n' > out/plot.csv
    deps:
      - out/train-small.args
    metrics:
      - out/metrics.json:
          cache: false
    plots:
      - out/plot.csv:
          cache: false

params:
  - config/extra.json
metrics:
  - out/metrics.json
plots:
  - out/plot.csv:
      x: step
      y: loss
artifacts:
  classifier:
    path: out/train-small.args
    type: model
    desc: the small model
`,
};

export const md5 = (data: string | Buffer) => crypto.createHash('md5').update(data).digest('hex');

export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
}

export function writeDvcProject(dir: string): void {
  writeFiles(dir, DVC_FILES);
  const raw = fs.readFileSync(path.join(dir, 'data/raw.csv'));
  fs.writeFileSync(
    path.join(dir, 'data/raw.csv.dvc'),
    `outs:\n- md5: ${md5(raw)}\n  size: ${raw.length}\n  hash: md5\n  path: raw.csv\n`,
  );
}

/** The stage names DVC gives this dvc.yaml (dvc.org: foreach `stage@key`, matrix `stage@a-b`), in file order. */
export const DVC_STAGE_NAMES = [
  'prepare',
  'train@small',
  'train@large',
  'report@a',
  'report@b',
  'sweep@sgd-0.1',
  'sweep@sgd-1.0',
  'sweep@adam-0.1',
  'sweep@adam-1.0',
  'stamp',
  'notify',
  'legacy',
  'sub',
  'metrics',
];
