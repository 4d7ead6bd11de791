import type { LedgerRecord } from '../../contract/ledger';
import { LEDGER_RECORD_FIELD } from '../../contract/ledger';
import {
  DLQ_DEPTH_KEYS,
  type DlqDepthRecord,
  EVENT_INDEX_KEYS,
  eventField,
  logLineField,
} from '../../contract/observability';

/** The SLS index types of a JSON key (`ALIYUN::SLS::Index` `JsonKeyIndices[].Type`). */
export type JsonKeyType = 'text' | 'long' | 'double';

/** One indexed JSON key: its name under the JSON field and its type. Analytics is on for every key we declare. */
export interface IndexedKey {
  readonly name: string;
  readonly type: JsonKeyType;
}

/**
 * The ledger's fields as indexed in the function logstore (JSON keys of `message`). Typed as a record over
 * `keyof LedgerRecord`, so a field added to contract/ledger.ts fails the build until it is indexed here.
 *
 * `calls` is an array of objects: SLS indexes a JSON key that holds an array as its text (UNCONFIRMED; the SLS JSON
 * index docs do not say how an array of objects is tokenized). The queries never depend on it: "all actions on
 * i-x" matches the instance id through the full-text index, which the logstore keeps.
 */
export const LEDGER_KEY_TYPES: Readonly<Record<keyof LedgerRecord, JsonKeyType>> = {
  eventId: 'text',
  automation: 'text',
  decision: 'text',
  reason: 'text',
  calls: 'text',
  durationMs: 'long',
  dryRun: 'text',
  ageOverrideHours: 'long',
};

/** The dead-letter depth record's keys (contract/observability.ts) as indexed: the counts are numbers. */
const DLQ_DEPTH_KEY_TYPES: Readonly<Record<keyof DlqDepthRecord, JsonKeyType>> = {
  queue: 'text',
  active: 'long',
  inactive: 'long',
  delayed: 'long',
  total: 'long',
};

/**
 * Every JSON key of `message` indexed in the function logstore: `record` (which marks ledger and depth lines), the
 * ledger's fields and the depth record's, each once.
 */
export const FUNCTION_LOG_KEYS: readonly IndexedKey[] = [
  { name: LEDGER_RECORD_FIELD, type: 'text' },
  ...Object.entries(LEDGER_KEY_TYPES).map(([name, type]) => ({ name, type })),
  ...DLQ_DEPTH_KEYS.filter((name) => !(name in LEDGER_KEY_TYPES)).map((name) => ({
    name,
    type: DLQ_DEPTH_KEY_TYPES[name],
  })),
];

/** Every JSON key of `content` indexed in the events logstore (all text). */
export const EVENT_KEYS: readonly IndexedKey[] = Object.values(EVENT_INDEX_KEYS).map((name) => ({
  name,
  type: 'text' as const,
}));

/** The searchable field names of each logstore, with their type, as the query checker needs them. */
export const SEARCHABLE_FIELDS = {
  events: new Map<string, JsonKeyType>(
    (Object.keys(EVENT_INDEX_KEYS) as (keyof typeof EVENT_INDEX_KEYS)[]).map((k) => [eventField(k), 'text']),
  ),
  functions: new Map<string, JsonKeyType>(FUNCTION_LOG_KEYS.map((k) => [logLineField(k.name), k.type])),
} as const;

/** A logstore a query runs on. */
export type QueryLogstore = keyof typeof SEARCHABLE_FIELDS;
