import { closest } from '../../lib/private/did-you-mean';

/**
 * The world file of the fake cloud: the state the fake serves, loadable from JSON by the replay CLI.
 *
 * @example
 * { "region": "cn-hangzhou", "accountId": "1234567890123456",
 *   "instances": [{ "id": "i-bp1abcdefghij0123456", "status": "Stopped", "tags": { "auto-restart": "true" } }],
 *   "loadBalancers": [{ "id": "lb-bp1...", "vServerGroups": [{ "id": "rsp-bp1...",
 *     "backendServers": [{ "serverId": "i-bp1abcdefghij0123456", "port": 80, "weight": 100 }] }] }],
 *   "scalingGroups": [] }
 */
export interface World {
  readonly region: string;
  readonly accountId: string;
  instances: WorldInstance[];
  loadBalancers: WorldLoadBalancer[];
  scalingGroups: WorldScalingGroup[];
  /** Automatic snapshot policies and the disks they apply to (ApplyAutoSnapshotPolicy adds disks). */
  autoSnapshotPolicies?: WorldAutoSnapshotPolicy[];
}

/** An ECS instance. */
export interface WorldInstance {
  readonly id: string;
  /** `Pending` | `Starting` | `Running` | `Stopping` | `Stopped`. */
  status: string;
  tags: Record<string, string>;
  /** Disks; the first is the system disk, the others are data disks (DescribeDisks). */
  diskIds?: string[];
  /** `InstanceName`; @default the id */
  name?: string;
}

/** A classic SLB instance. */
export interface WorldLoadBalancer {
  readonly id: string;
  vServerGroups: WorldVServerGroup[];
}

/** A vServer group. */
export interface WorldVServerGroup {
  readonly id: string;
  backendServers: WorldBackendServer[];
}

/** A backend server entry. */
export interface WorldBackendServer {
  readonly serverId: string;
  readonly port: number;
  readonly weight: number;
  /** @default ecs */
  readonly type?: string;
}

/** An Auto Scaling group (ESS actions in rpc-actions-ess.ts). */
export interface WorldScalingGroup {
  readonly id: string;
  instanceIds: string[];
  protectedInstanceIds: string[];
  /** Scaling activities and the instances each added (DescribeScalingActivities, DescribeScalingInstances). */
  activities?: WorldScalingActivity[];
}

/** A scaling activity of a group. */
export interface WorldScalingActivity {
  readonly id: string;
  /** Instances the activity added to the group. */
  readonly instanceIds: string[];
  /** @default Successful */
  readonly statusCode?: string;
}

/** An automatic snapshot policy. */
export interface WorldAutoSnapshotPolicy {
  readonly id: string;
  diskIds: string[];
}

/** A deep copy of a world, so tests can reuse a constant. */
export function cloneWorld(world: World): World {
  return structuredClone(world);
}

/** ECS instance statuses (`Status` of DescribeInstances). @see https://www.alibabacloud.com/help/en/ecs/developer-reference/api-describeinstances */
export const INSTANCE_STATUSES = ['Pending', 'Starting', 'Running', 'Stopping', 'Stopped'] as const;

/** SLB backend server types (`Type`, with `Weight` 0-100, of SetVServerGroupAttribute). @see https://www.alibabacloud.com/help/en/slb/api-setvservergroupattribute */
export const BACKEND_SERVER_TYPES = ['ecs', 'eni', 'eci'] as const;

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

/**
 * What one field of a world object must be: records every problem under `at` and returns a copy of the value with
 * defaults filled in. Checks recurse only as deep as the world's shape, so a deeply nested value cannot overflow.
 */
type FieldCheck = (value: unknown, at: string, problems: string[]) => unknown;

interface ObjectShape {
  readonly required: Readonly<Record<string, FieldCheck>>;
  readonly optional: Readonly<Record<string, FieldCheck>>;
  /** Values given to optional fields the fake expects to be there. */
  readonly defaults?: Readonly<Record<string, () => unknown>>;
}

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

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const text: FieldCheck = (value, at, problems) => {
  if (typeof value !== 'string' || value === '') {
    problems.push(`${at}: ${show(value)} is not a non-empty string`);
  }
  return value;
};

function oneOf(what: string, allowed: readonly string[]): FieldCheck {
  return (value, at, problems) => {
    if (typeof value === 'string' && allowed.includes(value)) return value;
    const hint = typeof value === 'string' ? closest(value, allowed) : undefined;
    problems.push(
      `${at}: ${show(value)} is not a known ${what}${hint === undefined ? '' : ` (did you mean ${hint}?)`}; allowed: ${allowed.join(', ')}`,
    );
    return value;
  };
}

