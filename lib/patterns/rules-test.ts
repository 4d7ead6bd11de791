import { compilePattern } from './matcher';
import { checkCatalogue, checkGrammar, type PatternProblem } from './validate';

/**
 * The local equivalent of EventBridge's TestEventPattern, for one pattern and zero or more events: `valid` and
 * `problems` are the service's grammar (`./grammar`), `warnings` our catalogue findings, `matches` the matcher's
 * answer (null without an event, or when the pattern is invalid).
 *
 * @see https://www.alibabacloud.com/help/en/eventbridge/developer-reference/api-eventbridge-2020-04-01-testeventpattern
 */
export interface RulesTestResult {
  readonly valid: boolean;
  readonly problems: readonly PatternProblem[];
  readonly warnings: readonly PatternProblem[];
  readonly matches: boolean | null;
}

/**
 * Tests `pattern`, once per event (one result with `matches: null` when there is no event).
 *
 * @example testPattern({ source: ['acs.ecs'] }, [event]) // [{ valid: true, problems: [], warnings: [], matches: true }]
 */
export function testPattern(pattern: unknown, events: readonly unknown[]): RulesTestResult[] {
  const problems = checkGrammar(pattern);
  const valid = problems.length === 0;
  const warnings = valid ? checkCatalogue(pattern) : [];
  const match = valid ? compilePattern(pattern) : undefined;
  if (events.length === 0) return [{ valid, problems, warnings, matches: null }];
  return events.map((event) => ({ valid, problems, warnings, matches: match === undefined ? null : match(event) }));
}

/** One result as text lines for a terminal. */
export function formatResult(result: RulesTestResult, label: string | undefined): string {
  const lines = [
    `${label === undefined ? '' : `${label}: `}${result.valid ? 'valid' : 'invalid'}${result.matches === null ? '' : result.matches ? ', matches' : ', does not match'}`,
  ];
  for (const p of result.problems) lines.push(`  problem at "${p.path || '(pattern)'}": ${p.message}`);
  for (const w of result.warnings) lines.push(`  warning at "${w.path || '(pattern)'}": ${w.message}`);
  return `${lines.join('\n')}\n`;
}
