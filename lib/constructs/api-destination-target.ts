import * as ros from '@alicloud/ros-cdk-core';
import * as eventbridge from '@alicloud/ros-cdk-eventbridge';
import type { IRuleTarget, RuleTargetConfig } from './event-rule';

/** An EventBridge template placeholder, `${name}` (EventBridge syntax, filled from the TEMPLATE value's JSONPaths). */
const slot = (name: string): string => `\${${name}}`;

/** The request body: the event's envelope fields and its data. */
const BODY_TEMPLATE = `{"id":"${slot('id')}","source":"${slot('source')}","type":"${slot('type')}","subject":"${slot('subject')}","time":"${slot('time')}","data":${slot('data')}}`;

/** Props of {@link ApiDestinationTarget}. */
export interface ApiDestinationTargetProps {
  /** Name of the API destination and of its connection: 2 to 127 characters. */
  readonly name: string;
  /** HTTPS endpoint, at most 127 characters (the ROS limit). */
  readonly endpoint: string;
  /** The bearer token (a NoEcho parameter's value), sent as `Authorization: Bearer <token>`. */
  readonly bearerToken: string;
}

/**
 * Delivers a rule's events to an external HTTPS endpoint through an EventBridge API destination and connection.
 *
 * Connections offer `BASIC_AUTH`, `API_KEY_AUTH` and `OAUTH_AUTH`; there is no bearer type. A bearer token is an API
 * key whose header is `Authorization` and whose value is `Bearer <token>` (our reading of "API key: token value in
 * the request header"; UNCONFIRMED officially). The request body is the event, rebuilt by a TEMPLATE body parameter
 * (`id`, `source`, `type`, `subject`, `time`, `data`): how an API destination shapes the body without one is not
 * documented.
 *
 * @see https://www.alibabacloud.com/help/en/ros/developer-reference/aliyun-eventbridge-connection
 * @see https://www.alibabacloud.com/help/en/ros/developer-reference/aliyun-eventbridge-apidestination
 */
export class ApiDestinationTarget extends ros.Construct implements IRuleTarget {
  private readonly name: string;

  constructor(scope: ros.Construct, id: string, props: ApiDestinationTargetProps) {
    super(scope, id);
    if (!/^[a-zA-Z0-9][a-zA-Z0-9_-]{1,126}$/.test(props.name)) {
      throw new Error(
        `ApiDestinationTarget ${this.node.path}: name "${props.name}" must be 2 to 127 letters, digits, "_" or "-"`,
      );
    }
    if (
      !ros.Token.isUnresolved(props.endpoint) &&
      (!props.endpoint.startsWith('https://') || props.endpoint.length > 127)
    ) {
      throw new Error(
        `ApiDestinationTarget ${this.node.path}: endpoint "${props.endpoint}" must be an https:// URL of at most 127 characters`,
      );
    }
    const connection = new eventbridge.RosConnection(
      this,
      `${id}Connection`,
      {
        connectionName: props.name,
        description: 'Bearer-token connection of ecs-event-ops',
        networkParameters: { networkType: 'PublicNetwork' },
        authParameters: {
          authorizationType: 'API_KEY_AUTH',
          apiKeyAuthParameters: {
            apiKeyName: 'Authorization',
            apiKeyValue: ros.Fn.join('', ['Bearer ', props.bearerToken]),
          },
        },
      },
      true,
    );
    const destination = new eventbridge.RosApiDestination(
      this,
      `${id}Destination`,
      {
        apiDestinationName: props.name,
        connectionName: props.name,
        description: 'External monitoring endpoint of ecs-event-ops',
        httpApiParameters: { endpoint: props.endpoint, method: 'POST' },
      },
      true,
    );
    destination.addDependsOn(connection);
    this.name = props.name;
  }

  bind(): RuleTargetConfig {
    const stack = ros.Stack.of(this);
    return {
      type: 'acs.api.destination',
      endpoint: ros.Fn.join('', ['acs:api-destination:', stack.region, ':', stack.account, `:name/${this.name}`]),
      paramList: [
        { resourceKey: 'Name', form: 'CONSTANT', value: this.name },
        {
          resourceKey: 'BodyParameters',
          form: 'TEMPLATE',
          value: JSON.stringify({
            id: '$.id',
            source: '$.source',
            type: '$.type',
            subject: '$.subject',
            time: '$.time',
            data: '$.data',
          }),
          template: BODY_TEMPLATE,
        },
      ],
    };
  }
}
