import { codeObjectsByKey, readCodeIndexJs } from '../code/read';
import { POLICY_RULES } from './rule-ids';
import type { Finding, PolicyRule, RosTemplate, Suppression } from './types';

export { POLICY_RULE_IDS, POLICY_RULES } from './rule-ids';
export type { Finding, PolicyRule, PolicyTarget, RosTemplate, Suppression } from './types';

/** The outcome of a policy run. */
export interface PolicyReport {
  /** Findings not suppressed: any of them fails synth. */
  readonly findings: readonly Finding[];
  /** Findings a suppression accepted, with its reason. */
  readonly suppressed: readonly (Finding & { readonly reason: string })[];
  /** Suppressions that matched no finding (stale: remove them). */
  readonly unused: readonly Suppression[];
}

/** One stack to check. */
export interface StackToCheck {
  readonly stack: string;
  readonly template: RosTemplate;
  /** Handler bundle budget of the stack's region, KB. */
  readonly bundleBudgetKb: number;
}

function matches(s: Suppression, f: Finding): boolean {
  return s.rule === f.rule && (s.resource === f.resource || s.resource === `${f.stack}/${f.resource}`);
}

/**
 * Runs every rule over `stacks` and applies `suppressions`.
 *
 * @param assemblyDir folder of the cloud assembly, where the code objects are (`<stack>.code.json` and its zips)
 */
export function checkStacks(
  stacks: readonly StackToCheck[],
  assemblyDir: string,
  suppressions: readonly Suppression[] = [],
  rules: readonly PolicyRule[] = POLICY_RULES,
): PolicyReport {
  const objects = codeObjectsByKey(
    assemblyDir,
    stacks.map((s) => s.stack),
  );
  const codeBytes = (key: string): number | undefined => {
    const object = objects.get(key);
    return object === undefined ? undefined : readCodeIndexJs(assemblyDir, object).byteLength;
  };
  const all = stacks.flatMap((s) => rules.flatMap((rule) => rule.check({ ...s, codeBytes })));
  const used = new Set<Suppression>();
  const findings: Finding[] = [];
  const suppressed: (Finding & { reason: string })[] = [];
  for (const finding of all) {
    const suppression = suppressions.find((s) => matches(s, finding));
    if (suppression) {
      used.add(suppression);
      suppressed.push({ ...finding, reason: suppression.reason });
    } else {
      findings.push(finding);
    }
  }
  return { findings, suppressed, unused: suppressions.filter((s) => !used.has(s)) };
}

/** The report as text: findings, then suppressed findings with their reasons, then unused suppressions. */
export function formatPolicyReport(report: PolicyReport): string {
  const lines: string[] = [];
  if (report.findings.length > 0) {
    lines.push(`Policy: ${report.findings.length} finding${report.findings.length === 1 ? '' : 's'}:`);
    for (const f of report.findings) lines.push(`  - [${f.rule}] ${f.stack}/${f.resource}: ${f.message}`);
  } else {
    lines.push(`Policy: no findings (${POLICY_RULES.length} rules).`);
  }
  for (const s of report.suppressed)
    lines.push(`  - suppressed [${s.rule}] ${s.stack}/${s.resource}: ${s.message} (reason: ${s.reason})`);
  for (const u of report.unused)
    lines.push(`  - unused suppression [${u.rule}] ${u.resource}: it matches no finding; remove it`);
  return `${lines.join('\n')}\n`;
}
