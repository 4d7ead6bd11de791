import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  EVENT_CONTENT_FIELD,
  EVENTS_LOGSTORE,
  FUNCTION_LOG_MESSAGE_FIELD,
  FUNCTION_LOGSTORE,
  logProjectName,
} from '../../contract/observability';
import type { FakeCloud, FakeSlsState } from '../fake-cloud';
import type { AssemblyStack } from './assembly';
import { resolveValue } from './assembly';

/**
 * The local replay store: what a replay leaves behind for `npm run trace -- --store <dir>`, one JSON file per region
 * stack (`<dir>/<stack>.json`) holding the fake cloud's SLS logstores and archive bucket after the run. Replay fills
 * the fake SLS as the cloud would: every event it delivers goes to the `events` logstore (as EventBridge's SLS target
 * does), every line a handler writes (ledger records included) to the `functions` logstore (as FC's log shipping
 * does), both in the region's log project (contract/observability.ts).
 */

/** The file of one stack. */
export interface ReplayStoreFile {
  readonly stack: string;
  readonly region: string;
  readonly accountId: string;
  /** The stack's SLS project (contract/observability.ts `logProjectName`). */
  readonly project: string;
  /** The archive bucket as replay resolved it (`<stack>-archive`). */
  readonly archiveBucket: string;
  readonly sls: FakeSlsState;
  /** The archive bucket's objects, key -> body. */
  readonly archive: Readonly<Record<string, string>>;
  /**
   * The bodies left in the region's dead-letter queues (fake MNS), queue name -> bodies, oldest first.
   * @default - none (a store written before dead letters were kept)
   */
  readonly deadLetters?: Readonly<Record<string, readonly string[]>>;
}

/** The default folder: `<assembly>/replay-store`. */
export const DEFAULT_STORE_FOLDER = 'replay-store';

/** The `namePrefix` of a stack named `<namePrefix>-<region>` (contract/naming.ts `stackName`). */
function namePrefixOf(stack: AssemblyStack): string {
  return stack.name.endsWith(`-${stack.region}`) ? stack.name.slice(0, -(stack.region.length + 1)) : stack.name;
}

/** The SLS project replay writes a stack's logs to. */
export function replayProject(stack: AssemblyStack, accountId: string): string {
  return logProjectName(namePrefixOf(stack), accountId, stack.region);
}

/** The archive bucket name replay gives a stack (see `resolveValue`). */
export function replayArchiveBucket(stack: AssemblyStack): string {
  return resolveValue({ 'Fn::GetAtt': [archiveBucketId(stack) ?? 'ArchiveBucket', 'Name'] }, { stack, accountId: '' });
}

function archiveBucketId(stack: AssemblyStack): string | undefined {
  return Object.entries(stack.resources).find(([, r]) => r.Type === 'ALIYUN::OSS::Bucket')?.[0];
}

/**
 * Writes a delivered event to the `events` logstore of the stack's project, as the EventBridge SLS target with
 * `ContentType: JSON` and `Body: ORIGINAL` does (lib/constructs/event-store.ts): the whole event in one field.
 */
export function logDeliveredEvent(cloud: FakeCloud, stack: AssemblyStack, event: Record<string, unknown>): void {
  cloud.sls.append(
    replayProject(stack, cloud.world.accountId),
    EVENTS_LOGSTORE,
    { [EVENT_CONTENT_FIELD]: JSON.stringify(event) },
    Date.now() / 1000,
  );
}

/**
 * Writes a handler's log lines to the `functions` logstore as Function Compute does: each line in `message`, which the
 * stack's JSON index reads (ledger records included, contract/ledger.ts).
 */
export function logHandlerLines(
  cloud: FakeCloud,
  stack: AssemblyStack,
  functionName: string,
  lines: readonly string[],
): void {
  const project = replayProject(stack, cloud.world.accountId);
  for (const line of lines) {
    cloud.sls.append(
      project,
      FUNCTION_LOGSTORE,
      { functionName, [FUNCTION_LOG_MESSAGE_FIELD]: line },
      Date.now() / 1000,
    );
  }
}

/** Writes the store files of a finished replay into `dir` (created; files of the same stacks replaced). */
export function writeReplayStore(
  dir: string,
  stacks: readonly AssemblyStack[],
  clouds: ReadonlyMap<string, FakeCloud>,
): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const stack of stacks) {
    const cloud = clouds.get(stack.region);
    if (cloud === undefined) continue;
    const project = replayProject(stack, cloud.world.accountId);
    const archiveBucket = replayArchiveBucket(stack);
    const state = cloud.sls.state();
    const queueNames = new Set<string>([
      ...stack.rules.flatMap((r) => r.targets.flatMap((t) => t.deadLetterQueue ?? [])),
      ...stack.functions.flatMap((f) => f.failureQueue ?? []),
    ]);
    const file: ReplayStoreFile = {
      stack: stack.name,
      region: stack.region,
      accountId: cloud.world.accountId,
      project,
      archiveBucket,
      sls: {
        logstores: Object.fromEntries(Object.entries(state.logstores).filter(([id]) => id.startsWith(`${project}/`))),
      },
      archive: Object.fromEntries(
        cloud.listKeys(archiveBucket).map((key) => [key, cloud.getObject(archiveBucket, key) ?? '']),
      ),
      deadLetters: Object.fromEntries(
        cloud.mns
          .queueNames()
          .filter((queue) => queueNames.has(queue))
          .map((queue) => [queue, cloud.mns.bodies(queue)]),
      ),
    };
    fs.writeFileSync(path.join(dir, `${stack.name}.json`), `${JSON.stringify(file)}\n`);
  }
}

/** A store file that cannot be read. */
export class ReplayStoreError extends Error {
  override readonly name = 'ReplayStoreError';
}

/**
 * Reads the store files of `dir`.
 *
 * @throws ReplayStoreError when the folder holds no store file or one is not valid JSON of the expected shape
 */
export function readReplayStore(dir: string): ReplayStoreFile[] {
  if (!fs.existsSync(dir)) {
    throw new ReplayStoreError(`--store "${dir}": the folder does not exist; run npm run replay first`);
  }
  const files = fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort();
  if (files.length === 0) throw new ReplayStoreError(`--store "${dir}": no replay store file (*.json) in it`);
  return files.map((name) => {
    const file = path.join(dir, name);
    let value: unknown;
    try {
      value = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (cause) {
      throw new ReplayStoreError(`replay store file ${file} is not valid JSON: ${(cause as Error).message}`, { cause });
    }
    const v = value as Partial<ReplayStoreFile> | null;
    if (
      typeof v !== 'object' ||
      v === null ||
      typeof v.region !== 'string' ||
      typeof v.project !== 'string' ||
      typeof v.archiveBucket !== 'string' ||
      typeof v.accountId !== 'string' ||
      typeof v.sls?.logstores !== 'object' ||
      typeof v.archive !== 'object' ||
      (v.deadLetters !== undefined && (typeof v.deadLetters !== 'object' || v.deadLetters === null))
    ) {
      throw new ReplayStoreError(
        `replay store file ${file} is not one replay writes (needs stack, region, accountId, project, archiveBucket, sls, archive)`,
      );
    }
    return v as ReplayStoreFile;
  });
}
