// What the built-in ONNX server needs from a classifier's graph that onnxruntime-node does not say:
// the class labels its probabilities are in the order of, and where the probabilities can be fetched
// as a tensor. skl2onnx's default export ends in ZipMap (a sequence of {class: p} maps), which
// onnxruntime-node 1.30 cannot return ("Non tensor type is temporarily not supported"): the tensor
// ZipMap reads is added to the graph's outputs, so it is fetched instead and ZipMap never runs.
// Only the protobuf fields on the way are decoded (ModelProto.graph, GraphProto.node, a node's names
// and class-label attributes); weights are stepped over by their length, never copied or parsed.

const ML_DOMAIN = 'ai.onnx.ml';
const LABEL_ATTRIBUTES = new Set(['classlabels_ints', 'classlabels_int64s', 'classlabels_strings']);
const FLOAT = 1; // TensorProto.DataType.FLOAT, the only type ZipMap reads

export class OnnxFormatError extends Error {}

interface Field {
  no: number;
  wire: number;
  /** where the field's key starts */
  key: number;
  /** the value's bytes: a varint, or a length-delimited field's payload */
  at: number;
  end: number;
  int: bigint;
}

function varint(buf: Uint8Array, at: number): { value: bigint; next: number } {
  let value = 0n;
  for (let i = at, shift = 0n; i < buf.length && shift < 70n; i++, shift += 7n) {
    value |= BigInt(buf[i] & 0x7f) << shift;
    if (buf[i] < 0x80) return { value, next: i + 1 };
  }
  throw new OnnxFormatError(`a truncated or overlong varint at byte ${at}`);
}

function* fields(buf: Uint8Array, from: number, to: number): Generator<Field> {
  let i = from;
  while (i < to) {
    const key = varint(buf, i);
    const no = Number(key.value >> 3n);
    const wire = Number(key.value & 7n);
    let at = key.next;
    let end: number;
    let int = 0n;
    if (wire === 0) {
      const v = varint(buf, at);
      int = v.value;
      end = v.next;
    } else if (wire === 1) end = at + 8;
    else if (wire === 5) end = at + 4;
    else if (wire === 2) {
      const len = varint(buf, at);
      at = len.next;
      end = at + Number(len.value);
    } else throw new OnnxFormatError(`wire type ${wire} at byte ${i}`);
    if (end > to) throw new OnnxFormatError(`field ${no} at byte ${i} runs past its message`);
    yield { no, wire, key: i, at, end, int };
    i = end;
  }
}

const text = (buf: Uint8Array, f: Field) =>
  Buffer.from(buf.buffer, buf.byteOffset + f.at, f.end - f.at).toString('utf8');

interface GraphNode {
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  classes: string[] | null;
}

/** An attribute's class labels (int64 ones as their decimal text), or null for any other attribute. */
function classLabels(buf: Uint8Array, attribute: Field): string[] | null {
  let name = '';
  const ints: string[] = [];
  const strings: string[] = [];
  for (const f of fields(buf, attribute.at, attribute.end)) {
    if (f.no === 1 && f.wire === 2) name = text(buf, f);
    else if (f.no === 8 && f.wire === 0) ints.push(String(BigInt.asIntN(64, f.int)));
    else if (f.no === 8 && f.wire === 2)
      for (let i = f.at; i < f.end;) {
        const v = varint(buf, i);
        ints.push(String(BigInt.asIntN(64, v.value)));
        i = v.next;
      }
    else if (f.no === 9 && f.wire === 2) strings.push(text(buf, f));
  }
  if (!LABEL_ATTRIBUTES.has(name)) return null;
  return name === 'classlabels_strings' ? strings : ints;
}

function node(buf: Uint8Array, n: Field): GraphNode {
  const out: GraphNode = { opType: '', domain: '', inputs: [], outputs: [], classes: null };
  for (const f of fields(buf, n.at, n.end)) {
    if (f.wire !== 2) continue;
    if (f.no === 1) out.inputs.push(text(buf, f));
    else if (f.no === 2) out.outputs.push(text(buf, f));
    else if (f.no === 4) out.opType = text(buf, f);
    else if (f.no === 7) out.domain = text(buf, f);
    else if (f.no === 5) out.classes = classLabels(buf, f) ?? out.classes;
  }
  return out;
}

function graphOf(model: Uint8Array): { field: Field; nodes: GraphNode[] } {
  let graph: Field | null = null;
  for (const f of fields(model, 0, model.length)) if (f.no === 7 && f.wire === 2) graph = f;
  if (!graph) throw new OnnxFormatError('the model has no graph');
  const nodes: GraphNode[] = [];
  for (const f of fields(model, graph.at, graph.end))
    if (f.no === 1 && f.wire === 2) nodes.push(node(model, f));
  return { field: graph, nodes };
}

function encodeVarint(n: number): number[] {
  const out: number[] = [];
  for (; n >= 0x80; n = Math.floor(n / 128)) out.push((n % 128) | 0x80);
  out.push(n);
  return out;
}

const delimited = (no: number, payload: Uint8Array) =>
  Buffer.concat([Buffer.from([...encodeVarint((no << 3) | 2), ...encodeVarint(payload.length)]), payload]);

/** The model with `name` (a float tensor) added to its graph's outputs. */
function withFloatOutput(model: Uint8Array, graph: Field, name: string): Uint8Array {
  const tensorType = Buffer.from([0x08, FLOAT]); // TypeProto.Tensor { elem_type = FLOAT }
  const valueInfo = Buffer.concat([
    delimited(1, Buffer.from(name, 'utf8')),
    delimited(2, delimited(1, tensorType)),
  ]);
  const body = Buffer.concat([model.subarray(graph.at, graph.end), delimited(12, valueInfo)]);
  return Buffer.concat([model.subarray(0, graph.key), delimited(7, body), model.subarray(graph.end)]);
}

export interface ProbabilitySource {
  /** the tensor to fetch: the output itself, or the one ZipMap zips */
  tensor: string;
  /** the class of each column, when the graph names them */
  classes: string[] | null;
  /** the model to load instead, when the tensor had to be made an output */
  model: Uint8Array | null;
}

/**
 * Where a classifier's probability output `output` can be fetched as a [rows, classes] tensor and
 * which classes its columns are: ZipMap's keys when ZipMap makes it, else the class labels of the
 * graph's classifier operator (LinearClassifier, TreeEnsembleClassifier, SVMClassifier…) when one
 * list of `width` labels is found. Null when `output` is not a tensor and not ZipMap's.
 */
export function probabilitySource(
  model: Uint8Array,
  output: string,
  isTensor: boolean,
  width: number | null,
): ProbabilitySource | null {
  const { field, nodes } = graphOf(model);
  const zipmap = nodes.find(
    (n) => n.opType === 'ZipMap' && n.domain === ML_DOMAIN && n.outputs[0] === output,
  );
  if (zipmap && zipmap.inputs[0])
    return {
      tensor: zipmap.inputs[0],
      classes: zipmap.classes,
      model: withFloatOutput(model, field, zipmap.inputs[0]),
    };
  if (!isTensor) return null;
  const lists = new Map<string, string[]>();
  for (const n of nodes)
    if (
      n.domain === ML_DOMAIN &&
      n.classes &&
      n.classes.length >= 2 &&
      (width === null || n.classes.length === width)
    )
      lists.set(JSON.stringify(n.classes), n.classes);
  return { tensor: output, classes: lists.size === 1 ? [...lists.values()][0] : null, model: null };
}
