import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ros from '@alicloud/ros-cdk-core';
import * as fc from '@alicloud/ros-cdk-fc';
import * as ram from '@alicloud/ros-cdk-ram';
import { HandlerCode } from '../code/handler-code';
import { inRange, RANGES } from '../config/ranges';
import { bundleHandler, type HandlerBundle, HandlerBundleError } from '../private/bundle';
import { dependOn } from '../private/depend-on';
import type { DeadLetterQueue } from './dead-letter-queue';
import type { FunctionLogs } from './function-logs';

/**
 * Condition operators a handler statement may use: the positive string matches. A condition on an Allow statement
 * only narrows it, and these say what is allowed rather than what is not, which is the least-privilege reading.
 * @see https://www.alibabacloud.com/help/en/ram/conditional-operator
 */
export type PolicyConditionOperator = 'StringEquals' | 'StringLike';

/** The operators of {@link PolicyConditionOperator}, for validation. */
export const POLICY_CONDITION_OPERATORS: readonly PolicyConditionOperator[] = ['StringEquals', 'StringLike'];

/**
 * A RAM `Condition` block: operator, then condition key, then the value (or any of the values) the key must have.
 * Every key of every operator must match for the statement to apply.
 * @example { StringEquals: { 'acs:ResourceTag/auto-restart': 'true' } }
 */
export type PolicyConditions = {
  readonly [operator in PolicyConditionOperator]?: Readonly<Record<string, string | readonly string[]>>;
};

/** One RAM policy statement granted to a handler. */
export interface PolicyStatement {
  /** RAM actions, each `service:Action` or `service:Prefix*`; `*` and `service:*` are refused. */
  readonly actions: readonly string[];
  /** Resource ARNs; `*` only for actions that have no resource-level permission (reads such as Describe*). */
  readonly resources: readonly string[];
  /**
   * Conditions the request must meet for the statement to apply, such as a tag the resource must carry
   * (`acs:ResourceTag/<tag key>`). Keys are `acs:<Key>` (global) or `<service>:<Key>`, optionally with `/<name>`.
   * @default - none
   */
  readonly conditions?: PolicyConditions;
}

/** A condition key: `acs:ResourceTag/<tag key>`, `ecs:tag/<tag key>`, `oss:Prefix`… */
const CONDITION_KEY = /^(acs|[a-z0-9-]+):[A-Za-z][A-Za-z0-9]*(\/.{1,128})?$/;

/** Problems of a statement's conditions, each naming the operator or key, the value received and what is allowed. */
function conditionProblems(conditions: PolicyConditions): string[] {
  const problems: string[] = [];
  const operators = Object.keys(conditions);
  if (operators.length === 0) problems.push('conditions {} is empty: give at least one operator, or leave it out');
  for (const operator of operators) {
    if (!(POLICY_CONDITION_OPERATORS as readonly string[]).includes(operator)) {
      problems.push(`condition operator "${operator}" is not allowed: use ${POLICY_CONDITION_OPERATORS.join(' or ')}`);
      continue;
    }
    const keys = Object.entries(conditions[operator as PolicyConditionOperator] ?? {});
    if (keys.length === 0) problems.push(`condition ${operator} {} names no key`);
    for (const [key, value] of keys) {
      if (!CONDITION_KEY.test(key)) {
        problems.push(
          `condition key "${key}" is not valid: "acs:<Key>" or "<service>:<Key>", optionally with "/<name>" of 1 to 128 characters`,
        );
      }
      const values: readonly unknown[] = typeof value === 'string' ? [value] : Array.isArray(value) ? value : [value];
      if (values.length === 0 || values.some((v) => typeof v !== 'string' || v === '')) {
        problems.push(
          `condition ${operator} "${key}": ${JSON.stringify(value)} is not valid: a non-empty string or a non-empty list of them`,
        );
      }
    }
  }
  return problems;
}

/** Props of {@link HandlerFunction}. */
export interface HandlerFunctionProps {
  /** Handler name: names its code object, and its entry unless `entry` is given. */
  readonly handler: string;
  /**
   * The handler's entry file, relative to the repository root, for a handler outside `lambda-src/` (a team's own
   * automation under `custom/`, the worked example under `examples/`).
   * @default - `lambda-src/<handler>.ts`
   */
  readonly entry?: string;
  /** FC service name (one service per function, so each function has its own role). 1 to 128 characters. */
  readonly serviceName: string;
  /** FC function name. 1 to 128 characters. */
  readonly functionName: string;
  /** RAM role name; RAM names are account-wide, so include the region. At most 64 characters. */
  readonly roleName: string;
  /** Queue that receives the events the function still fails on after its asynchronous retries. */
  readonly deadLetterQueue: DeadLetterQueue;
  /** Where FC writes the function's logs (with request metrics). */
  readonly logs: FunctionLogs;
  /** Permissions the handler needs. Sending to its dead-letter queue is added here. @default - none */
  readonly statements?: readonly PolicyStatement[];
  /** Environment variables. @default - none */
  readonly environment?: Readonly<Record<string, string>>;
  /** MB: 128 to 3072, a multiple of 64. @default 256 */
  readonly memoryMb?: number;
  /** Seconds: 10 to 600. @default 60 */
  readonly timeoutSeconds?: number;
  /** Retries of a failed asynchronous invocation before the event goes to the dead-letter queue: 0 to 8. @default 2 */
  readonly asyncRetryAttempts?: number;
  /** Largest allowed bundle, KB (1 KB = 1000 bytes). @default 350 */
  readonly bundleBudgetKb?: number;
  /** Description shown in the FC console. @default - none */
  readonly description?: string;
}

