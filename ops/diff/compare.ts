import { type AssemblyTemplates, groupTemplateNames, type Template } from './assembly';
import type {
  ChangeAction,
  DiffReport,
  DiffSummary,
  PathChange,
  ResourceChange,
  Risk,
  StackDiff,
  StatefulAtRisk,
} from './model';
import { replacementSource } from './replacement-properties';
import { STATEFUL_TYPES } from './stateful-types';
import { formatPath, type LeafChange, type PathSegment, structuralChanges, valueAt } from './structural';

/** The FC function property that names the code object (content-addressed: `ecs-event-ops/<handler>/<sha256>.zip`). */
const CODE_OBJECT_PATH = ['Properties', 'Code', 'OssObjectName'] as const;
/** The FC function property that holds the code inline (a stack group's template with `fleet.codeSource` inline). */
const CODE_ZIP_PATH = ['Properties', 'Code', 'ZipFile'] as const;
const FC_FUNCTION = 'ALIYUN::FC::Function';

/**
 * The changed values of a change under one top-level entry (`Properties.FilterPattern`, `DependsOn`, `Value`, or a
 * template section), with the entry's whole old and new values, for a readable rendering.
 */
export interface ChangeGroup {
  /** The entry's path, e.g. `Properties.FilterPattern`. */
  readonly path: string;
  /** The entry's value in base (`undefined` when it is absent there). */
  readonly old: unknown;
  /** The entry's value in head (`undefined` when it is absent there). */
  readonly new: unknown;
  /** The changed values under the entry (those of {@link ResourceChange.paths}). */
  readonly leaves: readonly PathChange[];
  /** The reference page saying ROS cannot update this property in place, when that is why the risk is `replace`. */
  readonly replacementSource?: string;
}

/** What a renderer needs beyond the JSON report for one change. */
export interface ChangeDetail {
  readonly groups: readonly ChangeGroup[];
  /** The resource's `DeletionPolicy` in base, for a removed or replaced resource. */
  readonly deletionPolicy?: string;
  /** The whole resource or entry, for an added (head's) or removed (base's) one. */
  readonly entity?: unknown;
}

/** The result of comparing two assemblies: the JSON report, and per change the detail a renderer uses. */
export interface Comparison {
  readonly report: DiffReport;
  readonly details: ReadonlyMap<ResourceChange, ChangeDetail>;
}

type Entries = Readonly<Record<string, unknown>>;

/**
 * Compares two cloud assemblies stack by stack (matched by name) with a structural diff of their templates, and
 * rates every change (see {@link Risk}).
 *
 * @example compareAssemblies(readAssembly('cdk.out.base'), readAssembly('cdk.out')).report.summary
 */
