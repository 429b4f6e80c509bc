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
