// Helpers shared by the example's stages. Node's standard library only, so the example runs
// wherever Strata does, with no npm install.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** Reads the two-level `section: { key: number }` shape of params.yaml; enough for this example. */
export function readParams(file = 'params.yaml') {
  const out = {};
  let section = null;
  for (const raw of fs.readFileSync(file, 'utf8').split('\n')) {
    const line = raw.replace(/#.*$/, '').trimEnd();
    if (!line.trim()) continue;
    const m = /^(\s*)([\w.-]+):\s*(.*)$/.exec(line);
    if (!m) throw new Error(`${file}: cannot read the line "${raw}"`);
    if (m[1] === '') {
      section = m[2];
      out[section] = {};
    } else if (section) {
      out[section][m[2]] = Number.isNaN(Number(m[3])) ? m[3] : Number(m[3]);
    }
  }
  return out;
}

export function readCsv(file) {
  const [header, ...rows] = fs.readFileSync(file, 'utf8').trim().split('\n');
  const cols = header.split(',');
  return rows.map((r) => Object.fromEntries(r.split(',').map((v, i) => [cols[i], v])));
}

export function writeCsv(file, rows) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const cols = Object.keys(rows[0]);
  fs.writeFileSync(
    file,
    [cols.join(','), ...rows.map((r) => cols.map((c) => r[c]).join(','))].join('\n') + '\n',
  );
}

export function writeJson(file, value) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(value, null, 2) + '\n');
}

/** A small deterministic generator (mulberry32), so a seed gives the same split every time. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const sigmoid = (z) => 1 / (1 + Math.exp(-z));

export function predict(model, x) {
  return sigmoid(x.reduce((s, v, i) => s + v * model.weights[i], model.bias));
}

/** The Strata Node client when run by Strata; outside it, logging is skipped and the stage still works. */
export async function tracking() {
  const file = process.env.STRATA_NODE_CLIENT;
  return file ? import(pathToFileURL(file).href) : null;
}
