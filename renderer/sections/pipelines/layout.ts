import type { StagePlan } from '../../../shared/api/index.js';

export interface NodeBox {
  stage: StagePlan;
  x: number;
  y: number;
}

export const NODE_W = 168;
export const NODE_H = 52;
const GAP_X = 64;
const GAP_Y = 20;

/** Columns by depth (a stage sits one column right of the deepest stage it reads from), rows in file order. */
export function layoutDag(stages: StagePlan[]): { nodes: NodeBox[]; width: number; height: number } {
  const depth = new Map<string, number>();
  for (const s of stages) depth.set(s.stage, Math.max(0, ...s.after.map((a) => (depth.get(a) ?? 0) + 1)));
  const rows = new Map<number, number>();
  const nodes = stages.map((stage) => {
    const col = depth.get(stage.stage) ?? 0;
    const row = rows.get(col) ?? 0;
    rows.set(col, row + 1);
    return { stage, x: col * (NODE_W + GAP_X) + 8, y: row * (NODE_H + GAP_Y) + 8 };
  });
  const cols = Math.max(1, ...[...rows.keys()].map((c) => c + 1));
  const maxRows = Math.max(1, ...rows.values());
  return {
    nodes,
    width: cols * (NODE_W + GAP_X) - GAP_X + 16,
    height: maxRows * (NODE_H + GAP_Y) - GAP_Y + 16,
  };
}
