import { z } from 'zod';
import { shapeProblems } from '../../lib/config/context';
import { didYouMean } from '../../lib/private/did-you-mean';
import { pathText, zodProblems } from '../../lib/private/zod-problems';

/**
 * The world file of the fake cloud: the state the fake serves, loadable from JSON by the replay CLI. Validated by
 * the zod schema below; the `World…` types are inferred from it, so the types and the checks cannot drift.
 *
 * @example
 * { "region": "cn-hangzhou", "accountId": "1234567890123456",
 *   "instances": [{ "id": "i-bp1abcdefghij0123456", "status": "Stopped", "tags": { "auto-restart": "true" } }],
 *   "loadBalancers": [{ "id": "lb-bp1...", "vServerGroups": [{ "id": "rsp-bp1...",
 *     "backendServers": [{ "serverId": "i-bp1abcdefghij0123456", "port": 80, "weight": 100 }] }] }],
 *   "albServerGroups": [{ "id": "sgp-bp1...", "servers": [{ "serverId": "i-bp1...", "port": 80, "weight": 100 }] }],
 *   "scalingGroups": [] }
 */
/** A deep copy of a world, so tests can reuse a constant. */
export function cloneWorld(world: World): World {
  return structuredClone(world);
}

/** ECS instance statuses (`Status` of DescribeInstances). @see https://www.alibabacloud.com/help/en/ecs/developer-reference/api-describeinstances */
export const INSTANCE_STATUSES = ['Pending', 'Starting', 'Running', 'Stopping', 'Stopped'] as const;

/** SLB backend server types (`Type`, with `Weight` 0-100, of SetVServerGroupAttribute). @see https://www.alibabacloud.com/help/en/slb/api-setvservergroupattribute */
export const BACKEND_SERVER_TYPES = ['ecs', 'eni', 'eci'] as const;

/** ALB/NLB server types (`ServerType` of UpdateServerGroupServersAttribute). @see https://www.alibabacloud.com/help/en/slb/application-load-balancer/developer-reference/api-alb-2020-06-16-updateservergroupserversattribute */
export const SERVER_TYPES = ['Ecs', 'Eni', 'Eci', 'Ip'] as const;

/** Scaling activity status codes (`StatusCode` of DescribeScalingActivities). @see https://www.alibabacloud.com/help/en/auto-scaling/developer-reference/api-describescalingactivities */
export const SCALING_ACTIVITY_STATUS_CODES = ['Successful', 'Warning', 'Failed', 'InProgress', 'Rejected'] as const;

/** A world file that is not what {@link parseWorld} accepts; the message names every problem by its path. */
export class WorldFileError extends Error {
  override readonly name = 'WorldFileError';

  constructor(
    /** One entry per problem: `world.instances[3].status: "Runing" is not a known status ...`. */
    readonly problems: readonly string[],
    options?: ErrorOptions,
  ) {
    const shown = problems.slice(0, MAX_PROBLEMS_SHOWN);
    const more = problems.length - shown.length;
    super(`${shown.join('; ')}${more > 0 ? `; and ${more} more` : ''}`, options);
  }
}

const MAX_PROBLEMS_SHOWN = 5;

/*
 * Every schema carries the end of its own message (`<path>: <value received> <message>`): zod's wording never
 * reaches the user. An object's message for unknown keys is its known keys, joined by `, ` (see parseWorld).
 */

const says = (message: string) => ({ error: message });

const text = z.string(says('is not a non-empty string')).min(1, says('is not a non-empty string'));

function oneOf<const T extends readonly [string, ...string[]]>(what: string, allowed: T) {
  return z.enum(allowed, {
    error: (issue) =>
      `is not a known ${what}${typeof issue.input === 'string' ? didYouMean(issue.input, allowed) : ''}; allowed: ${allowed.join(', ')}`,
  });
}

function integer(min: number, max: number) {
  const message = says(`is not an integer from ${min} to ${max}`);
  return z.number(message).int(message).min(min, message).max(max, message);
}

function listOf<T extends z.ZodType>(item: T) {
  return z.array(item, says('is not a list'));
}

/** An object with exactly the keys of `shape`. */
function object<S extends z.ZodRawShape>(shape: S) {
  const keys = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? keys : `is not an object with ${keys}`),
  });
}

const tags = z.record(
  z.string(),
  z.string(says('is not a string')),
  says('is not an object of tag key to value strings'),
);

