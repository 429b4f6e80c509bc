import { z } from 'zod';

const port = z.number().int().min(1).max(65535);

/** One entry of `targets:` in strata.yaml (docs/deploy.md). */
export const targetSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('http'),
      /** default: a free port chosen at each deploy */
      port: port.optional(),
      /** auto: onnx for a .onnx model, else python; command: the user's `serve` */
      server: z.enum(['auto', 'python', 'onnx', 'command']).default('auto'),
      /** the user's server, with {model_dir} and {port} placeholders */
      serve: z.string().min(1).optional(),
      /** the interpreter the Python helper runs with (the project's own) */
      python: z.string().min(1).optional(),
      /** the prediction log folder, relative to the project (default predictions/<target>) */
      logs: z.string().min(1).optional(),
      log_max_bytes: z.number().int().positive().optional(),
      /** seconds to wait for the health check */
      health_timeout: z.number().positive().default(30),
      /** rows to send as the smoke test, when the model has no input example */
      example: z.string().min(1).optional(),
      keep_running: z.boolean().default(false),
    })
    .strict()
    .refine((t) => t.server !== 'command' || t.serve, {
      message: 'server: command needs serve:',
      path: ['serve'],
    }),
  z
    .object({
      type: z.literal('folder'),
      path: z.string().min(1, 'the folder to deploy into is required'),
    })
    .strict(),
  z
    .object({
      type: z.literal('command'),
      run: z.string().min(1, 'the command to run is required'),
      timeout: z.number().positive().default(600),
    })
    .strict(),
]);

export type TargetConfig = z.output<typeof targetSchema>;
export type HttpTarget = Extract<TargetConfig, { type: 'http' }>;
export type FolderTarget = Extract<TargetConfig, { type: 'folder' }>;
export type CommandTarget = Extract<TargetConfig, { type: 'command' }>;