const NAME = /^[a-zA-Z_][a-zA-Z0-9_-]{0,127}$/;

/** Validates one statement: names the problem and what is allowed. */
function checkStatement(path: string, statement: PolicyStatement): void {
  for (const action of statement.actions) {
    if (action === '*' || /^[a-z0-9-]+:\*$/i.test(action) || !/^[a-z0-9-]+:[A-Za-z0-9*]+$/.test(action)) {
      throw new Error(
        `HandlerFunction ${path}: action "${action}" is not allowed: name one action ("ecs:StartInstance") or a prefix ("ecs:Describe*"), never "*" or "service:*"`,
      );
    }
  }
  if (statement.actions.length === 0 || statement.resources.length === 0) {
    throw new Error(`HandlerFunction ${path}: a statement needs at least one action and one resource`);
  }
  const problems = statement.conditions === undefined ? [] : conditionProblems(statement.conditions);
  if (problems.length > 0) {
    throw new Error(`HandlerFunction ${path}: statement ${statement.actions.join(', ')}: ${problems.join('; ')}`);
  }
}

/** The RAM `Condition` of a statement, values as lists. */
function renderConditions(conditions: PolicyConditions): Record<string, Record<string, string[]>> {
  return Object.fromEntries(
    Object.entries(conditions).map(([operator, keys]) => [
      operator,
      Object.fromEntries(
        Object.entries(keys as Record<string, string | readonly string[]>).map(([key, value]) => [
          key,
          typeof value === 'string' ? [value] : [...value],
        ]),
      ),
    ]),
  );
}

/**
 * A TypeScript handler from `lambda-src/` (or the `entry` file of a team's own automation), bundled with esbuild at synth time and deployed as a Function Compute 2.0
 * function (`nodejs20`) in its own service, with its own least-privilege RAM role.
 *
 * The function is invoked asynchronously by EventBridge (see `FcFunctionTarget`): a handler error is retried by FC
 * `asyncRetryAttempts` times, then the event goes to `deadLetterQueue` through the FC asynchronous-invocation
 * failure destination, so no event is dropped silently. Synth fails when the bundle exceeds `bundleBudgetKb`.
 *
 * @see https://www.alibabacloud.com/help/en/ros/developer-reference/aliyun-fc-function
 * @example
 * new HandlerFunction(stack, 'AutoRestart', { handler: 'auto-restart', serviceName: 'eeo-auto-restart',
 *   functionName: 'auto-restart', roleName: 'eeo-auto-restart-cn-hangzhou', deadLetterQueue: dlq,
 *   statements: [{ actions: ['ecs:StartInstance'], resources: ['acs:ecs:cn-hangzhou:123:instance/*'] }] });
 */
export class HandlerFunction extends ros.Construct {
  /** FC service name. */
  readonly serviceName: string;
  /** FC function name. */
  readonly functionName: string;
  /** The dead-letter queue of the function's asynchronous invocations. */
  readonly deadLetterQueue: DeadLetterQueue;
  /** Bundle size, bytes. */
  readonly bundleBytes: number;
  /** The FC function resource. */
  readonly function: fc.Function;
  /** The RAM role the function runs as. */
  readonly role: ram.Role;