/** An ECS instance. */
const instanceSchema = object({
  id: text,
  status: oneOf('status', INSTANCE_STATUSES),
  tags: tags.default(() => ({})),
  /** Disks; the first is the system disk, the others are data disks (DescribeDisks). */
  diskIds: listOf(text).optional(),
  /** `InstanceName`; @default the id */
  name: text.optional(),
});

/** A backend server entry. */
const backendServerSchema = object({
  serverId: text,
  port: integer(1, 65535),
  weight: integer(0, 100),
  /** @default ecs */
  type: oneOf('backend server type', BACKEND_SERVER_TYPES).optional(),
});

/** A vServer group. */
const vServerGroupSchema = object({ id: text, backendServers: listOf(backendServerSchema).default(() => []) });

/** A server of a CLB default server group: no port of its own (it serves on each listener's backend port). */
const defaultBackendServerSchema = object({
  serverId: text,
  weight: integer(0, 100),
  /** @default ecs */
  type: oneOf('backend server type', BACKEND_SERVER_TYPES).optional(),
});

/** A classic SLB instance. */
const loadBalancerSchema = object({
  id: text,
  vServerGroups: listOf(vServerGroupSchema).default(() => []),
  /** The default server group (DescribeLoadBalancerAttribute, SetBackendServers, RemoveBackendServers). */
  backendServers: listOf(defaultBackendServerSchema).optional(),
});

/** A server of an ALB or NLB server group (`ServerType` of ListServerGroupServers). */
const groupServerSchema = object({
  serverId: text,
  /** @default Ecs */
  serverType: oneOf('server type', SERVER_TYPES).optional(),
  port: integer(1, 65535),
  weight: integer(0, 100),
});

/** An ALB or NLB server group. */
const serverGroupSchema = object({ id: text, servers: listOf(groupServerSchema).default(() => []) });

/** A scaling activity of a group. */
const scalingActivitySchema = object({
  id: text,
  /** Instances the activity added to the group. */
  instanceIds: listOf(text),
  /** @default Successful */
  statusCode: oneOf('scaling activity status code', SCALING_ACTIVITY_STATUS_CODES).optional(),
});

/** An Auto Scaling group (ESS actions in rpc-actions-ess.ts). */
const scalingGroupSchema = object({
  id: text,
  instanceIds: listOf(text).default(() => []),
  protectedInstanceIds: listOf(text).default(() => []),
  /** Scaling activities and the instances each added (DescribeScalingActivities, DescribeScalingInstances). */
  activities: listOf(scalingActivitySchema).optional(),
});

/** An automatic snapshot policy. */
const autoSnapshotPolicySchema = object({ id: text, diskIds: listOf(text).default(() => []) });

/** ROS stack instance statuses (`Status` of ListStackInstances). @see https://www.alibabacloud.com/help/en/ros/developer-reference/api-ros-2019-09-10-liststackinstances */
export const STACK_INSTANCE_STATUSES = ['CURRENT', 'OUTDATED'] as const;

/** Final statuses of a ROS stack group operation and of its per-instance results (GetStackGroupOperation). */
export const STACK_GROUP_OPERATION_STATUSES = ['SUCCEEDED', 'FAILED', 'STOPPED'] as const;

/** Drift statuses of a ROS stack resource (`ResourceDriftStatus` of ListStackResourceDrifts), drifted ones only. */
export const RESOURCE_DRIFT_STATUSES = ['MODIFIED', 'DELETED'] as const;

/** A drifted resource of a stack instance's stack, as drift detection will find it. */
const driftedResourceSchema = object({
  logicalResourceId: text,
  resourceType: text,
  physicalResourceId: text.optional(),
  /** @default MODIFIED */
  status: oneOf('resource drift status', RESOURCE_DRIFT_STATUSES).optional(),
  /** Property paths that differ, e.g. `/Description`. */
  propertyPaths: listOf(text).optional(),
});

/** A stack instance of a stack group (one account and region). */
const stackInstanceSchema = object({
  accountId: text,
  regionId: text,
  rdFolderId: text.optional(),
  status: oneOf('stack instance status', STACK_INSTANCE_STATUSES),
  statusReason: text.optional(),
  /** @default - a fixed id derived from the account and region */
  stackId: text.optional(),
  /** What the next drift detection finds; none means in sync. */
  driftedResources: listOf(driftedResourceSchema).optional(),
});