function integer(min: number, max: number): FieldCheck {
  return (value, at, problems) => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      problems.push(`${at}: ${show(value)} is not an integer from ${min} to ${max}`);
    }
    return value;
  };
}

function listOf(check: FieldCheck): FieldCheck {
  return (value, at, problems) => {
    if (!Array.isArray(value)) {
      problems.push(`${at}: ${show(value)} is not a list`);
      return value;
    }
    return value.map((item, i) => check(item, `${at}[${i}]`, problems));
  };
}

const tags: FieldCheck = (value, at, problems) => {
  if (!isObject(value)) {
    problems.push(`${at}: ${show(value)} is not an object of tag key to value strings`);
    return value;
  }
  for (const [key, tag] of Object.entries(value)) {
    if (typeof tag !== 'string') problems.push(`${at}.${key}: ${show(tag)} is not a string`);
  }
  return { ...value };
};

function object(shape: ObjectShape): FieldCheck {
  const known = [...Object.keys(shape.required), ...Object.keys(shape.optional)];
  return (value, at, problems) => {
    if (!isObject(value)) {
      problems.push(`${at}: ${show(value)} is not an object with ${known.join(', ')}`);
      return value;
    }
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      if (known.includes(key)) continue;
      const hint = closest(key, known);
      problems.push(
        `${at}: "${key}" is not a known key${hint === undefined ? '' : ` (did you mean ${hint}?)`}; allowed: ${known.join(', ')}`,
      );
    }
    for (const [key, check] of Object.entries(shape.required)) {
      if (!Object.hasOwn(value, key)) problems.push(`${at}.${key}: missing`);
      else copy[key] = check(value[key], `${at}.${key}`, problems);
    }
    for (const [key, check] of Object.entries(shape.optional)) {
      const fill = shape.defaults?.[key];
      if (Object.hasOwn(value, key)) copy[key] = check(value[key], `${at}.${key}`, problems);
      else if (fill !== undefined) copy[key] = fill();
    }
    return copy;
  };
}

const instance = object({
  required: { id: text, status: oneOf('status', INSTANCE_STATUSES) },
  optional: { tags, diskIds: listOf(text), name: text },
  defaults: { tags: () => ({}) },
});

const loadBalancer = object({
  required: { id: text },
  optional: {
    vServerGroups: listOf(
      object({
        required: { id: text },
        optional: {
          backendServers: listOf(
            object({
              required: { serverId: text, port: integer(1, 65535), weight: integer(0, 100) },
              optional: { type: oneOf('backend server type', BACKEND_SERVER_TYPES) },
            }),
          ),
        },
        defaults: { backendServers: () => [] },
      }),
    ),
  },
  defaults: { vServerGroups: () => [] },
});

const scalingGroup = object({
  required: { id: text },
  optional: {
    instanceIds: listOf(text),
    protectedInstanceIds: listOf(text),
    activities: listOf(
      object({
        required: { id: text, instanceIds: listOf(text) },
        optional: { statusCode: oneOf('scaling activity status code', SCALING_ACTIVITY_STATUS_CODES) },
      }),
    ),
  },
  defaults: { instanceIds: () => [], protectedInstanceIds: () => [] },
});

const world = object({
  required: { region: text, accountId: text },
  optional: {
    instances: listOf(instance),
    loadBalancers: listOf(loadBalancer),
    scalingGroups: listOf(scalingGroup),
    autoSnapshotPolicies: listOf(
      object({ required: { id: text }, optional: { diskIds: listOf(text) }, defaults: { diskIds: () => [] } }),
    ),
  },
  defaults: { instances: () => [], loadBalancers: () => [], scalingGroups: () => [] },
});

/**
 * Validates a world loaded from JSON, fully: every key is known, every value has its type, statuses are the ones
 * the real API returns, and list entries are never `null`. Optional lists and `tags` are filled in empty.
 * The input is not modified.
 *
 * @throws WorldFileError naming every problem by its path, e.g.
 *   `world.instances[3].status: "Runing" is not a known status (did you mean Running?); allowed: Pending, ...`.
 */
export function parseWorld(json: unknown): World {
  const problems: string[] = [];
  const parsed = world(json, 'world', problems);
  if (problems.length > 0) throw new WorldFileError(problems);
  return parsed as World;
}
