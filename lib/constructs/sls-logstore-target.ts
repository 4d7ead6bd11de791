import * as ros from '@alicloud/ros-cdk-core';
import type { IRuleTarget, RuleTargetConfig } from './event-rule';

/** Props of {@link SlsLogstoreTarget}. */
export interface SlsLogstoreTargetProps {
  /** SLS project of the logstore (same region as the rule). */
  readonly projectName: string;
  readonly logstoreName: string;
  /** The RAM role EventBridge assumes to write to the logstore (`RoleName`). */
  readonly roleName: string;
}

/**
 * Delivers a rule's events to an SLS logstore, the native `acs.sls` target: one log per event whose single field
 * `content` is the whole CloudEvent (`ContentType: JSON`, `Body: ORIGINAL`).
 *
 * Endpoint `acs:sls:<region>:<account>:project/<project>/logstore/<logstore>` (prefix `acs:sls:`, not `acs:log:`);
 * ParamList keys `Project`, `LogStore` (capital S), `ContentType` and `RoleName` are required, `Body` optional. The
 * target must be in the rule's region.
 *
 * @see https://www.alibabacloud.com/help/en/eventbridge/user-guide/event-target-parameters (Simple Log Service)
 * @see https://www.alibabacloud.com/help/doc-detail/473201.html (route events to Log Service)
 */
export class SlsLogstoreTarget implements IRuleTarget {
  constructor(
    private readonly scope: ros.Construct,
    private readonly props: SlsLogstoreTargetProps,
  ) {}

  bind(): RuleTargetConfig {
    const stack = ros.Stack.of(this.scope);
    const { projectName, logstoreName, roleName } = this.props;
    return {
      type: 'acs.sls',
      endpoint: ros.Fn.join('', [
        'acs:sls:',
        stack.region,
        ':',
        stack.account,
        ':project/',
        projectName,
        `/logstore/${logstoreName}`,
      ]),
      paramList: [
        { resourceKey: 'Project', form: 'CONSTANT', value: projectName },
        { resourceKey: 'LogStore', form: 'CONSTANT', value: logstoreName },
        { resourceKey: 'ContentType', form: 'CONSTANT', value: 'JSON' },
        { resourceKey: 'RoleName', form: 'CONSTANT', value: roleName },
        // ORIGINAL takes no value, but the ROS CDK validator requires one: "" as in the FC target.
        { resourceKey: 'Body', form: 'ORIGINAL', value: '' },
      ],
    };
  }
}
