import type { TreeEntry } from '../../../shared/api/index.js';
import { bytes } from './format.js';

interface Node {
  name: string;
  entry: TreeEntry | null;
  children: Map<string, Node>;
}

function build(entries: TreeEntry[]): Node {
  const root: Node = { name: '', entry: null, children: new Map() };
  for (const e of entries) {
    let at = root;
    const parts = e.path.split('/');
    parts.forEach((part, i) => {
      let child = at.children.get(part);
      if (!child) {
        child = { name: part, entry: null, children: new Map() };
        at.children.set(part, child);
      }
      if (i === parts.length - 1) child.entry = e;
      at = child;
    });
  }
  return root;
}

function sizeOf(n: Node): number {
  return (n.entry?.size ?? 0) + [...n.children.values()].reduce((a, c) => a + sizeOf(c), 0);
}

function Branch({ node, depth }: { node: Node; depth: number }) {
  const kids = [...node.children.values()].sort(
    (a, b) => Number(b.children.size > 0) - Number(a.children.size > 0) || a.name.localeCompare(b.name),
  );
  return (
    <>
      {kids.map((k) => {
        const folder = k.children.size > 0 || k.entry?.kind === 'd';
        return (
          <li key={k.name}>
            <div className="dv-tree__row" style={{ paddingLeft: depth * 16 }} data-testid="tree-row">
              <span className={folder ? 'dv-tree__folder' : 'dv-tree__file'}>
                {folder ? `${k.name}/` : k.name}
              </span>
              <span className="dv-tree__size">
                {folder && k.children.size === 0 ? 'empty' : bytes(sizeOf(k))}
              </span>
              {!folder && k.entry && (
                <code className="dv-tree__hash" title={k.entry.hash}>
                  {k.entry.hash.slice(0, 10)}
                </code>
              )}
            </div>
            {k.children.size > 0 && (
              <ul className="dv-tree__list">
                <Branch node={k} depth={depth + 1} />
              </ul>
            )}
          </li>
        );
      })}
    </>
  );
}

/** A version's files as a folder tree, folders first, with sizes summed up the tree. */
export function FileTree({ entries, artifactPath }: { entries: TreeEntry[]; artifactPath: string }) {
  if (entries.length === 1 && entries[0].path === '') {
    return (
      <div className="dv-tree__row" data-testid="tree-row">
        <span className="dv-tree__file" title={artifactPath}>
          {/* Break a long path after a slash rather than inside a name. */}
          {artifactPath.split('/').map((part, i, all) => (
            <span key={i}>
              {part}
              {i < all.length - 1 && (
                <>
                  /<wbr />
                </>
              )}
            </span>
          ))}
        </span>
        <span className="dv-tree__size">{bytes(entries[0].size)}</span>
        <code className="dv-tree__hash">{entries[0].hash.slice(0, 10)}</code>
      </div>
    );
  }
  return (
    <ul className="dv-tree__list" data-testid="file-tree">
      <Branch node={build(entries)} depth={0} />
    </ul>
  );
}
