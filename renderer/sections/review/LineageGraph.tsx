import type { LineageGraph as Graph, LineageNode } from '../../../shared/api/index.js';

const COLUMNS: { kind: LineageNode['kind']; title: string }[] = [
  { kind: 'dataset', title: 'Dataset versions' },
  { kind: 'run', title: 'Runs' },
  { kind: 'model', title: 'Model versions' },
  { kind: 'gate', title: 'Gates' },
  { kind: 'deployment', title: 'Deployments' },
];
const W = 180;
const H = 28;
const COL = 230;
const ROW = 40;
const TOP = 28;

const short = (s: string) => (s.length > 26 ? `${s.slice(0, 25)}…` : s);

/**
 * dataset versions → runs → model versions → gates → deployments, one column each, edges as curves;
 * every node is a button that opens its page.
 */
export function LineageGraph({ graph, onOpen }: { graph: Graph; onOpen(node: LineageNode): void }) {
  const cols = COLUMNS.filter((c) => graph.nodes.some((n) => n.kind === c.kind));
  const at = new Map<string, { x: number; y: number }>();
  cols.forEach((c, ci) =>
    graph.nodes
      .filter((n) => n.kind === c.kind)
      .forEach((n, ri) => at.set(n.id, { x: 8 + ci * COL, y: TOP + ri * ROW })),
  );
  const rows = Math.max(1, ...cols.map((c) => graph.nodes.filter((n) => n.kind === c.kind).length));
  const width = 16 + cols.length * COL;
  const height = TOP + rows * ROW + 8;
  return (
    <svg width={width} height={height} role="group" aria-label="lineage" data-testid="lineage-graph">
      {cols.map((c, ci) => (
        <text key={c.kind} className="rv-col" x={8 + ci * COL} y={16}>
          {c.title}
        </text>
      ))}
      {graph.edges.map((e) => {
        const a = at.get(e.from);
        const b = at.get(e.to);
        if (!a || !b) return null;
        // A dataset a run wrote sits left of the run: its edge leaves the run's left side.
        const back = b.x < a.x;
        const x1 = back ? a.x : a.x + W;
        const y1 = a.y + H / 2;
        const x2 = back ? b.x + W : b.x;
        const y2 = b.y + H / 2;
        const mid = (x1 + x2) / 2;
        return (
          <path
            key={`${e.from}>${e.to}`}
            className="rv-edge"
            d={`M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`}
          />
        );
      })}
      {graph.nodes.map((n) => {
        const p = at.get(n.id)!;
        const tone = n.kind === 'gate' ? ` rv-node--gate-${n.status}` : '';
        return (
          <g
            key={n.id}
            className={`rv-node rv-node--${n.kind}${tone}`}
            transform={`translate(${p.x},${p.y})`}
            role="button"
            tabIndex={0}
            aria-label={`${n.kind} ${n.label}${n.status ? ` (${n.status})` : ''}`}
            data-node={n.id}
            onClick={() => onOpen(n)}
            onKeyDown={(ev) => {
              if (ev.key === 'Enter' || ev.key === ' ') onOpen(n);
            }}
          >
            <title>{`${n.label}${n.status ? ` · ${n.status}` : ''}`}</title>
            <rect width={W} height={H} />
            <text x={8} y={18}>
              {short(n.label)}
              {n.status && n.kind !== 'run' ? ` · ${n.status}` : ''}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
