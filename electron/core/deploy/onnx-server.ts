// The built-in server for ONNX models, run as a child process of the engine (node onnx-server.js
// --model-dir DIR --port N …): onnxruntime-node on the CPU, the routes of docs/deploy.md, each
// prediction in the JSONL log. The model is loaded before the port is bound, so a model that fails
// to load exits at once with the reason.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';
import ort from 'onnxruntime-node';
import { probabilitySource } from './onnx-classes.js';
import { DEFAULT_LOG_MAX_BYTES, PredictionLog } from './prediction-log.js';
import { parseRows, RowError } from './rows.js';

const { values: args } = parseArgs({
  options: {
    'model-dir': { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string', default: '127.0.0.1' },
    name: { type: 'string', default: 'model' },
    version: { type: 'string', default: '0' },
    logs: { type: 'string', default: '' },
    'log-max-bytes': { type: 'string', default: String(DEFAULT_LOG_MAX_BYTES) },
  },
});

function fail(message: string, code: number): never {
  process.stderr.write(`strata onnx server: ${message}\n`);
  process.exit(code);
}

const OIP_TYPES: Record<string, string> = {
  float32: 'FP32',
  float64: 'FP64',
  int64: 'INT64',
  int32: 'INT32',
  bool: 'BOOL',
  string: 'BYTES',
};
function datatype(m: ort.InferenceSession.ValueMetadata): string {
  return (m.isTensor && OIP_TYPES[m.type]) || 'FP32';
}

function findModel(dir: string): string {
  const found = fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.onnx'))
    .sort();
  if (found.length === 0) fail(`no .onnx file in ${dir}`, 3);
  return path.join(dir, found[0]);
}

const modelFile = findModel(args['model-dir'] ?? fail('--model-dir is required', 2));
const options: ort.InferenceSession.SessionOptions = { intraOpNumThreads: 1, interOpNumThreads: 1 };
let session: ort.InferenceSession;
try {
  session = await ort.InferenceSession.create(modelFile, options);
} catch (err) {
  fail(`${modelFile} failed to load: ${(err as Error).message}`, 3);
}
const name = args.name as string;
const version = Number(args.version);
const inputName = session.inputNames[0];
const meta = session.inputMetadata[0];
const dims = meta && meta.isTensor ? meta.shape : [];
const width = typeof dims[1] === 'number' && dims[1] > 0 ? dims[1] : null;
const predictionOutput = session.outputMetadata[0];

/**
 * A classifier as converters write it (skl2onnx, onnxmltools): the predicted label first, then the
 * class probabilities, a float [rows, classes] tensor or ZipMap's sequence of maps. A model with one
 * output is served as it was: that output is the prediction.
 */
async function probabilityOutput(): Promise<{
  output: string;
  datatype: string;
  tensor: string;
  classes: string[] | null;
} | null> {
  const second = session.outputMetadata[1];
  if (!second) return null;
  const columns = second.isTensor ? second.shape[1] : null;
  if (
    second.isTensor &&
    !(
      (second.type === 'float32' || second.type === 'float64') &&
      second.shape.length === 2 &&
      (typeof columns !== 'number' || columns >= 2)
    )
  )
    return null;
  try {
    const source = probabilitySource(
      fs.readFileSync(modelFile),
      second.name,
      second.isTensor,
      typeof columns === 'number' ? columns : null,
    );
    if (!source) return null;
    if (source.model) session = await ort.InferenceSession.create(source.model, options);
    return {
      output: second.name,
      datatype: datatype(second),
      tensor: source.tensor,
      classes: source.classes,
    };
  } catch (err) {
    // The labels are still served; say why the probabilities are not.
    process.stderr.write(
      `strata onnx server: ${second.name} is not served (no probabilities logged): ${(err as Error).message}\n`,
    );
    return null;
  }
}
const probability = await probabilityOutput();
const fetches = probability ? [predictionOutput.name, probability.tensor] : [predictionOutput.name];
const log = new PredictionLog(args.logs || null, Number(args['log-max-bytes']), probability?.classes ?? null);
const latencies: number[] = [];
let requests = 0;
let errors = 0;

interface Answer {
  predictions: unknown[];
  /** each row's class probabilities, in the model's column order */
  probabilities: number[][] | null;
}
interface Waiting {
  rows: number[][];
  resolve(r: Answer): void;
  reject(err: unknown): void;
}
let queue: Waiting[] = [];
let running = false;

/**
 * Requests that arrive while a run is in flight wait and then go in one run together: a run's cost
 * is mostly the hop to onnxruntime's thread and back, so under load batching them multiplies
 * throughput; alone, a request runs at once.
 */
function predict(rows: number[][]): Promise<Answer> {
  return new Promise((resolve, reject) => {
    queue.push({ rows, resolve, reject });
    if (!running) void drain();
  });
}

async function drain(): Promise<void> {
  running = true;
  while (queue.length) {
    const batch = queue;
    queue = [];
    // Rows of different widths cannot share a tensor: each width runs on its own.
    const widths = new Map<number, Waiting[]>();
    for (const b of batch) {
      const group = widths.get(b.rows[0].length);
      if (group) group.push(b);
      else widths.set(b.rows[0].length, [b]);
    }
    for (const [w, group] of widths) {
      const n = group.reduce((s, g) => s + g.rows.length, 0);
      const data = new Float32Array(n * w);
      let at = 0;
      for (const g of group) for (const r of g.rows) data.set(r, w * at++);
      try {
        const out = await session.run({ [inputName]: new ort.Tensor('float32', data, [n, w]) }, fetches);
        const label = out[predictionOutput.name];
        const values: unknown[] =
          label.type === 'string'
            ? (label.data as string[])
            : Array.from(label.data as ArrayLike<number | bigint>, Number);
        const per = values.length / n;
        const probs = probability ? (out[probability.tensor].data as Float32Array | Float64Array) : null;
        const k = probs ? probs.length / n : 0;
        let row = 0;
        for (const g of group) {
          const mine = g.rows.map((_, i) =>
            per === 1 ? values[row + i] : values.slice((row + i) * per, (row + i + 1) * per),
          );
          const p = probs
            ? g.rows.map((_, i) => Array.from(probs.subarray((row + i) * k, (row + i + 1) * k)))
            : null;
          row += g.rows.length;
          g.resolve({ predictions: mine, probabilities: p });
        }
      } catch (err) {
        for (const g of group) g.reject(err);
      }
    }
  }
  running = false;
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const data = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) });
  res.end(data);
}