/** The per-instance result of a stack group operation. */
const operationResultSchema = object({
  accountId: text,
  regionId: text,
  rdFolderId: text.optional(),
  status: oneOf('operation result status', STACK_GROUP_OPERATION_STATUSES),
  statusReason: text.optional(),
});

/** A stack group operation (CREATE, UPDATE, ...) that runs for `pollsUntilDone` GetStackGroupOperation calls. */
const stackGroupOperationSchema = object({
  id: text,
  action: oneOf('stack group operation action', ['CREATE', 'UPDATE', 'DELETE', 'DETECT_DRIFT'] as const),
  /** The status once done. */
  status: oneOf('stack group operation status', STACK_GROUP_OPERATION_STATUSES),
  /** GetStackGroupOperation answers RUNNING this many times first. @default 0 */
  pollsUntilDone: integer(0, 1000).optional(),
  /** ISO time, e.g. `2025-01-01T00:00:00`. @default 2025-01-01T00:00:00 */
  createTime: text.optional(),
  results: listOf(operationResultSchema).default(() => []),
});

/** A ROS stack group of the administration account (the fake's account), in the fake's region. */
const stackGroupSchema = object({
  name: text,
  /** @default SELF_MANAGED */
  permissionModel: oneOf('permission model', ['SELF_MANAGED', 'SERVICE_MANAGED'] as const).optional(),
  instances: listOf(stackInstanceSchema).default(() => []),
  operations: listOf(stackGroupOperationSchema).default(() => []),
  /** A drift detection answers RUNNING this many times before it completes. @default 1 */
  driftPollsUntilDone: integer(0, 1000).optional(),
});

/** Lifecycle action statuses (`LifecycleActionStatus` of DescribeLifecycleActions). */
export const LIFECYCLE_ACTION_STATUSES = ['Pending', 'Timeout', 'Completed'] as const;

/** A pending lifecycle action of a hook (RecordLifecycleActionHeartbeat, CompleteLifecycleAction). */
const lifecycleActionSchema = object({
  lifecycleHookId: text,
  token: text,
  instanceIds: listOf(text).default(() => []),
  /** @default Pending */
  status: oneOf('lifecycle action status', LIFECYCLE_ACTION_STATUSES).optional(),
  /** Set by CompleteLifecycleAction: `CONTINUE`, `ABANDON` or `ROLLBACK`. */
  result: text.optional(),
  /** The ClientToken of the completing call, so that a repeated call is answered like the first. */
  completedWith: text.optional(),
  /** The `heartbeatTimeout` of each RecordLifecycleActionHeartbeat, in order. */
  heartbeats: listOf(integer(30, 21600)).optional(),
});

/** ECS snapshot statuses (`Status` of DescribeSnapshots). */
export const SNAPSHOT_STATUSES = ['progressing', 'accomplished', 'failed'] as const;

/** A snapshot (CreateSnapshot adds them; DescribeSnapshots advances them). */
const snapshotSchema = object({
  id: text,
  diskId: text,
  status: oneOf('snapshot status', SNAPSHOT_STATUSES),
  /** DescribeSnapshots calls that still see it `progressing` before it reaches `finalStatus`. */
  remainingDescribes: integer(0, 1000).default(0),
  /** @default accomplished */
  finalStatus: oneOf('snapshot status', SNAPSHOT_STATUSES).optional(),
  clientToken: text.optional(),
  retentionDays: integer(1, 65536).optional(),
  tags: tags.default(() => ({})),
});

/** How CreateSnapshot behaves: how long new snapshots progress, and which disks' snapshots fail. */
const snapshotBehaviourSchema = object({
  describesUntilDone: integer(0, 1000).default(0),
  failingDiskIds: listOf(text).default(() => []),
});

/** The whole world file. */
const worldSchema = object({
  region: text,
  accountId: text,
  instances: listOf(instanceSchema).default(() => []),
  loadBalancers: listOf(loadBalancerSchema).default(() => []),
  scalingGroups: listOf(scalingGroupSchema).default(() => []),
  /** Automatic snapshot policies and the disks they apply to (ApplyAutoSnapshotPolicy adds disks). */
  autoSnapshotPolicies: listOf(autoSnapshotPolicySchema).optional(),
  /** ROS stack groups, their instances and operations (ops/fake-cloud/ros.ts). */
  stackGroups: listOf(stackGroupSchema).optional(),
  /** ALB server groups (2020-06-16 ListServerGroups & co.). */
  albServerGroups: listOf(serverGroupSchema).optional(),
  /** NLB server groups (2022-04-30 ListServerGroups & co.). */
  nlbServerGroups: listOf(serverGroupSchema).optional(),
  /** Pending lifecycle actions of scale-in hooks (optional). */
  lifecycleActions: listOf(lifecycleActionSchema).optional(),
  /** Snapshots (optional; CreateSnapshot adds them). */
  snapshots: listOf(snapshotSchema).optional(),
  /** How new snapshots progress (optional). @default done at once, none failing */
  snapshotBehaviour: snapshotBehaviourSchema.optional(),
});

