import { z } from 'zod';
import { nameProblem } from '../../../shared/names.js';
import { monitorSchema } from '../drift/config.js';
import { targetSchema } from '../deploy/config.js';
import { ctSchema } from '../ct/config.js';
import { remoteSchema } from '../remote/config.js';
import { artifactPathIssues, outsideProblem, stagePathIssues, type PathIssue } from './inside.js';

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

/** What a stage asks of a SLURM cluster; each becomes the sbatch option of the same meaning. */
export const slurmResourcesSchema = z
  .object({
    partition: z.string().min(1).optional(),
    /** sbatch --time: minutes, or [days-]hours:minutes:seconds */
    time: z.union([z.string().min(1), z.number().int().positive()]).optional(),
    cpus: z.number().int().positive().optional(),
    /** sbatch --mem: megabytes, or with a unit (4G) */
    mem: z.union([z.string().min(1), z.number().int().positive()]).optional(),
    gres: z.string().min(1).optional(),
    /** further sbatch options, passed as written (--account=x, --qos=y) */
    options: z.array(z.string().min(1)).default([]),
  })
  .strict();

export const stageSchema = z
  .object({
    cmd: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
    wdir: z.string().optional(),
    deps: z.array(depOrOut).default([]),
    outs: z.array(depOrOut).default([]),
    // `{file: null}` or `{file: []}` tracks every param of the file, as in DVC
    params: z.array(z.union([z.string(), z.record(z.string(), z.array(z.string()).nullable())])).default([]),
    metrics: z.array(depOrOut).default([]),
    plots: z.array(z.union([depOrOut, z.record(z.string(), z.unknown())])).default([]),
    desc: z.string().optional(),
    auto_run: z.boolean().optional(),
    always_changed: z.boolean().optional(),
    frozen: z.boolean().optional(),
    meta: z.unknown().optional(),
    /** where the command runs: here (local, the default) or as a job on a SLURM cluster */
    executor: z.enum(['local', 'slurm']).optional(),
    slurm: slurmResourcesSchema.optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    // Resources without the executor would be ignored without a word, and the stage run here.
    if (s.slurm && s.executor !== 'slurm')
      ctx.addIssue({
        code: 'custom',
        message: 'slurm: resources apply only to a stage with executor: slurm',
        path: ['slurm'],
        params: { at: 'key' },
      });
  });

/**
 * A map of named things. The names are checked on the raw object, before zod's record, which drops a
 * `__proto__` key without a word.
 */
export const named = <T extends z.ZodType>(
  item: T,
  opts: { anyCharacters?: boolean; check?: (raw: unknown) => PathIssue[] } = {},
) =>
  z
    .unknown()
    .superRefine((raw, ctx) => {
      if (typeof raw !== 'object' || raw === null) return;
      for (const [key, value] of Object.entries(raw)) {
        const problem = nameProblem(key, opts);
        if (problem) ctx.addIssue({ code: 'custom', message: problem, path: [key], params: { at: 'key' } });
        for (const issue of opts.check?.(value) ?? [])
          ctx.addIssue({
            code: 'custom',
            message: issue.message,
            path: [key, ...issue.path],
            params: issue.atKey ? { at: 'key' } : undefined,
          });
      }
    })
    .pipe(z.record(z.string(), item));

/** Stages, with every path checked against the project (and the stage's wdir). */
export const namedStages = (opts: { anyCharacters?: boolean } = {}) =>
  named(stageSchema, { ...opts, check: stagePathIssues });

export const configSchema = z
  .object({
    name: z.string().optional(),
    artifacts: named(artifactSchema, { check: artifactPathIssues }).default({}),
    stages: namedStages().default({}),
    params: z
      .array(
        z.string().superRefine((p, ctx) => {
          const problem = outsideProblem(p);
          if (problem) ctx.addIssue({ code: 'custom', message: problem });
        }),
      )
      .optional(),
    auto_run: z.boolean().default(false),
    validations: named(z.record(z.string(), z.unknown())).default({}),
    monitors: named(monitorSchema).default({}),
    targets: named(targetSchema).default({}),
    remotes: named(remoteSchema).default({}),
    gates: named(z.array(z.unknown())).default({}),
    /** Per metric, whether higher or lower is better: colours deltas against a baseline. */
    metrics: z.record(z.string(), z.object({ goal: z.enum(['maximize', 'minimize']) }).strict()).default({}),
    ct: ctSchema.optional(),
  })
  .strict();

export type StrataConfig = z.output<typeof configSchema>;
export type ArtifactConfig = z.output<typeof artifactSchema>;
export type StageConfig = z.output<typeof stageSchema>;
export type SlurmResources = z.output<typeof slurmResourcesSchema>;

export const emptyConfig: StrataConfig = configSchema.parse({});