function readBody(req: http.IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let first: Buffer | null = null;
    let more: Buffer[] | null = null;
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 64 * 1024 * 1024) reject(new RowError('the request is larger than 64 MiB'));
      else if (!first) first = c;
      else (more ??= [first]).push(c);
    });
    req.on('end', () => {
      // A small request arrives in one chunk: parsed where it lies, not copied into a new buffer first.
      const body = more ? Buffer.concat(more) : first;
      try {
        resolve(body ? JSON.parse(body.toString('utf8')) : null);
      } catch (err) {
        reject(new RowError(`the body is not JSON: ${(err as Error).message}`));
      }
    });
    req.on('error', reject);
  });
}

const prefix = `/v2/models/${name}`;
const metadata = {
  name,
  versions: [String(version)],
  platform: 'onnxruntime',
  inputs: [{ name: inputName, datatype: 'FP32', shape: [-1, width ?? -1] }],
  outputs: [
    {
      name: predictionOutput.name,
      datatype: datatype(predictionOutput),
      shape: predictionOutput.isTensor && predictionOutput.shape.length === 1 ? [-1] : [-1, -1],
    },
    ...(probability ? [{ name: probability.output, datatype: probability.datatype, shape: [-1, -1] }] : []),
  ],
  feature_names: null,
};

async function answer(rows: unknown, request: string) {
  const parsed = parseRows(rows, width, null);
  const result = await predict(parsed.matrix);
  log.write(
    { model: name, version, request },
    parsed.names,
    parsed.matrix,
    result.predictions,
    result.probabilities,
  );
  return result;
}

