import { z } from 'zod';
import type { ErrorLocation } from '../../../shared/errors.js';
import { locate, readYamlFile } from '../config/yaml.js';
import type { Project } from '../project/project.js';

const changeSchema = z
  .object({
    direction: z.enum(['higher', 'lower']),
    absolute: z.number().optional(),
    relative: z.number().optional(),
  })
  .strict()
  .refine((c) => c.absolute !== undefined || c.relative !== undefined, 'give absolute, relative or both');

const gateSchema = z
  .object({
    /** a metric key the model's run recorded; `*` matches any text, for slices: accuracy/region=* */
    metric: z.string().min(1),
    min: z.number().optional(),
    max: z.number().optional(),
    /** against the version the champion alias points at, as TFMA's change thresholds */
    change: changeSchema.optional(),
  })
  .strict()
  .refine(
    (g) => g.min !== undefined || g.max !== undefined || g.change !== undefined,
    'give min, max or change',
  );

export type GateConfig = z.output<typeof gateSchema> & { where: ErrorLocation | null };

const fileSchema = z
  .object({
    gates: z
      .record(z.string().regex(/^[A-Za-z0-9_.-]+$/, 'names use letters, digits, _ . -'), z.array(gateSchema))
      .default({}),
  })
  .passthrough();

/** Every artifact's gates: in strata.yaml, each gate knowing its line. */
export function loadAllGates(project: Project): Map<string, GateConfig[]> {
  if (project.config.source !== 'strata.yaml' || !project.config.file) return new Map();
  const file = project.config.file;
  const { value, doc, lines } = readYamlFile(file, fileSchema);
  return new Map(
    Object.entries(value.gates).map(([artifact, gates]) => [
      artifact,
      gates.map((g, i) => ({ ...g, where: locate(doc, lines, ['gates', artifact, i], file) })),
    ]),
  );
}

/** The gates: of one model artifact; [] when it has none. */
export function loadGates(project: Project, artifact: string): GateConfig[] {
  return loadAllGates(project).get(artifact) ?? [];
}
