import type { DiffReport } from './model';

/** The values of `--fail-on`. */
export const FAIL_ON_VALUES = ['replace', 'delete', 'any', 'never'] as const;

/**
 * When the diff fails (exit code {@link FAIL_EXIT_CODE}):
 * - `replace`: a change replaces or deletes a resource (risk `replace` or `delete`), the CI default;
 * - `delete`: a change deletes a resource (risk `delete`);
 * - `any`: there is any change at all;
 * - `never`: never (the CLI default, for reading a report).
 */
export type FailOn = (typeof FAIL_ON_VALUES)[number];

/** Exit code of a diff that fails its `--fail-on` policy (1 is kept for usage and read errors). */
export const FAIL_EXIT_CODE = 2;

/** The changes of `report` that make it fail `failOn`; empty when it passes. */
export function failingChanges(
  report: DiffReport,
  failOn: FailOn,
): { stack: string; logicalId: string; risk: string }[] {
  const failing: { stack: string; logicalId: string; risk: string }[] = [];
  for (const stack of report.stacks) {
    for (const change of stack.changes) {
      const fails =
        failOn === 'any' ||
        (failOn === 'replace' && (change.risk === 'replace' || change.risk === 'delete')) ||
        (failOn === 'delete' && change.risk === 'delete');
      if (fails) failing.push({ stack: stack.stack, logicalId: change.logicalId, risk: change.risk });
    }
  }
  return failing;
}