  constructor(scope: ros.Construct, id: string, props: HandlerFunctionProps) {
    super(scope, id);
    const memoryMb = props.memoryMb ?? 256;
    const timeoutSeconds = props.timeoutSeconds ?? 60;
    const asyncRetryAttempts = props.asyncRetryAttempts ?? 2;
    const budgetKb = props.bundleBudgetKb ?? 350;
    const where = this.node.path;
    for (const [key, value] of Object.entries({ serviceName: props.serviceName, functionName: props.functionName })) {
      if (!NAME.test(value)) {
        throw new Error(
          `HandlerFunction ${where}: ${key} "${value}" is not valid: 1 to 128 letters, digits, "_" or "-", not starting with a digit or "-"`,
        );
      }
    }
    // A role name, memory or timeout may be a token in a stack group's template (pseudo parameters, template
    // parameters): those are checked where their values are known (lib/config, lib/fleet).
    if (
      !ros.Token.isUnresolved(props.roleName) &&
      (props.roleName.length > 64 || !/^[a-zA-Z0-9.-]+$/.test(props.roleName))
    ) {
      throw new Error(
        `HandlerFunction ${where}: roleName "${props.roleName}" is not valid: at most 64 letters, digits, "." or "-"`,
      );
    }
    const memory = RANGES['functions.memoryMb'];
    if (!ros.Token.isUnresolved(memoryMb) && (!inRange(memoryMb, memory) || memoryMb % 64 !== 0)) {
      throw new Error(
        `HandlerFunction ${where}: memoryMb ${memoryMb} is not valid: ${memory.min} to ${memory.max}, a multiple of 64`,
      );
    }
    for (const [key, value, range] of [
      ['timeoutSeconds', timeoutSeconds, RANGES['functions.timeoutSeconds']],
      ['asyncRetryAttempts', asyncRetryAttempts, RANGES['functions.asyncRetryAttempts']],
    ] as const) {
      if (!ros.Token.isUnresolved(value) && !inRange(value, range)) {
        throw new Error(
          `HandlerFunction ${where}: ${key} ${value} is not valid: an integer from ${range.min} to ${range.max}`,
        );
      }
    }
    const statements: PolicyStatement[] = [
      ...(props.statements ?? []),
      // FC sends failed asynchronous invocations to the queue with the service role.
      { actions: ['mns:SendMessage'], resources: [props.deadLetterQueue.arn, props.deadLetterQueue.fcDestinationArn] },
      // FC writes the function's logs with the service role.
      { actions: ['log:PostLogStoreLogs'], resources: [props.logs.logstoreArn] },
    ];
    for (const statement of statements) checkStatement(where, statement);

    let bundle: HandlerBundle;
    try {
      bundle = bundleHandler(props.handler, { entry: props.entry, budgetKb });
    } catch (error) {
      if (!(error instanceof HandlerBundleError)) throw error;
      throw new HandlerBundleError(`HandlerFunction ${where}: ${error.message}`, { cause: error });
    }
    this.bundleBytes = bundle.bytes;
    // The stack's code bucket (see HandlerCode: published by `npm run assets:publish`, never by the ros-cdk CLI).
    const code = HandlerCode.of(this).location(props.handler, fs.readFileSync(path.join(bundle.directory, 'index.js')));

    this.role = new ram.Role(this, `${id}Role`, {
      roleName: props.roleName,
      description: `Runs FC function ${props.serviceName}/${props.functionName} (ecs-event-ops)`,
      assumeRolePolicyDocument: {
        version: '1',
        statement: [{ action: 'sts:AssumeRole', effect: 'Allow', principal: { service: ['fc.aliyuncs.com'] } }],
      },
      policies: [
        {
          policyName: ros.Token.isUnresolved(props.roleName)
            ? `${props.roleName}-policy`
            : `${props.roleName}-policy`.slice(0, 128),
          policyDocument: {
            version: '1',
            statement: statements.map((s) => ({
              effect: 'Allow',
              action: [...s.actions],
              resource: [...s.resources],
              ...(s.conditions === undefined ? {} : { condition: renderConditions(s.conditions) }),
            })),
          },
        },
      ],
    });
    const service = new fc.Service(this, `${id}Service`, {
      serviceName: props.serviceName,
      role: this.role.attrArn,
      description: props.description,
      logConfig: { project: props.logs.projectName, logstore: props.logs.logstoreName, enableRequestMetrics: true },
    });
    // FC checks the log configuration when the service is created: the logstore must exist by then.
    dependOn(service, [props.logs]);
    this.function = new fc.Function(this, id, {
      serviceName: service.attrServiceName,
      functionName: props.functionName,
      description: props.description,
      runtime: 'nodejs20',
      handler: 'index.handler',
      code:
        code.zipFile !== undefined
          ? { zipFile: code.zipFile }
          : { ossBucketName: code.bucketName, ossObjectName: code.objectKey },
      memorySize: memoryMb,
      timeout: timeoutSeconds,
      environmentVariables: props.environment ? { ...props.environment } : undefined,
      asyncConfiguration: {
        maxAsyncRetryAttempts: asyncRetryAttempts,
        // One day: as long as EventBridge's own retry horizon.
        maxAsyncEventAgeInSeconds: 86400,
        destination: { onFailure: props.deadLetterQueue.fcDestinationArn },
      },
    });
    this.function.addDependency(service);
    this.serviceName = props.serviceName;
    this.functionName = props.functionName;
    this.deadLetterQueue = props.deadLetterQueue;
  }
}
