import fs from 'node:fs';
import type { Command, Io } from '../command.js';
import type { ParsedArgs } from '../args.js';
import { jsonFlag, printJson } from '../command.js';
import { projectFlag, withProject } from '../api.js';
import { formatError, StrataError, toErrorData } from '../../../shared/errors.js';
import type { CheckResult, ValidationReport } from '../../../shared/api/validation.js';
import { junitXml, sampleText, type JunitCase } from '../format/junit.js';

const MARK: Record<CheckResult['status'], string> = {
  pass: 'ok  ',
  fail: 'FAIL',
  skipped: 'skip',
  error: 'ERR ',
};

function printReport(io: Io, r: ValidationReport): void {
  const c = r.counts;
  io.out(
    `${r.artifact}@${r.version} (${r.name})  ${r.status.toUpperCase()}  ${c.passed} passed, ${c.failed} failed, ${c.warned} warnings, ${c.skipped} skipped, ${c.errors} errors${r.cached ? '  (stored report)' : `  ${(r.durationMs / 1000).toFixed(2)} s`}`,
  );
  const line = (check: CheckResult, indent: string) => {
    const mark = check.status === 'fail' && check.severity === 'warn' ? 'warn' : MARK[check.status];
    io.out(`${indent}${mark}  ${check.label}: ${check.message}`);
    if (check.status !== 'pass')
      for (const s of sampleText(check.samples).split('\n').filter(Boolean)) io.out(`${indent}        ${s}`);
  };
  for (const check of r.fileChecks) line(check, '  ');
  for (const f of r.files) {
    io.out(`  ${f.path}${f.rows !== null ? `  (${f.rows} rows)` : ''}`);
    if (f.error) io.out(`    ERR   ${f.error}`);
    for (const check of f.checks) line(check, '    ');
  }
}

function junitCases(reports: ValidationReport[]): JunitCase[] {
  return reports.flatMap((r) => {
    const suite = `${r.artifact}@${r.version} (${r.name})`;
    return [
      ...r.fileChecks.map((check) => ({ suite, classname: `${r.name}.files`, check })),
      ...r.files.flatMap((f): JunitCase[] => [
        ...(f.error
          ? [
              {
                suite,
                classname: `${r.name}.${f.path}`,
                check: {
                  label: `read ${f.path}`,
                  status: 'error' as const,
                  message: f.error,
                  severity: 'error' as const,
                  samples: [],
                },
              },
            ]
          : []),
        ...f.checks.map((check) => ({ suite, classname: `${r.name}.${f.path}`, check })),
      ]),
    ];
  });
}

/** 0 passed (warnings allowed), 1 an error-level check failed, 2 the data or the rules are unusable. */
export function exitCode(reports: ValidationReport[]): number {
  if (reports.some((r) => r.status === 'error')) return 2;
  return reports.some((r) => r.status === 'fail') ? 1 : 0;
}

async function infer(args: ParsedArgs, io: Io): Promise<number> {
  if (args.positional.length !== 2)
    throw new StrataError('BAD_REQUEST', 'strata validate infer takes one <dataset>@<ref>, e.g. train@3');
  return withProject(args.flags, async (api) => {
    const r = await api.call('validation.infer', {
      target: args.positional[1],
      name: args.flags.name as string | undefined,
      write: args.flags.write === true,
    });
    if (args.flags.json) printJson(io, r);
    else {
      io.out(`validations:\n${r.yaml.replace(/^/gm, '  ').trimEnd()}`);
      io.out(
        r.written
          ? `\nadded validations.${r.name} to strata.yaml`
          : '\n(not written: add --write to put it in strata.yaml)',
      );
    }
    return 0;
  });
}

export const validateCommand: Command = {
  name: 'validate',
  summary: "check datasets against their rules in strata.yaml's validations:",
  usage:
    'strata validate [<artifact>[@<ref>]] [--json] [--junit <file>] [--force]\n       strata validate infer <dataset>@<ref> [--name <entry>] [--write] [--json]',
  description:
    'Without an artifact, every entry is checked at its latest version. Exit 0: all passed (warnings allowed); 1: an error-level check failed; 2: unusable data or rules. `infer` proposes rules from a version (types, nullability, ranges with a margin, categories, a row-count band) and, with --write, adds them to strata.yaml keeping its comments.',
  flags: {
    ...projectFlag,
    ...jsonFlag,
    junit: { type: 'string', help: 'also write the results as JUnit XML to this file, for CI' },
    force: {
      type: 'boolean',
      help: 'check again even when a stored report of the same content and rules exists',
    },
    name: { type: 'string', help: 'infer: the entry name under validations: (default: the artifact)' },
    write: { type: 'boolean', help: 'infer: add the proposed entry to strata.yaml' },
  },
  async run(args, io) {
    if (args.positional[0] === 'infer') return infer(args, io);
    if (args.positional.length > 1)
      throw new StrataError('BAD_REQUEST', 'strata validate takes at most one <artifact>[@<ref>]');
    const junit = args.flags.junit as string | undefined;
    try {
      return await withProject(args.flags, async (api) => {
        const reports = await api.call('validation.run', {
          target: args.positional[0],
          force: args.flags.force === true,
        });
        if (junit) fs.writeFileSync(junit, junitXml('strata validate', junitCases(reports)));
        if (args.flags.json) printJson(io, reports);
        else if (reports.length === 0) io.out('strata.yaml has no validations: entries.');
        else for (const r of reports) printReport(io, r);
        return exitCode(reports);
      });
    } catch (err) {
      // Rules that cannot be used are the "unusable config" of exit 2, as a usage error is.
      const data = toErrorData(err);
      if (data.code === 'INTERNAL') throw err;
      io.err(`strata validate: ${formatError(data)}`);
      if (junit)
        fs.writeFileSync(
          junit,
          junitXml('strata validate', [
            {
              suite: 'strata validate',
              classname: 'strata.yaml',
              check: {
                label: 'load rules and data',
                status: 'error',
                message: formatError(data),
                severity: 'error',
                samples: [],
              },
            },
          ]),
        );
      return 2;
    }
  },
};
