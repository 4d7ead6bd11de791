import * as fs from 'node:fs';
import { readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { join } from 'node:path';
import { LEDGER_RECORD_FIELD, type LedgerRecord, parseLedgerLine } from '../../contract/ledger';
import type { FcContext } from '../../lambda-src/commons/context';
import { DEFAULT_RETRY_POLICY } from '../../lambda-src/commons/retry';
import { FakeCloud, type Fault, TEST_CREDENTIALS, type World } from '../../ops/fake-cloud';

/** The instance id used by the fixtures. */
export const INSTANCE_ID = 'i-bp1abcdefghij0123456';
/** The archive bucket used by tests. */
export const BUCKET = 'eeo-archive-test';
/** Region of the fixtures and the fake world. */
export const REGION = 'cn-hangzhou';

const FIXTURES = join(__dirname, '..', 'fixtures', 'events');

/** A fixture as a parsed JSON object (a fresh copy, safe to modify). */
export function fixture(source: string, variant: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(FIXTURES, source, `${variant}.json`), 'utf8')) as Record<string, unknown>;
}

/** The invocation payload FC passes: the event JSON as a Buffer. */
export function payload(event: unknown): Buffer {
  return Buffer.from(JSON.stringify(event));
}

/** A fixture open for modification; `data` (EventBridge) / `content` (Cloud Monitor) typed as objects. */
export type MutableEvent = Record<string, unknown> & {
  data?: Record<string, unknown>;
  content?: Record<string, unknown>;
};

/** A clone of a fixture with `change` applied: the way negative fixtures are built. */
export function variantOf(source: string, variant: string, change: (event: MutableEvent) => void): Buffer {
  const event = fixture(source, variant) as MutableEvent;
  change(event);
  return payload(event);
}

let requestCounter = 0;

/** An FC context carrying the fake's credentials. */
export function context(functionName: string, overrides: Partial<FcContext> = {}): FcContext {
  requestCounter += 1;
  return {
    requestId: `req-${requestCounter}`,
    region: REGION,
    accountId: '1234567890123456',
    credentials: TEST_CREDENTIALS,
    function: { name: functionName },
    ...overrides,
  };
}

/** A world with one instance, tweakable per test. */
export function world(overrides: Partial<World> = {}): World {
  return {
    region: REGION,
    accountId: '1234567890123456',
    instances: [
      { id: INSTANCE_ID, status: 'Stopped', tags: { 'auto-restart': 'true' }, diskIds: ['d-bp1disk0000000000001'] },
    ],
    loadBalancers: [],
    scalingGroups: [],
    ...overrides,
  };
}

/** Starts a fake and returns the environment for a handler pointing at it. */
export async function startCloud(
  w: World,
  extraEnv: Record<string, string> = {},
  options: { ossListPageSize?: number } = {},
): Promise<{ cloud: FakeCloud; env: Record<string, string> }> {
  const cloud = await FakeCloud.start({ world: w, ...options });
  return { cloud, env: { ARCHIVE_BUCKET: BUCKET, ...cloud.endpointEnv(), ...extraEnv } };
}

/** Collects log lines written by a handler. */
export function logCapture(): {
  lines: Record<string, unknown>[];
  ledger: LedgerRecord[];
  records: Record<string, unknown>[];
  sink: (line: string) => void;
} {
  const lines: Record<string, unknown>[] = [];
  const ledger: LedgerRecord[] = [];
  const records: Record<string, unknown>[] = [];
  return {
    lines,
    ledger,
    records,
    sink: (line) => {
      // Ledger records (contract/ledger.ts) and other records (a `record` field, e.g. dlq-check's depth records,
      // contract/observability.ts) are kept apart from the invocation log lines.
      const record = parseLedgerLine(line);
      if (record !== undefined) {
        ledger.push(record);
        return;
      }
      const fields = JSON.parse(line) as Record<string, unknown>;
      if (LEDGER_RECORD_FIELD in fields) records.push(fields);
      else lines.push(fields);
    },
  };
}

/** Awaits a promise expected to reject and returns the error. */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the promise to reject');
}

/** The name under which {@link seedSecrets} stores the secret of a variable, e.g. `eeo-test-webhook-token`. */
export function testSecretName(variable: string): string {
  return `eeo-test-${variable.toLowerCase().replace(/_/g, '-')}`;
}

/**
 * The environment a function gets for channel secrets, as the stack passes it: `SECRET_STORE` and
 * `<VARIABLE>_SECRET_NAME` for each variable of `values` (e.g. `{ WEBHOOK_TOKEN: 'hook-token' }`).
 */
export function secretEnv(
  values: Readonly<Record<string, string>>,
  store: 'oos' | 'kms' = 'oos',
): Record<string, string> {
  const names = Object.keys(values).map((variable) => [`${variable}_SECRET_NAME`, testSecretName(variable)]);
  return names.length === 0 ? {} : { SECRET_STORE: store, ...Object.fromEntries(names) };
}

/** Puts the values of {@link secretEnv} in the fake's OOS secret parameters (or KMS secrets). */
export function seedSecrets(cloud: FakeCloud, values: Readonly<Record<string, string>>, store: 'oos' | 'kms' = 'oos') {
  const target = store === 'oos' ? cloud.secrets.parameters : cloud.secrets.kmsSecrets;
  for (const [variable, value] of Object.entries(values)) target.set(testSecretName(variable), value);
}

/** In-invocation retries without real waiting (handler option `retry`); `waits` records the backoffs asked for. */
export function instantRetries(): { retry: { sleep: (ms: number) => Promise<void> }; waits: number[] } {
  const waits: number[] = [];
  return { retry: { sleep: async (ms: number) => void waits.push(ms) }, waits };
}

/** Injects `fault` on every attempt a handler makes in one invocation, so the failure reaches Function Compute. */
export function failEveryAttempt(cloud: FakeCloud, action: string, fault: Fault): void {
  for (let i = 0; i < DEFAULT_RETRY_POLICY.attempts; i++) cloud.failNext(action, fault);
}

/** Sets an event's time to now, in its own format (the action automations skip events older than their age limit). */
export function stampNow(event: Record<string, unknown>): void {
  const iso = new Date().toISOString();
  if ('time' in event) event.time = iso;
  // Cloud Monitor's compact form: 20240520T101530.123+0000.
  if ('eventTime' in event) event.eventTime = `${iso.slice(0, 19).replace(/[-:]/g, '')}.${iso.slice(20, 23)}+0000`;
}

/** A copy of an event fixture file, timed now, in a fresh temporary folder; returns its path. */
export function freshFixtureFile(file: string): string {
  const event = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  stampNow(event);
  const fresh = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'eeo-fresh-')), path.basename(file));
  fs.writeFileSync(fresh, JSON.stringify(event, null, 2));
  return fresh;
}
