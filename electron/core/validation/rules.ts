import path from 'node:path';
import { z } from 'zod';
import type { ErrorLocation } from '../../../shared/errors.js';
import { StrataError } from '../../../shared/errors.js';
import { CONFIG_FILE } from '../config/load.js';
import { locate, readYamlFile } from '../config/yaml.js';
import type { Project } from '../project/project.js';
import { duckMessage, literal, query } from '../stats/duck.js';

const bounds = z
  .object({ min: z.number().optional(), max: z.number().optional() })
  .strict()
  .refine((b) => b.min !== undefined || b.max !== undefined, 'give min, max or both');

/** Bounds, or a band of ± within_pct percent around the reference version's value. */
const relative = z
  .object({
    min: z.number().optional(),
    max: z.number().optional(),
    within_pct: z.number().positive().optional(),
  })
  .strict()
  .refine(
    (b) => b.min !== undefined || b.max !== undefined || b.within_pct !== undefined,
    'give min, max or within_pct',
  );

export const COLUMN_CHECKS = [
  'type',
  'not_null',
  'max_null_share',
  'range',
  'allowed',
  'regex',
  'length',
  'mean',
  'std',
  'quantile',
  'drift',
] as const;
export const TABLE_CHECKS = ['row_count', 'duplicates', 'unique_key'] as const;
export const FILE_CHECKS = ['file_count', 'file_size', 'extensions', 'required_files'] as const;

const ruleSchema = z
  .object({
    name: z.string().optional(),
    severity: z.enum(['error', 'warn']).default('error'),
    column: z.string().min(1).optional(),
    type: z.enum(['number', 'integer', 'string', 'boolean', 'date']).optional(),
    not_null: z.literal(true).optional(),
    max_null_share: z.number().min(0).max(1).optional(),
    unique: z.union([z.literal(true), z.array(z.string().min(1)).min(1)]).optional(),
    min: z.number().optional(),
    max: z.number().optional(),
    allowed: z
      .array(z.union([z.string(), z.number(), z.boolean()]))
      .min(1)
      .optional(),
    regex: z.string().min(1).optional(),
    length: bounds.optional(),
    row_count: relative.optional(),
    duplicates: z
      .object({ max: z.number().int().min(0) })
      .strict()
      .optional(),
    mean: relative.optional(),
    std: relative.optional(),
    quantile: z
      .object({
        q: z.number().min(0).max(1),
        min: z.number().optional(),
        max: z.number().optional(),
        within_pct: z.number().positive().optional(),
      })
      .strict()
      .optional(),
    drift: z.object({ psi: z.number().positive() }).strict().optional(),
    file_count: bounds.optional(),
    file_size: bounds.optional(),
    extensions: z.array(z.string().min(1)).min(1).optional(),
    required_files: z.array(z.string().min(1)).min(1).optional(),
  })
  .strict()
  .superRefine((r, ctx) => {
    const kinds = checkKinds(r);
    if (kinds.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message:
          kinds.length === 0
            ? 'a rule needs one check (type, not_null, max_null_share, unique, min/max, allowed, regex, length, row_count, duplicates, mean, std, quantile, drift, file_count, file_size, extensions, required_files)'
            : `a rule holds one check; this one has ${kinds.join(', ')}: split it into several rules`,
      });
      return;
    }
    const kind = kinds[0];
    const needsColumn =
      (COLUMN_CHECKS as readonly string[]).includes(kind) || (kind === 'unique_key' && r.unique === true);
    if (needsColumn && !r.column)
      ctx.addIssue({ code: 'custom', message: `${kindName(kind)} needs a column:` });
    if (!needsColumn && r.column)
      ctx.addIssue({
        code: 'custom',
        message: `${kindName(kind)} applies to the whole table; remove column:`,
      });
  });

export type Rule = z.output<typeof ruleSchema>;
export type CheckKind =
  (typeof COLUMN_CHECKS)[number] | (typeof TABLE_CHECKS)[number] | (typeof FILE_CHECKS)[number];

const kindName = (k: string) => (k === 'unique_key' ? 'unique' : k === 'range' ? 'min/max' : k);

function checkKinds(r: Partial<Rule>): CheckKind[] {
  const out: CheckKind[] = [];
  if (r.type !== undefined) out.push('type');
  if (r.not_null !== undefined) out.push('not_null');
  if (r.max_null_share !== undefined) out.push('max_null_share');
  if (r.unique !== undefined) out.push('unique_key');
  if (r.min !== undefined || r.max !== undefined) out.push('range');
  for (const k of [
    'allowed',
    'regex',
    'length',
    'row_count',
    'duplicates',
    'mean',
    'std',
    'quantile',
    'drift',
    'file_count',
    'file_size',
    'extensions',
    'required_files',
  ] as const)
    if (r[k] !== undefined) out.push(k);
  return out;
}

export const checkKind = (r: Rule): CheckKind => checkKinds(r)[0];

const entrySchema = z
  .object({
    /** the artifact validated; defaults to the entry's own name */
    artifact: z.string().min(1).optional(),
    /** a glob of paths inside a folder artifact (`*` within a folder, `**` across folders) */
    include: z.string().min(1).optional(),
    /** the version relative checks compare with: a number or alias; default the previous version */
    reference: z.union([z.string().min(1), z.number().int().positive()]).optional(),
    columns: z.array(z.string().min(1)).min(1).optional(),
    ordered: z.boolean().default(false),
    rules: z.array(ruleSchema).default([]),
  })
  .strict();

export type EntryConfig = z.output<typeof entrySchema>;

export interface ValidationEntry extends EntryConfig {
  name: string;
  artifact: string;
  /** where each rule is written, by index; -1 is the columns: list */
  where(rule: number): ErrorLocation | null;
}

const fileSchema = z
  .object({
    validations: z
      .record(z.string().regex(/^[A-Za-z0-9_.-]+$/, 'names use letters, digits, _ . -'), entrySchema)
      .default({}),
  })
  .passthrough();

/**
 * The validations: section of strata.yaml with every rule checked, each knowing its line. Regexes
 * are compiled by the engine that runs them (RE2, linear time), so a pattern it cannot compile is a
 * config error with the rule's line instead of a failure halfway through a scan.
 */
export async function loadValidations(project: Project): Promise<ValidationEntry[]> {
  if (project.config.source !== 'strata.yaml' || !project.config.file) return [];
  const file = project.config.file;
  const { value, doc, lines } = readYamlFile(file, fileSchema);
  const entries: ValidationEntry[] = [];
  for (const [name, entry] of Object.entries(value.validations)) {
    const where = (rule: number): ErrorLocation | null =>
      locate(
        doc,
        lines,
        rule < 0 ? ['validations', name, 'columns'] : ['validations', name, 'rules', rule],
        file,
      );
    for (const [i, r] of entry.rules.entries()) {
      if (r.regex === undefined) continue;
      try {
        await query(`SELECT regexp_matches('', ${literal(r.regex)})`);
      } catch (err) {
        throw new StrataError('CONFIG_INVALID', `validations.${name}.rules.${i}.regex: ${duckMessage(err)}`, {
          where: where(i) ?? { file },
        });
      }
    }
    entries.push({ ...entry, name, artifact: entry.artifact ?? name, where });
  }
  return entries;
}

export function configFile(project: Project): string {
  return project.config.file ?? path.join(project.root, CONFIG_FILE);
}

/** `*` matches within one folder, `**` across folders, `?` one character. */
export function globMatcher(glob: string): (p: string) => boolean {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      re += glob[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += glob[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  const rx = new RegExp(`^${re}$`);
  return (p) => rx.test(p);
}
