import { spawnSync } from 'node:child_process';

/**
 * Writes a logistic regression as ONNX (MatMul + Add + Sigmoid, input [N, features] float32) with
 * Debian's python3-onnx, and returns its weights so a test can compute the expected outputs.
 */
export function writeLogisticOnnx(file: string, features: number): { w: number[]; b: number } {
  const w = Array.from({ length: features }, (_, i) => Math.round(Math.sin(i + 1) * 1000) / 1000);
  const b = 0.25;
  const script = `
import sys, onnx
from onnx import helper, TensorProto
w = [float(v) for v in sys.argv[2].split(",")]
n = len(w)
graph = helper.make_graph(
    [helper.make_node("MatMul", ["input", "W"], ["z0"]), helper.make_node("Add", ["z0", "B"], ["z"]),
     helper.make_node("Sigmoid", ["z"], ["probability"])],
    "logistic",
    [helper.make_tensor_value_info("input", TensorProto.FLOAT, [None, n])],
    [helper.make_tensor_value_info("probability", TensorProto.FLOAT, [None, 1])],
    [helper.make_tensor("W", TensorProto.FLOAT, [n, 1], w), helper.make_tensor("B", TensorProto.FLOAT, [1], [${b}])],
)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
model.ir_version = 8
onnx.checker.check_model(model)
onnx.save(model, sys.argv[1])
`;
  const r = spawnSync('/usr/bin/python3', ['-c', script, file, w.join(',')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`could not write the ONNX model: ${r.stderr}`);
  return { w, b };
}

export function logistic(row: number[], m: { w: number[]; b: number }): number {
  return 1 / (1 + Math.exp(-(row.reduce((s, v, i) => s + v * m.w[i], 0) + m.b)));
}

export interface LinearClassifier {
  coef: number[][];
  intercepts: number[];
  classes: (number | string)[];
}

/**
 * Writes a linear classifier over `features` float inputs the way converters export one, outputs
 * `output_label` then `output_probability`: `form` 'zipmap' is skl2onnx's default (ai.onnx.ml
 * LinearClassifier + ZipMap, a sequence of {class: p} maps), 'tensor' its `zipmap=False` (a float
 * [N, classes] tensor), 'plain' MatMul + Add + Softmax with an ArgMax label, where the graph names
 * no classes. Returns the weights, so a test computes the softmax by hand.
 */
export function writeClassifierOnnx(
  file: string,
  features: number,
  classes: (number | string)[],
  form: 'zipmap' | 'tensor' | 'plain',
): LinearClassifier {
  const k = classes.length;
  const coef = Array.from({ length: k }, (_, c) =>
    Array.from({ length: features }, (_, j) => Math.round(Math.cos(3 * c + j + 1) * 1000) / 1000),
  );
  const intercepts = Array.from({ length: k }, (_, c) => (c - 1) / 4);
  const script = `
import json, sys, onnx
from onnx import helper, TensorProto
spec = json.loads(sys.argv[2])
coef, intercepts, classes, form = spec["coef"], spec["intercepts"], spec["classes"], spec["form"]
k, n = len(coef), len(coef[0])
strings = isinstance(classes[0], str)
ML = "ai.onnx.ml"
label_type = TensorProto.STRING if strings else TensorProto.INT64
inits = []
if form == "plain":
    nodes = [
        helper.make_node("MatMul", ["input", "W"], ["z0"]), helper.make_node("Add", ["z0", "B"], ["z"]),
        helper.make_node("Softmax", ["z"], ["output_probability"], axis=1),
        helper.make_node("ArgMax", ["z"], ["output_label"], axis=1, keepdims=0),
    ]
    inits = [helper.make_tensor("W", TensorProto.FLOAT, [n, k], [coef[c][j] for j in range(n) for c in range(k)]),
             helper.make_tensor("B", TensorProto.FLOAT, [k], intercepts)]
else:
    labels = {"classlabels_strings": classes} if strings else {"classlabels_ints": classes}
    nodes = [helper.make_node("LinearClassifier", ["input"], ["output_label", "probability_tensor"], domain=ML,
                              coefficients=[v for row in coef for v in row], intercepts=intercepts,
                              post_transform="SOFTMAX", **labels)]
probability = helper.make_tensor_value_info("output_probability", TensorProto.FLOAT, [None, k])
if form == "zipmap":
    keys = {"classlabels_strings": classes} if strings else {"classlabels_int64s": classes}
    nodes.append(helper.make_node("ZipMap", ["probability_tensor"], ["output_probability"], domain=ML, **keys))
    t = onnx.TypeProto()
    t.sequence_type.elem_type.map_type.key_type = label_type
    t.sequence_type.elem_type.map_type.value_type.tensor_type.elem_type = TensorProto.FLOAT
    probability = helper.make_value_info("output_probability", t)
elif form == "tensor":
    nodes.append(helper.make_node("Identity", ["probability_tensor"], ["output_probability"]))
graph = helper.make_graph(nodes, "classifier", [helper.make_tensor_value_info("input", TensorProto.FLOAT, [None, n])],
                          [helper.make_tensor_value_info("output_label", label_type, [None]), probability], inits)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13), helper.make_opsetid(ML, 1)])
model.ir_version = 8
onnx.checker.check_model(model)
onnx.save(model, sys.argv[1])
`;
  const spec = JSON.stringify({ coef, intercepts, classes, form });
  const r = spawnSync('/usr/bin/python3', ['-c', script, file, spec], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`could not write the ONNX classifier: ${r.stderr}`);
  return { coef, intercepts, classes };
}

/** The classifier's class probabilities for a row: the softmax of its linear scores, in float64. */
export function softmax(row: number[], m: LinearClassifier): number[] {
  const z = m.coef.map((w, c) => row.reduce((s, v, j) => s + v * w[j], m.intercepts[c]));
  const top = Math.max(...z);
  const e = z.map((v) => Math.exp(v - top));
  const sum = e.reduce((s, v) => s + v, 0);
  return e.map((v) => v / sum);
}
