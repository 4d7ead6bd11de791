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

/** Validates a world loaded from JSON; throws naming the first bad field. */
export function parseWorld(json: unknown): World {
  const fail = (path: string, expected: string): never => {
    throw new Error(`world file: "${path}" must be ${expected}`);
  };
  if (typeof json !== 'object' || json === null) return fail('$', 'an object');
  const w = json as Record<string, unknown>;
  if (typeof w.region !== 'string') fail('region', 'a string');
  if (typeof w.accountId !== 'string') fail('accountId', 'a string');
  for (const key of ['instances', 'loadBalancers', 'scalingGroups']) {
    if (w[key] === undefined) w[key] = [];
    if (!Array.isArray(w[key])) fail(key, 'an array');
  }
  (w.instances as unknown[]).forEach((item, i) => {
    const inst = item as Record<string, unknown>;
    if (typeof inst.id !== 'string') fail(`instances[${i}].id`, 'a string');
    if (typeof inst.status !== 'string') fail(`instances[${i}].status`, 'a string');
    if (inst.tags === undefined) inst.tags = {};
  });
  return structuredClone(w) as unknown as World;
}
