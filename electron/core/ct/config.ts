import { z } from 'zod';
import { StrataError, type ErrorLocation } from '../../../shared/errors.js';
import { locate, readYamlFile } from '../config/yaml.js';
import type { Project } from '../project/project.js';
import { parseCron, type Cron } from './cron.js';

const names = z.array(z.string().min(1)).default([]);

/** `ct:` in strata.yaml: what starts a cycle and which steps it takes (docs/ct.md). */
export const ctSchema = z
  .object({
    /** datasets whose new versions start a cycle */
    datasets: names,
    /** drift monitors whose alerts start a cycle */
    monitors: names,
    /** 5-field cron, in local time, while the app or `strata ct watch` runs */
    schedule: z
      .string()
      .min(1)
      .superRefine((s, ctx) => {
        try {
          parseCron(s);
        } catch (err) {
          ctx.addIssue({ code: 'custom', message: (err as Error).message });
        }
      })
      .optional(),
    /** validate the triggering datasets (or these) before anything runs */
    validate: z.union([z.boolean(), z.array(z.string().min(1))]).default(true),
    /** the pipeline stages to run: all, or named ones (their upstream stages run when stale) */
    run: z.union([z.literal('all'), z.array(z.string().min(1)).min(1)]).default('all'),
    /** the model artifact the run produces, judged by its gates and promoted */
    model: z.string().min(1).optional(),
    gates: z.boolean().default(true),
    /** the alias the new model version is moved to */
    promote: z.string().min(1).optional(),
    deploy: names,
    /** a person approves before this step */
    approval: z.enum(['none', 'promote', 'deploy']).default('none'),
    max_cycles_per_hour: z.number().int().positive().default(6),
  })
  .strict();

export type CtConfig = z.output<typeof ctSchema>;

export interface CtPolicy extends CtConfig {
  cron: Cron | null;
}

function refError(message: string, where: ErrorLocation): StrataError {
  return new StrataError('CONFIG_INVALID', message, { where });
}

/**
 * The project's CT policy, or null when strata.yaml has no `ct:`. Every name it uses must exist
 * elsewhere in the file: a missing one is a config error at its line.
 */
export function loadPolicy(project: Project): CtPolicy | null {
  const ct = project.config.config.ct;
  if (!ct || !project.config.file) return null;
  const { config, file } = project.config;
  const { doc, lines } = readYamlFile(file, z.unknown());
  const at = (...path: (string | number)[]) => locate(doc, lines, ['ct', ...path], file);
  const check = (list: string[], known: Record<string, unknown>, field: string, what: string) =>
    list.forEach((n, i) => {
      if (!(n in known))
        throw refError(
          `ct.${field}: no ${what} named ${n}${Object.keys(known).length ? ` (${what}s: ${Object.keys(known).join(', ')})` : ''}`,
          at(field, i),
        );
    });
  const datasets = Object.fromEntries(
    Object.entries(config.artifacts).filter(([, a]) => a.kind === 'dataset'),
  );
  check(ct.datasets, datasets, 'datasets', 'dataset');
  check(ct.monitors, config.monitors, 'monitors', 'monitor');
  if (Array.isArray(ct.validate)) check(ct.validate, datasets, 'validate', 'dataset');
  if (Array.isArray(ct.run)) check(ct.run, config.stages, 'run', 'stage');
  check(ct.deploy, config.targets, 'deploy', 'target');
  if (ct.model !== undefined) {
    const models = Object.fromEntries(Object.entries(config.artifacts).filter(([, a]) => a.kind === 'model'));
    if (!(ct.model in models)) throw refError(`ct.model: no model artifact named ${ct.model}`, at('model'));
  }
  for (const field of ['promote', 'deploy'] as const)
    if ((field === 'promote' ? ct.promote : ct.deploy.length) && ct.model === undefined)
      throw refError(`ct.${field} needs ct.model: the model artifact to ${field}`, at(field));
  if (ct.promote !== undefined && !/^[A-Za-z][A-Za-z0-9_.-]*$/.test(ct.promote))
    throw refError(`ct.promote: ${ct.promote} is not an alias name`, at('promote'));
  if (ct.approval !== 'none' && !(ct.approval === 'promote' ? ct.promote : ct.deploy.length))
    throw refError(`ct.approval: ${ct.approval} is not a step of this policy`, at('approval'));
  return { ...ct, cron: ct.schedule ? parseCron(ct.schedule) : null };
}
