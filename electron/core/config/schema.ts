import { z } from 'zod';

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

const named = <T extends z.ZodType>(item: T) =>
  z.record(z.string().regex(/^[A-Za-z0-9_.-]+$/, 'names use letters, digits, _ . -'), item);

export const configSchema = z
  .object({
    name: z.string().optional(),
    artifacts: named(artifactSchema).default({}),
    stages: named(stageSchema).default({}),
    params: z.array(z.string()).optional(),
    auto_run: z.boolean().default(false),
    validations: named(z.record(z.string(), z.unknown())).default({}),
    monitors: named(z.record(z.string(), z.unknown())).default({}),
    targets: named(z.record(z.string(), z.unknown())).default({}),
  })
  .strict();

export type StrataConfig = z.output<typeof configSchema>;
export type ArtifactConfig = z.output<typeof artifactSchema>;
export type StageConfig = z.output<typeof stageSchema>;

export const emptyConfig: StrataConfig = configSchema.parse({});
