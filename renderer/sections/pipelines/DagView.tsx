import type { StagePlan } from '../../../shared/api/index.js';
import { layoutDag, NODE_H, NODE_W } from './layout.js';

const LABEL: Record<StagePlan['state'], string> = {
  fresh: 'fresh',
  stale: 'stale',
  running: 'running',
  queued: 'queued',
  failed: 'failed',
  frozen: 'frozen',
};

/** The pipeline as a graph: one box per stage with its state, an arrow from each stage to those reading its outs. */
export function DagView({
  stages,
  selected,
  onSelect,
}: {
  stages: StagePlan[];
  selected: string | null;
  onSelect(stage: string): void;
}) {
  const { nodes, width, height } = layoutDag(stages);
  const at = new Map(nodes.map((n) => [n.stage.stage, n]));
  return (
    <svg
      className="dag"
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label="Pipeline graph"
      data-testid="dag"
    >
      <defs>
        <marker
          id="dag-arrow"
          viewBox="0 0 10 10"
          refX="9"
          refY="5"
          markerWidth="7"
          markerHeight="7"
          orient="auto-start-reverse"
        >
          <path d="M 0 0 L 10 5 L 0 10 z" className="dag__arrowhead" />
        </marker>
      </defs>
      {nodes.flatMap((n) =>
        n.stage.after.map((up) => {
          const from = at.get(up);
          if (!from) return null;
          const x1 = from.x + NODE_W;
          const y1 = from.y + NODE_H / 2;
          const x2 = n.x - 2;
          const y2 = n.y + NODE_H / 2;
          const mid = (x1 + x2) / 2;
          return (
            <path
              key={`${up}->${n.stage.stage}`}
              className="dag__edge"
              d={`M ${x1} ${y1} C ${mid} ${y1}, ${mid} ${y2}, ${x2} ${y2}`}
              markerEnd="url(#dag-arrow)"
            />
          );
        }),
      )}
      {nodes.map((n) => (
        <g
          key={n.stage.stage}
          className={`dag__node dag__node--${n.stage.state}${selected === n.stage.stage ? ' dag__node--selected' : ''}`}
          transform={`translate(${n.x} ${n.y})`}
          onClick={() => onSelect(n.stage.stage)}
          data-testid={`dag-node-${n.stage.stage}`}
          data-state={n.stage.state}
          role="button"
          tabIndex={0}
          onKeyDown={(e) => (e.key === 'Enter' || e.key === ' ') && onSelect(n.stage.stage)}
        >
          <title>{`${n.stage.stage}: ${n.stage.reason}`}</title>
          <rect width={NODE_W} height={NODE_H} rx="8" />
          <text x="12" y="21" className="dag__name">
            {n.stage.stage}
          </text>
          <text x="12" y="39" className="dag__state">
            {LABEL[n.stage.state]}
          </text>
        </g>
      ))}
    </svg>
  );
}