export function compareAssemblies(base: AssemblyTemplates, head: AssemblyTemplates): Comparison {
  const details = new Map<ResourceChange, ChangeDetail>();
  const names = [...new Set([...base.keys(), ...head.keys()])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const groups = new Set([...groupTemplateNames(base), ...groupTemplateNames(head)]);
  const stacks = names.map((name) => {
    const diff = compareStack(name, base.get(name), head.get(name), details);
    return groups.has(name) ? { ...diff, fleetWide: true as const } : diff;
  });
  return { report: { stacks, summary: summarize(stacks) }, details };
}

function compareStack(
  stack: string,
  base: Template | undefined,
  head: Template | undefined,
  details: Map<ResourceChange, ChangeDetail>,
): StackDiff {
  const changes: ResourceChange[] = [];
  const record = (change: ResourceChange, detail: ChangeDetail) => {
    changes.push(change);
    details.set(change, detail);
  };
  const baseResources = section(base, 'Resources');
  const headResources = section(head, 'Resources');
  for (const id of unionKeys(baseResources, headResources)) {
    const change = compareResource(id, baseResources[id], headResources[id]);
    if (change !== undefined) record(change.change, change.detail);
  }
  for (const [name, type] of [
    ['Parameters', 'Parameter'],
    ['Outputs', 'Output'],
  ] as const) {
    const before = section(base, name);
    const after = section(head, name);
    for (const key of unionKeys(before, after)) {
      const change = compareEntry(key, type, before[key], after[key], []);
      if (change !== undefined) record(change.change, change.detail);
    }
  }
  for (const name of unionKeys(base ?? {}, head ?? {})) {
    if (name === 'Resources' || name === 'Parameters' || name === 'Outputs') continue;
    const change = compareEntry(name, 'Template', base?.[name], head?.[name], [name]);
    if (change !== undefined) record(change.change, change.detail);
  }
  const status =
    base === undefined ? 'added' : head === undefined ? 'removed' : changes.length > 0 ? 'changed' : 'unchanged';
  return { stack, status, changes };
}

function compareResource(
  logicalId: string,
  before: unknown,
  after: unknown,
): { change: ResourceChange; detail: ChangeDetail } | undefined {
  const type = String((asEntries(after) ?? asEntries(before))?.Type);
  const deletionPolicy = asEntries(before)?.DeletionPolicy;
  const policy = typeof deletionPolicy === 'string' ? { deletionPolicy } : {};
  if (before === undefined || after === undefined) {
    const action: ChangeAction = before === undefined ? 'add' : 'remove';
    const groups = wholeEntries(asEntries(before ?? after) ?? {}, action);
    const change = {
      logicalId,
      type,
      action,
      risk: action === 'add' ? 'none' : 'delete',
      paths: groups.flatMap((g) => g.leaves),
    } as const;
    return { change, detail: { groups, entity: before ?? after, ...policy } };
  }
  let leaves = structuralChanges(before, after);
  let codeChanged = false;
  if (type === FC_FUNCTION) {
    const remaining = leaves.filter(
      (leaf) => !samePath(leaf.segments, CODE_OBJECT_PATH) && !samePath(leaf.segments, CODE_ZIP_PATH),
    );
    codeChanged = remaining.length < leaves.length;
    leaves = remaining;
  }
  if (leaves.length === 0 && !codeChanged) return undefined;
  const groups = groupLeaves(leaves, before, after, (segments) =>
    segments[0] === 'Properties' && typeof segments[1] === 'string' ? replacementSource(type, segments[1]) : undefined,
  );
  const replaced = leaves.some((leaf) => leaf.segments.length === 1 && leaf.segments[0] === 'Type');
  const risk: Risk = replaced || groups.some((g) => g.replacementSource !== undefined) ? 'replace' : 'update';
  const change: ResourceChange = {
    logicalId,
    type,
    action: 'update',
    risk,
    paths: groups.flatMap((g) => g.leaves),
    ...(codeChanged ? { codeChanged: true as const } : {}),
  };
  return { change, detail: { groups, ...(risk === 'replace' ? policy : {}) } };
}

/** A change of a parameter, an output or a template section: risk `none` when added, else `update`. */
function compareEntry(
  logicalId: string,
  type: string,
  before: unknown,
  after: unknown,
  prefix: readonly PathSegment[],
): { change: ResourceChange; detail: ChangeDetail } | undefined {
  if (before === undefined && after === undefined) return undefined;
  let groups: ChangeGroup[];
  let action: ChangeAction;
  if (before === undefined || after === undefined) {
    action = before === undefined ? 'add' : 'remove';
    const value = before ?? after;
    const entries = asEntries(value);
    groups =
      prefix.length === 0 && entries !== undefined
        ? wholeEntries(entries, action)
        : [wholeGroup(prefix, before, after)];
  } else {
    const leaves = structuralChanges(before, after).map((leaf) => ({
      ...leaf,
      segments: [...prefix, ...leaf.segments],
    }));
    if (leaves.length === 0) return undefined;
    action = 'update';
    groups = prefix.length === 0 ? groupLeaves(leaves, before, after) : [wholeGroup(prefix, before, after, leaves)];
  }
  const risk: Risk = action === 'add' ? 'none' : 'update';
  const change: ResourceChange = { logicalId, type, action, risk, paths: groups.flatMap((g) => g.leaves) };
  return { change, detail: { groups, ...(action === 'update' ? {} : { entity: before ?? after }) } };
}

/** One group per top-level entry of an added or removed resource or entry (`Properties` split by property). */
function wholeEntries(entries: Entries, action: ChangeAction): ChangeGroup[] {
  const groups: ChangeGroup[] = [];
  for (const [key, value] of Object.entries(entries)) {
    if (key === 'Type') continue;
    const nested = key === 'Properties' ? asEntries(value) : undefined;
    const items: [PathSegment[], unknown][] =
      nested !== undefined ? Object.entries(nested).map(([p, v]) => [[key, p], v]) : [[[key], value]];
    for (const [segments, v] of items) {
      groups.push(action === 'add' ? wholeGroup(segments, undefined, v) : wholeGroup(segments, v, undefined));
    }
  }
  return groups;
}

function wholeGroup(
  segments: readonly PathSegment[],
  before: unknown,
  after: unknown,
  leaves?: readonly LeafChange[],
): ChangeGroup {
  const path = formatPath(segments);
  return {
    path,
    old: before,
    new: after,
    leaves: leaves?.map(toPathChange) ?? [toPathChange({ segments, old: before, new: after })],
  };
}

/** Groups leaves by top-level entry: `Properties.<name>` for a property, else the first key. */
function groupLeaves(
  leaves: readonly LeafChange[],
  before: unknown,
  after: unknown,
  sourceOf: (segments: readonly PathSegment[]) => string | undefined = () => undefined,
): ChangeGroup[] {
  const groups = new Map<string, { segments: PathSegment[]; leaves: PathChange[] }>();
  for (const leaf of leaves) {
    const segments = leaf.segments.slice(0, leaf.segments[0] === 'Properties' && leaf.segments.length > 1 ? 2 : 1);
    const key = formatPath(segments);
    const group = groups.get(key) ?? { segments, leaves: [] };
    group.leaves.push(toPathChange(leaf));
    groups.set(key, group);
  }
  return [...groups.entries()].map(([path, group]) => {
    const source = sourceOf(group.segments);
    return {
      path,
      old: valueAt(before, group.segments),
      new: valueAt(after, group.segments),
      leaves: group.leaves,
      ...(source !== undefined ? { replacementSource: source } : {}),
    };
  });
}

function toPathChange(leaf: LeafChange): PathChange {
  return {
    path: formatPath(leaf.segments),
    ...(leaf.old !== undefined ? { old: leaf.old } : {}),
    ...(leaf.new !== undefined ? { new: leaf.new } : {}),
  };
}

function summarize(stacks: readonly StackDiff[]): DiffSummary {
  let add = 0;
  let remove = 0;
  let update = 0;
  let replace = 0;
  const statefulAtRisk: StatefulAtRisk[] = [];
  for (const stack of stacks) {
    for (const change of stack.changes) {
      if (change.action === 'add') add += 1;
      else if (change.action === 'remove') remove += 1;
      else if (change.risk === 'replace') replace += 1;
      else update += 1;
      if (STATEFUL_TYPES.has(change.type) && (change.risk === 'replace' || change.risk === 'delete')) {
        statefulAtRisk.push({ stack: stack.stack, logicalId: change.logicalId, type: change.type, risk: change.risk });
      }
    }
  }
  const fleetWideRollout = stacks.filter((s) => s.fleetWide === true && s.status !== 'unchanged').map((s) => s.stack);
  return { add, remove, update, replace, statefulAtRisk, ...(fleetWideRollout.length > 0 ? { fleetWideRollout } : {}) };
}

function section(template: Template | undefined, name: string): Entries {
  return asEntries(template?.[name]) ?? {};
}

function asEntries(value: unknown): Entries | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Entries) : undefined;
}

/** Keys of `after` in order, then the keys only `before` has. */
function unionKeys(before: Entries, after: Entries): string[] {
  return [...new Set([...Object.keys(after), ...Object.keys(before)])];
}

function samePath(a: readonly PathSegment[], b: readonly PathSegment[]): boolean {
  return a.length === b.length && a.every((segment, i) => segment === b[i]);
}
