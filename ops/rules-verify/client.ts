import * as $EventBridge from '@alicloud/eventbridge';
import * as $Util from '@alicloud/tea-util';
import type { CloudPatternTester } from '../../lib/patterns/rules-verify';
import { type ClientOptions, eventBridgeClient } from '../redrive/clients';

/** A TestEventPattern call failed (refused, throttled, unreachable); the message names the rule's pattern text. */
export class TestEventPatternError extends Error {
  override readonly name = 'TestEventPatternError';
}

/**
 * EventBridge's `TestEventPattern` through the official SDK (`@alicloud/eventbridge`, data plane
 * `POST /openapi/testEventPattern` on `<account>.eventbridge.<region>.aliyuncs.com`), the same client redrive builds
 * for PutEvents. The answer is the `Result` boolean of the response.
 * @see https://www.alibabacloud.com/help/en/eventbridge/developer-reference/api-eventbridge-2020-04-01-testeventpattern
 */
export function createCloudPatternTester(options: ClientOptions): CloudPatternTester {
  const client = eventBridgeClient(options);
  return async (pattern, event) => {
    let response: $EventBridge.TestEventPatternResponse;
    try {
      response = await client.testEventPatternWithOptions(
        new $EventBridge.TestEventPatternRequest({ eventPattern: pattern, event }),
        // Not retried: a failed call stops the check with its message, and the check is simply run again.
        new $Util.RuntimeOptions({ autoretry: false }),
      );
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      throw new TestEventPatternError(
        `eventbridge:TestEventPattern failed (${String(code ?? 'no code')}) for pattern ${pattern}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    if (typeof response.result !== 'boolean') {
      throw new TestEventPatternError(
        `eventbridge:TestEventPattern answered no boolean Result for pattern ${pattern} (request id ${response.requestId})`,
      );
    }
    return response.result;
  };
}
