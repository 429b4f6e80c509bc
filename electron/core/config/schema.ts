import { z } from 'zod';
import { nameProblem } from '../../../shared/names.js';
import { monitorSchema } from '../drift/config.js';

const relPath = z.string().min(1, 'must be a non-empty path');

export const artifactSchema = z
  .object({
    path: relPath,
    kind: z.enum(['dataset', 'model', 'other']).default('other'),
    watch: z.boolean().default(false),
    description: z.string().optional(),
  })
  .strict();

const depOrOut = z.union([relPath, z.record(z.string(), z.unknown())]);

export const stageSchema = z
  .object({
    cmd: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
    wdir: z.string().optional(),
    deps: z.array(depOrOut).default([]),
    outs: z.array(depOrOut).default([]),
    params: z.array(z.union([z.string(), z.record(z.string(), z.array(z.string()))])).default([]),
    metrics: z.array(depOrOut).default([]),
    plots: z.array(z.union([depOrOut, z.record(z.string(), z.unknown())])).default([]),
    desc: z.string().optional(),
    auto_run: z.boolean().optional(),
  })
  .strict();

/**
 * A map of named things. The names are checked on the raw object, before zod's record, which drops a
 * `__proto__` key without a word.
 */
export const named = <T extends z.ZodType>(item: T, opts: { anyCharacters?: boolean } = {}) =>
  z
    .unknown()
    .superRefine((raw, ctx) => {
      if (typeof raw !== 'object' || raw === null) return;
      for (const key of Object.keys(raw)) {
        const problem = nameProblem(key, opts);
        if (problem) ctx.addIssue({ code: 'custom', message: problem, path: [key] });
      }
    })
    .pipe(z.record(z.string(), item));

export const configSchema = z
  .object({
    name: z.string().optional(),
    artifacts: named(artifactSchema).default({}),
    stages: named(stageSchema).default({}),
    params: z.array(z.string()).optional(),
    auto_run: z.boolean().default(false),
    validations: named(z.record(z.string(), z.unknown())).default({}),
    monitors: named(monitorSchema).default({}),
    targets: named(z.record(z.string(), z.unknown())).default({}),
  })
  .strict();

export type StrataConfig = z.output<typeof configSchema>;
export type ArtifactConfig = z.output<typeof artifactSchema>;
export type StageConfig = z.output<typeof stageSchema>;

export const emptyConfig: StrataConfig = configSchema.parse({});
