import { compilePattern } from './matcher';

/**
 * The cloud cross-check of `npm run rules:verify`: every synthesized pattern against every sample event, asked of
 * EventBridge's `TestEventPattern` and of the local matcher; any case where they answer differently is a
 * disagreement. The API answers only a boolean, so only matches are compared (not the grammar's messages).
 *
 * @see https://www.alibabacloud.com/help/en/eventbridge/developer-reference/api-eventbridge-2020-04-01-testeventpattern
 */

/** A rule's pattern, as synthesized. */
export interface VerifyRule {
  readonly stack: string;
  readonly ruleName: string;
  readonly pattern: unknown;
}

/** A sample event. */
export interface VerifyEvent {
  /** Where it comes from, e.g. `acs.ecs/instance-statechange-stopped`. */
  readonly name: string;
  readonly event: unknown;
}

/** Asks the service whether `pattern` matches `event` (the request sends both as JSON text). */
export type CloudPatternTester = (pattern: string, event: string) => Promise<boolean>;

/** A case where the cloud and the local matcher disagree. */
export interface Disagreement {
  readonly stack: string;
  readonly ruleName: string;
  readonly event: string;
  readonly local: boolean;
  readonly cloud: boolean;
}

/** The outcome of a verification. */
export interface VerifyReport {
  /** Cases asked of both. */
  readonly cases: number;
  readonly disagreements: readonly Disagreement[];
}

/** Options of {@link verifyPatterns}. */
export interface VerifyOptions {
  /** Requests under way at once. @default 4 */
  readonly concurrency?: number;
  /** Called after each case (progress). */
  readonly onCase?: (done: number, total: number) => void;
  /** Stops starting new cases when aborted. */
  readonly signal?: AbortSignal;
}

/**
 * Compares the local matcher with the cloud on every rule × event. Identical patterns of several stacks are asked
 * once per event.
 */
export async function verifyPatterns(
  rules: readonly VerifyRule[],
  events: readonly VerifyEvent[],
  cloud: CloudPatternTester,
  options: VerifyOptions = {},
): Promise<VerifyReport> {
  const byPattern = new Map<string, VerifyRule[]>();
  for (const rule of rules) {
    const key = JSON.stringify(rule.pattern);
    byPattern.set(key, [...(byPattern.get(key) ?? []), rule]);
  }
  const cases = [...byPattern.entries()].flatMap(([pattern, owners]) => {
    const local = compilePattern(owners[0].pattern);
    return events.map((event) => ({ pattern, owners, event, local: local(event.event) }));
  });
  const disagreements: Disagreement[] = [];
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < cases.length && options.signal?.aborted !== true) {
      const item = cases[next++];
      const answer = await cloud(item.pattern, JSON.stringify(item.event.event));
      if (answer !== item.local) {
        for (const owner of item.owners) {
          disagreements.push({
            stack: owner.stack,
            ruleName: owner.ruleName,
            event: item.event.name,
            local: item.local,
            cloud: answer,
          });
        }
      }
      done += 1;
      options.onCase?.(done, cases.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 4) }, worker));
  const order = (d: Disagreement) => `${d.stack}\u0000${d.ruleName}\u0000${d.event}`;
  disagreements.sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
  return { cases: done, disagreements };
}