async function post(req: http.IncomingMessage, res: http.ServerResponse): Promise<boolean> {
  if (req.url === '/predict') {
    const body = await readBody(req);
    const rows =
      body && typeof body === 'object' && !Array.isArray(body) ? (body as { rows?: unknown }).rows : body;
    const r = await answer(rows, crypto.randomUUID());
    send(
      res,
      200,
      r.probabilities
        ? { predictions: r.predictions, probabilities: r.probabilities }
        : { predictions: r.predictions },
    );
    return true;
  }
  if (req.url === `${prefix}/infer` || req.url === `${prefix}/versions/${version}/infer`) {
    const body = (await readBody(req)) as { id?: unknown; inputs?: unknown } | null;
    const inputs = body?.inputs;
    if (!Array.isArray(inputs) || inputs.length !== 1)
      throw new RowError('an inference request has one tensor in inputs');
    const t = inputs[0] as { shape?: unknown; data?: unknown };
    const shape = t.shape;
    if (!Array.isArray(shape) || shape.length !== 2 || !shape.every((s) => Number.isInteger(s) && s > 0))
      throw new RowError("the input's shape must be [rows, features]");
    if (!Array.isArray(t.data)) throw new RowError("the input's data must be a list");
    const flat = (t.data as unknown[]).flat();
    const [n, w] = shape as [number, number];
    if (flat.length !== n * w)
      throw new RowError(
        `the input's data has ${flat.length} values where shape [${n}, ${w}] needs ${n * w}`,
      );
    const rows = Array.from({ length: n }, (_, i) => flat.slice(i * w, (i + 1) * w));
    const id = typeof body?.id === 'string' && body.id ? body.id : crypto.randomUUID();
    const r = await answer(rows, id);
    send(res, 200, {
      model_name: name,
      model_version: String(version),
      id,
      outputs: [
        {
          name: predictionOutput.name,
          datatype: datatype(predictionOutput),
          shape: metadata.outputs[0].shape.length === 1 ? [n] : [n, r.predictions.flat().length / n],
          data: r.predictions.flat(),
        },
        ...(probability && r.probabilities
          ? [
              {
                // Served as the tensor it is, also where the model zips it into maps (ZipMap).
                name: probability.output,
                datatype: probability.datatype,
                shape: [n, r.probabilities[0].length],
                data: r.probabilities.flat(),
              },
            ]
          : []),
      ],
    });
    return true;
  }
  return false;
}

const server = http.createServer((req, res) => {
  if (req.method === 'GET') {
    if (req.url === '/v2/health/live') return send(res, 200, { live: true });
    if (req.url === '/v2/health/ready') return send(res, 200, { ready: true });
    if (req.url === '/v2') return send(res, 200, { name: 'strata-onnx', version: '1', extensions: [] });
    if (req.url === prefix || req.url === `${prefix}/versions/${version}`) return send(res, 200, metadata);
    if (req.url === `${prefix}/ready`) return send(res, 200, { name, ready: true });
    if (req.url === '/strata/stats') {
      const sorted = [...latencies].sort((a, b) => a - b);
      const pick = (q: number) =>
        sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : null;
      return send(res, 200, { requests, errors, p50_ms: pick(0.5), p99_ms: pick(0.99) });
    }
    return send(res, 404, { error: `no route ${req.url}` });
  }
  if (req.method !== 'POST') return send(res, 405, { error: `${req.method} is not served` });
  const started = performance.now();
  post(req, res)
    .then((handled) => {
      if (!handled) send(res, 404, { error: `no route ${req.url}` });
      return handled;
    })
    .catch((err: unknown) => {
      errors++;
      if (err instanceof RowError) send(res, 400, { error: err.message });
      else send(res, 500, { error: (err as Error).message ?? String(err) });
      return false;
    })
    .then((counted) => {
      if (!counted) return;
      requests++;
      latencies.push(performance.now() - started);
      if (latencies.length > 1000) latencies.splice(0, 500);
    });
});
server.keepAliveTimeout = 60_000;
server.on('error', (err: NodeJS.ErrnoException) =>
  fail(`cannot listen on ${args.host}:${args.port}: ${err.code ?? err.message}`, 4),
);
server.listen(Number(args.port), args.host, () => {
  process.stdout.write(`strata onnx server: ${name}@${version} on http://${args.host}:${args.port}\n`);
});
const stop = () => {
  server.close();
  log.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
