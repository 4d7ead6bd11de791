/**
 * The policy rules and their ids, apart from the checks' runner so that the configuration (lib/config/validate.ts,
 * which accepts suppressions by rule id) can import the ids without importing the runner: lib/config -> lib/policy,
 * never back.
 */
import { bucketSecurity } from './rules/bucket-security';
import { bundleBudget } from './rules/bundle-budget';
import { deadLetterQueueNoSelfChain, deadLetterQueueRetention } from './rules/dead-letter-queues';
import { functionLoggingTimeout } from './rules/function-logging-timeout';
import { noPlaintextSecrets } from './rules/no-plaintext-secrets';
import { noSecretInFunctionEnvironment } from './rules/no-secret-in-function-environment';
import { ramLeastPrivilege } from './rules/ram-least-privilege';
import { targetDlqRetry } from './rules/target-dlq-retry';
import type { PolicyRule } from './types';

/** Every policy rule, in report order. */
export const POLICY_RULES: readonly PolicyRule[] = [
  targetDlqRetry,
  deadLetterQueueRetention,
  deadLetterQueueNoSelfChain,
  bucketSecurity,
  ramLeastPrivilege,
  noPlaintextSecrets,
  noSecretInFunctionEnvironment,
  functionLoggingTimeout,
  bundleBudget,
];

/** The ids of {@link POLICY_RULES}. */
export const POLICY_RULE_IDS: readonly string[] = POLICY_RULES.map((r) => r.id);
