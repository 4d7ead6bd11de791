import * as ros from '@alicloud/ros-cdk-core';
import * as sls from '@alicloud/ros-cdk-sls';
import { FUNCTION_LOG_MESSAGE_FIELD, FUNCTION_LOGSTORE } from '../../contract/observability';
import { inRange, RANGES } from '../config/ranges';
import { FUNCTION_LOG_KEYS } from '../observability/fields';

/** Props of {@link FunctionLogs}. */
export interface FunctionLogsProps {
  /**
   * Prefix of the SLS project name; the account id and region are appended because project names are unique across
   * Alibaba Cloud. The whole name must stay within 63 characters: a prefix of at most 20 fits every region.
   * @default "ecs-event-ops"
   */
  readonly namePrefix?: string;
  /** Days logs are kept: 1 to 3600 (the SLS logstore TTL limit). @default 30 */
  readonly retentionDays?: number;
}

/**
 * An SLS project and logstore that Function Compute writes the handlers' logs to, with a full-text index so that
 * they can be searched (each handler writes one JSON line per invocation), and a JSON index on `message` (the line
 * a function printed) whose keys are the ledger record's fields (contract/ledger.ts) and the dead-letter depth
 * record's (contract/observability.ts), analytics on, so that "every skip with reason restart-limit" is one query.
 * The handlers print lines as they are (`process.stdout.write`), so `message` is the JSON itself.
 *
 * @see https://www.alibabacloud.com/help/en/ros/developer-reference/aliyun-sls-logstore
 * @see https://www.alibabacloud.com/help/doc-detail/171396.htm (fields of Function Compute execution logs)
 */
export class FunctionLogs extends ros.Construct {
  /** SLS project name (a token: it includes the account id). */
  readonly projectName: string;
  /** Logstore name. */
  readonly logstoreName: string;
  /** Days logs are kept. */
  readonly retentionDays: number;
  /** RAM resource ARN of the logstore, for `log:PostLogStoreLogs`. */
  readonly logstoreArn: string;
  /** The SLS project (other logstores of the region live in it). */
  readonly project: sls.Project;

  constructor(scope: ros.Construct, id: string, props: FunctionLogsProps = {}) {
    super(scope, id);
    const retentionDays = props.retentionDays ?? 30;
    const range = RANGES['functions.logRetentionDays'];
    if (!inRange(retentionDays, range)) {
      throw new Error(
        `FunctionLogs ${this.node.path}: retentionDays ${retentionDays} is not an integer from ${range.min} to ${range.max}`,
      );
    }
    const stack = ros.Stack.of(this);
    const project = new sls.Project(this, `${id}Project`, {
      name: ros.Fn.join('-', [`${props.namePrefix ?? 'ecs-event-ops'}-logs`, stack.account, stack.region]),
      description: 'Function Compute logs of ecs-event-ops',
    });
    const logstore = new sls.Logstore(this, `${id}Logstore`, {
      projectName: project.attrName,
      logstoreName: FUNCTION_LOGSTORE,
      ttl: retentionDays,
    });
    new sls.Index(this, `${id}Index`, {
      projectName: project.attrName,
      logstoreName: logstore.attrLogstoreName,
      fullTextIndex: { enable: true },
      keyIndices: [
        {
          name: FUNCTION_LOG_MESSAGE_FIELD,
          type: 'json',
          jsonKeyIndices: FUNCTION_LOG_KEYS.map((k) => ({ name: k.name, type: k.type, enableAnalytics: true })),
        },
      ],
    });
    this.project = project;
    this.projectName = ros.Token.asString(project.attrName);
    this.logstoreName = 'functions';
    this.retentionDays = retentionDays;
    this.logstoreArn = ros.Fn.join('', [
      'acs:log:',
      stack.region,
      ':',
      stack.account,
      ':project/',
      this.projectName,
      '/logstore/functions',
    ]);
  }
}