/** The state the fake cloud serves (see the example at the top of this file). */
export type World = z.output<typeof worldSchema>;
/** An ECS instance; `status` is one of {@link INSTANCE_STATUSES}. */
export type WorldInstance = z.output<typeof instanceSchema>;
/** A classic SLB instance. */
export type WorldLoadBalancer = z.output<typeof loadBalancerSchema>;
/** An ALB or NLB server group. */
export type WorldServerGroup = z.output<typeof serverGroupSchema>;
/** A server of an ALB or NLB server group. */
export type WorldGroupServer = z.output<typeof groupServerSchema>;
/** A vServer group. */
export type WorldVServerGroup = z.output<typeof vServerGroupSchema>;
/** A backend server entry. */
export type WorldBackendServer = z.output<typeof backendServerSchema>;
/** An Auto Scaling group. */
export type WorldScalingGroup = z.output<typeof scalingGroupSchema>;
/** A scaling activity of a group. */
export type WorldScalingActivity = z.output<typeof scalingActivitySchema>;
/** A ROS stack group. */
export type WorldStackGroup = z.output<typeof stackGroupSchema>;
/** A stack instance of a stack group. */
export type WorldStackInstance = z.output<typeof stackInstanceSchema>;
/** A stack group operation. */
export type WorldStackGroupOperation = z.output<typeof stackGroupOperationSchema>;
/** A lifecycle action of a hook. */
export type WorldLifecycleAction = z.output<typeof lifecycleActionSchema>;
/** A snapshot. */
export type WorldSnapshot = z.output<typeof snapshotSchema>;
/** An automatic snapshot policy. */
export type WorldAutoSnapshotPolicy = z.output<typeof autoSnapshotPolicySchema>;

function show(value: unknown): string {
  let json: string;
  try {
    json = JSON.stringify(value) ?? String(value);
  } catch {
    // Too deep to print (JSON.stringify recurses): say what it is instead.
    return kindOf(value);
  }
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** The `WorldFileError` lines of zod's issues (lib/private/zod-problems.ts orders them as the file is written). */
function problemsOf(issues: readonly z.core.$ZodIssue[], json: unknown): string[] {
  return zodProblems(issues, json).map((problem) => {
    if (problem.kind === 'unknown-key') {
      const known = problem.message.split(', ');
      return `${pathText('world', problem.at)}: "${problem.key}" is not a known key${didYouMean(problem.key, known)}; allowed: ${problem.message}`;
    }
    if (problem.kind === 'missing') return `${pathText('world', [...problem.at, problem.key])}: missing`;
    return `${pathText('world', problem.at)}: ${show(problem.value)} ${problem.message}`;
  });
}

/**
 * Validates a world loaded from JSON, fully: every key is known, every value has its type, statuses are the ones
 * the real API returns, and list entries are never `null`. Optional lists and `tags` are filled in empty.
 * The input is not modified (zod builds a new value).
 *
 * Before the schema, the configuration's shape guard (lib/config/context.ts `shapeProblems`, iterative) refuses
 * nesting deeper than any context value may be and keys such as `__proto__` anywhere: zod itself would silently drop
 * a `__proto__` tag key rather than refuse it.
 *
 * @throws WorldFileError naming every problem by its path, e.g.
 *   `world.instances[3].status: "Runing" is not a known status (did you mean Running?); allowed: Pending, ...`.
 */
export function parseWorld(json: unknown): World {
  const shape = shapeProblems(json, 'world');
  if (shape.length > 0) {
    throw new WorldFileError(shape.map((p) => `${p.path}: ${p.received} is not allowed here: ${p.allowed}`));
  }
  const parsed = worldSchema.safeParse(json);
  if (!parsed.success) throw new WorldFileError(problemsOf(parsed.error.issues, json));
  return parsed.data;
}
