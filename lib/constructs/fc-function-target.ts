import * as ros from '@alicloud/ros-cdk-core';
import type { IRuleTarget, RuleTargetConfig } from './event-rule';
import type { HandlerFunction } from './handler-function';

/**
 * Delivers a rule's events to a {@link HandlerFunction}, asynchronously, with the whole CloudEvent as the body.
 *
 * Why `InvocationType: Async`: with a synchronous invocation, whether EventBridge treats a function error (HTTP 200
 * with `X-Fc-Error-Type`) as a failed delivery is not documented, so a throwing handler could drop the event
 * silently. With an asynchronous invocation the two failure kinds are both covered by documented behaviour:
 * EventBridge retries (and dead-letters) a failed hand-over to FC, and FC retries a failed execution
 * `asyncRetryAttempts` times, then sends it to the function's failure destination, the same dead-letter queue.
 *
 * @see https://www.alibabacloud.com/help/en/eventbridge/user-guide/event-target-parameters
 */
export class FcFunctionTarget implements IRuleTarget {
  constructor(private readonly handler: HandlerFunction) {}

  bind(): RuleTargetConfig {
    const stack = ros.Stack.of(this.handler);
    return {
      type: 'acs.fc.function',
      // acs:fc:<region>:<account>:services/<service>.<qualifier>/functions/<function>
      endpoint: ros.Fn.join('', [
        'acs:fc:',
        stack.region,
        ':',
        stack.account,
        `:services/${this.handler.serviceName}.LATEST/functions/${this.handler.functionName}`,
      ]),
      paramList: [
        { resourceKey: 'serviceName', form: 'CONSTANT', value: this.handler.serviceName },
        { resourceKey: 'functionName', form: 'CONSTANT', value: this.handler.functionName },
        { resourceKey: 'Qualifier', form: 'CONSTANT', value: 'LATEST' },
        { resourceKey: 'InvocationType', form: 'CONSTANT', value: 'Async' },
        { resourceKey: 'DataFormat', form: 'CONSTANT', value: 'Object' },
        // ORIGINAL takes no value, but the ROS CDK validator requires one: "" is what the docs' examples send.
        { resourceKey: 'Body', form: 'ORIGINAL', value: '' },
      ],
    };
  }
}
