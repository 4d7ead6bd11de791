/**
 * The report of `npm run diff -- --format json`: a stable shape, versioned with this file. Fields are only ever
 * added; an optional field is left out (not `null`) when it does not apply.
 *
 * ```json
 * {
 *   "stacks": [
 *     {
 *       "stack": "ecs-event-ops-cn-hangzhou",
 *       "status": "changed",
 *       "changes": [
 *         {
 *           "logicalId": "Archive",
 *           "type": "ALIYUN::OSS::Bucket",
 *           "action": "update",
 *           "risk": "replace",
 *           "paths": [{ "path": "Properties.BucketName", "old": "…", "new": "…" }]
 *         }
 *       ]
 *     }
 *   ],
 *   "summary": {
 *     "add": 0, "remove": 0, "update": 0, "replace": 1,
 *     "statefulAtRisk": [{ "stack": "ecs-event-ops-cn-hangzhou", "logicalId": "Archive",
 *                          "type": "ALIYUN::OSS::Bucket", "risk": "replace" }]
 *   }
 * }
 * ```
 *
 * Stacks are sorted by name; changes keep template order (head's, then what only base has), resources first,
 * then `Parameters`, `Outputs` and the other template sections.
 */
export interface DiffReport {
  /** One entry per stack in base or head, matched by stack name, sorted by name. */
  readonly stacks: readonly StackDiff[];
  readonly summary: DiffSummary;
}

/**
 * How a stack differs: `added` (only in head: every resource is an `add`), `removed` (only in base: every resource
 * is a `remove`), `changed`, or `unchanged` (no changes).
 */
export type StackStatus = 'added' | 'removed' | 'changed' | 'unchanged';

/** What happens to a resource: created, deleted, or changed (in place or by replacement, see {@link Risk}). */
export type ChangeAction = 'add' | 'remove' | 'update';

/**
 * What a deploy risks: `none` for an addition, `update` for an in-place update, `replace` when a property ROS cannot
 * update in place changes (see `REPLACEMENT_PROPERTIES`) or the resource type changes, `delete` for a removal.
 */
export type Risk = 'none' | 'update' | 'replace' | 'delete';

/** The differences of one stack. */
export interface StackDiff {
  /** The stack name (`<namePrefix>-<region>`). */
  readonly stack: string;
  readonly status: StackStatus;
  readonly changes: readonly ResourceChange[];
  /**
   * Present (and `true`) when this is not a stack but the template a stack group deploys (`<fleet stack>-template`):
   * deploying its changes updates the stacks of every target account and region of the group.
   */
  readonly fleetWide?: true;
}

/**
 * One changed resource, or one changed template entry.
 *
 * Resources have their ROS type in `type`. Template entries use pseudo types: `Parameter` and `Output` (with the
 * parameter or output name in `logicalId`), and `Template` for any other section (`Description`, `Metadata`,
 * `Conditions`, `Mappings`, …, with the section name in `logicalId`); their risk is `none` when added, else
 * `update`.
 */
export interface ResourceChange {
  readonly logicalId: string;
  readonly type: string;
  readonly action: ChangeAction;
  readonly risk: Risk;
  /**
   * The changed values. A path is relative to the resource (`Properties.FilterPattern.type[0]`, `DependsOn[1]`),
   * output or parameter (`Value`); for other template sections it starts with the section name (`Description`).
   * Keys are joined with `.`, array items are `[index]` (a key that is not a plain identifier is written
   * `["key"]`). `old` is left out for an added value, `new` for a removed one. An added or removed resource lists
   * its top-level entries (`Properties.RuleName`, …). Array items are matched by content (or by `Id`, `ID`,
   * `PolicyName`, `ResourceKey`, `Key`), so an inserted item is one added path, not a shift of all the others.
   */
  readonly paths: readonly PathChange[];
  /**
   * Present (and `true`) when an FC function's code asset changed (`Properties.Code.OssObjectName`, the bundle's
   * content hash); that path is then left out of `paths`.
   */
  readonly codeChanged?: true;
}

/** One changed value; see {@link ResourceChange.paths}. */
export interface PathChange {
  readonly path: string;
  readonly old?: unknown;
  readonly new?: unknown;
}

/**
 * Counts of all changes of all stacks, one bucket per change: `add` (action `add`), `remove` (action `remove`),
 * `update` (action `update`, risk `update`) and `replace` (action `update`, risk `replace`); they add up to the
 * number of changes.
 */
export interface DiffSummary {
  readonly add: number;
  readonly remove: number;
  readonly update: number;
  readonly replace: number;
  /** Stateful resources (`STATEFUL_TYPES`) whose risk is `replace` or `delete`, in report order. */
  readonly statefulAtRisk: readonly StatefulAtRisk[];
  /**
   * The stack-group templates that changed (each a rollout to every target account and region), by name; left out
   * when none did.
   */
  readonly fleetWideRollout?: readonly string[];
}

/** A stateful resource that a deploy would replace or delete. */
export interface StatefulAtRisk {
  readonly stack: string;
  readonly logicalId: string;
  readonly type: string;
  readonly risk: 'replace' | 'delete';
}
