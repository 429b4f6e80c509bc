import fs from 'node:fs';
import { isMap, isSeq, parseDocument, YAMLMap, type Document } from 'yaml';
import type { VersionInfo } from '../../../shared/api/artifacts.js';
import type { ColumnProfile, TableProfile } from '../../../shared/api/stats.js';
import { StrataError } from '../../../shared/errors.js';
import { insertMapEntry } from '../config/yaml-edit.js';
import { writeFileAtomic } from '../app/atomic.js';
import type { Project } from '../project/project.js';
import { versionProfiles } from '../stats/profiles.js';
import { configFile } from './rules.js';

/** Categories are proposed only when a column has at most this many distinct values. */
export const CATEGORY_CAP = 10;
/** Ranges are widened by this share of their span on each side, so the next version's extremes fit. */
const RANGE_MARGIN = 0.1;

type RuleDraft = Record<string, unknown>;

/** A bound rounded outward to two significant digits of the margin, so proposed rules read like a person wrote them. */
function roundOut(x: number, step: number, dir: -1 | 1): number {
  if (step <= 0) return x;
  const unit = 10 ** Math.floor(Math.log10(step));
  return (dir < 0 ? Math.floor(x / unit) : Math.ceil(x / unit)) * unit;
}

function typeOf(c: ColumnProfile): string | null {
  const t = c.sqlType.toUpperCase();
  if (c.kind === 'number') return /INT/.test(t) ? 'integer' : 'number';
  if (c.kind === 'boolean') return 'boolean';
  if (c.kind === 'temporal') return 'date';
  if (c.kind === 'string') return 'string';
  return null;
}

function columnRules(c: ColumnProfile, rows: number): RuleDraft[] {
  const rules: RuleDraft[] = [];
  const type = typeOf(c);
  if (type && c.count > 0) rules.push({ column: c.name, type });
  if (rows > 0 && c.nulls === 0) rules.push({ column: c.name, not_null: true });
  else if (rows > 0 && c.nulls < rows) {
    const share = Math.min(1, Math.ceil(((c.nulls / rows) * 1.5 + 0.005) * 100) / 100);
    rules.push({ column: c.name, max_null_share: share, severity: 'warn' });
  }
  if (c.kind === 'number' && typeof c.min === 'number' && typeof c.max === 'number') {
    const margin = (c.max - c.min) * RANGE_MARGIN || Math.abs(c.max) * RANGE_MARGIN || 1;
    const integer = typeOf(c) === 'integer';
    const step = integer ? Math.max(1, margin) : margin;
    const min = roundOut(c.min - margin, step, -1);
    const max = roundOut(c.max + margin, step, 1);
    // A column that never went below zero is unlikely to be allowed to.
    rules.push({ column: c.name, min: c.min >= 0 ? Math.max(0, min) : min, max });
  }
  if ((c.kind === 'string' || c.kind === 'boolean') && c.top && c.distinct <= CATEGORY_CAP) {
    const covered = c.top.reduce((a, t) => a + t.count, 0);
    if (covered === c.count && c.count > c.top.length)
      rules.push({ column: c.name, allowed: c.top.map((t) => t.value).sort() });
  }
  return rules;
}

/** Rules proposed from one profile: columns in order, types, nullability, ranges with a margin, categories, a row-count band. */
export function proposeRules(profile: TableProfile): {
  columns: string[];
  ordered: boolean;
  rules: RuleDraft[];
} {
  const rules: RuleDraft[] = [
    { row_count: { min: Math.floor(profile.rows / 2), max: Math.ceil(profile.rows * 2) }, severity: 'warn' },
    ...profile.columns.flatMap((c) => columnRules(c, profile.rows)),
  ];
  return { columns: profile.columns.map((c) => c.name), ordered: true, rules };
}

function entryNode(doc: Document, entry: Record<string, unknown>): YAMLMap {
  const node = doc.createNode(entry) as YAMLMap;
  // One rule per line, as people write them: `- { column: age, min: 0, max: 120 }`.
  const rules = node.get('rules', true);
  if (isSeq(rules)) for (const item of rules.items) if (isMap(item)) item.flow = true;
  const columns = node.get('columns', true);
  if (isSeq(columns)) columns.flow = true;
  return node;
}

/**
 * Proposes an entry of validations: from a version (its first tabular file, or the one `include`
 * names) and, when asked, writes it into strata.yaml through the yaml Document API so the user's
 * comments and layout stay.
 */
export async function inferRules(
  project: Project,
  version: VersionInfo,
  name: string,
  write: boolean,
): Promise<{ name: string; yaml: string; written: boolean }> {
  const profiles = await versionProfiles(project, version);
  const first = profiles.find((p) => p.profile) ?? profiles[0];
  if (!first)
    throw new StrataError(
      'BAD_REQUEST',
      `${version.artifact}@${version.number} has no CSV, TSV, JSONL or Parquet file to infer rules from`,
    );
  if (!first.profile) throw new StrataError('DATA_INVALID', first.error);
  const entry: Record<string, unknown> = {};
  if (name !== version.artifact) entry.artifact = version.artifact;
  if (version.type === 'dir') entry.include = first.path;
  Object.assign(entry, proposeRules(first.profile));

  const file = configFile(project);
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const doc = parseDocument(text);
  if (doc.errors.length)
    throw new StrataError('CONFIG_INVALID', `strata.yaml does not parse; fix it before adding rules`, {
      where: { file },
    });
  const preview = parseDocument('{}');
  preview.set(name, entryNode(preview, entry));
  (preview.contents as YAMLMap).flow = false;
  const yaml = preview.toString();
  if (!write) return { name, yaml, written: false };
  if (project.config.source === 'dvc.yaml')
    throw new StrataError(
      'CONFLICT',
      'This project has only a dvc.yaml, which Strata does not rewrite; create a strata.yaml',
    );
  if (doc.getIn(['validations', name]) !== undefined)
    throw new StrataError(
      'CONFLICT',
      `validations.${name} already exists in strata.yaml; edit it, or infer under another --name`,
      {
        where: { file },
      },
    );
  const validations = doc.get('validations', true);
  if (validations !== undefined && validations !== null && !isMap(validations))
    throw new StrataError(
      'CONFIG_INVALID',
      'validations: in strata.yaml is not a map; fix it before adding rules',
      {
        where: { file },
      },
    );
  // A text insertion: the rest of the user's file stays byte for byte.
  writeFileAtomic(file, insertMapEntry(text, 'validations', yaml));
  project.reloadConfig();
  return { name, yaml, written: true };
}
