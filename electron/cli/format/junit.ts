import type { CheckResult, FailingRow } from '../../../shared/api/validation.js';

const esc = (s: string) =>
  s
    // XML 1.0 cannot hold most control characters, even escaped: a value read from a bad file may have them.
    // eslint-disable-next-line no-control-regex -- finding control characters is the point
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');

export interface JunitCase {
  suite: string;
  classname: string;
  /** a validation check, or anything judged the same way (a gate, a file that could not be read) */
  check: Pick<CheckResult, 'label' | 'status' | 'message' | 'severity' | 'samples'>;
}

export const sampleText = (samples: FailingRow[]): string =>
  samples
    .map(
      (s) =>
        `row ${s.row}: ${Object.entries(s.values)
          .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
          .join(', ')}`,
    )
    .join('\n');

/**
 * JUnit XML as CI systems read it (Jenkins, GitLab, GitHub test reporters): one testsuite per
 * report, one testcase per check. An error-level failure is a <failure>, an unusable input an
 * <error>, a check without reference <skipped>; a warn-level failure passes with its message in
 * <system-out>, as the exit code does.
 */
export function junitXml(title: string, cases: JunitCase[]): string {
  const suites = new Map<string, JunitCase[]>();
  for (const c of cases) suites.set(c.suite, [...(suites.get(c.suite) ?? []), c]);
  const count = (list: JunitCase[], f: (c: JunitCase['check']) => boolean) =>
    list.filter((c) => f(c.check)).length;
  const isFailure = (c: JunitCase['check']) => c.status === 'fail' && c.severity === 'error';
  const out = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(
    `<testsuites name="${esc(title)}" tests="${cases.length}" failures="${count(cases, isFailure)}" errors="${count(cases, (c) => c.status === 'error')}" skipped="${count(cases, (c) => c.status === 'skipped')}">`,
  );
  for (const [name, list] of suites) {
    out.push(
      `  <testsuite name="${esc(name)}" tests="${list.length}" failures="${count(list, isFailure)}" errors="${count(list, (c) => c.status === 'error')}" skipped="${count(list, (c) => c.status === 'skipped')}">`,
    );
    for (const { classname, check } of list) {
      const detail = esc([check.message, sampleText(check.samples)].filter(Boolean).join('\n'));
      out.push(`    <testcase classname="${esc(classname)}" name="${esc(check.label)}">`);
      if (check.status === 'error')
        out.push(`      <error message="${esc(check.message)}">${detail}</error>`);
      else if (check.status === 'skipped') out.push(`      <skipped message="${esc(check.message)}"/>`);
      else if (isFailure(check))
        out.push(`      <failure message="${esc(check.message)}" type="error">${detail}</failure>`);
      else if (check.status === 'fail') out.push(`      <system-out>warning: ${detail}</system-out>`);
      out.push('    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}
