import type { FakeCloud } from '../fake-cloud';
import type { AssemblyFunction, AssemblyStack, AssemblyTarget } from './assembly';

/**
 * What a replayed delivery that ends `dead-lettered` leaves in the fake MNS, so that `npm run trace -- --store` and
 * anything else that peeks a dead-letter queue finds it as it would in the cloud. The two producers
 * ops/redrive/dead-letter.ts reads:
 * - the function's asynchronous failure destination (`AsyncConfiguration.Destination.OnFailure`, when set with
 *   `MaxAsyncRetryAttempts`): a Function Compute failure record. UNCONFIRMED shape, the one redrive detects:
 *   `{ requestContext: { requestId, functionArn, condition, approximateInvokeCount }, requestPayload,
 *   responseContext: { functionError }, responsePayload: { errorType, errorMessage } }`;
 * - else the rule target's dead-letter queue: the original CloudEvent, as EventBridge writes it when a push fails.
 *
 * @see https://www.alibabacloud.com/help/en/fc/user-guide/configure-an-asynchronous-invocation-destination
 * @see https://www.alibabacloud.com/help/en/eventbridge/user-guide/retry-policies-and-dead-letter-queues
 */

/** The queue and body of the dead letter of a failed delivery; undefined when no queue of the stack takes it. */
export function deadLetterOf(
  stack: AssemblyStack,
  target: AssemblyTarget,
  fn: AssemblyFunction | undefined,
  eventJson: string,
  failure: { readonly attempts: number; readonly error?: string; readonly accountId: string },
): { queue: string; body: string } | undefined {
  if (fn !== undefined && fn.maxAsyncRetryAttempts !== undefined && fn.failureQueue !== undefined) {
    const colon = (failure.error ?? '').indexOf(': ');
    const [errorType, errorMessage] =
      colon === -1 ? ['Error', failure.error ?? ''] : [failure.error?.slice(0, colon), failure.error?.slice(colon + 2)];
    const body = {
      requestContext: {
        requestId: `replay-${fn.functionName}-${failure.attempts}`,
        functionArn: `acs:fc:${stack.region}:${failure.accountId}:services/${fn.serviceName}.LATEST/functions/${fn.functionName}`,
        // Lambda-style condition names (FC's are not documented): retries ran out.
        condition: 'RetriesExhausted',
        approximateInvokeCount: failure.attempts,
      },
      requestPayload: eventJson,
      // FC's error type header for a handler that threw (X-Fc-Error-Type); no status code is claimed.
      responseContext: { functionError: 'UnhandledInvocationError' },
      responsePayload: { errorType, errorMessage },
    };
    return { queue: fn.failureQueue, body: JSON.stringify(body) };
  }
  if (target.deadLetterQueue !== undefined) return { queue: target.deadLetterQueue, body: eventJson };
  return undefined;
}

/** Enqueues the dead letter of a failed delivery in the fake MNS of `cloud` (creating the queue on first use). */
export function enqueueDeadLetter(cloud: FakeCloud, letter: { queue: string; body: string }): void {
  if (!cloud.mns.queueNames().includes(letter.queue)) cloud.mns.createQueue(letter.queue);
  cloud.mns.sendMessage(letter.queue, letter.body);
}
