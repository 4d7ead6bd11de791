import { EventFileError } from './errors';

/**
 * Turns a sample event into the EventBridge (CloudEvents) form the rules match and the targets receive.
 *
 * Cloud Monitor (CMS) event notifications (`product`, `name`, `content`, `regionId`, `eventTime`, `userId`, `id`) are
 * converted with the mapping the handlers use (lambda-src/commons/envelope.ts):
 *   source          = `acs.` + lower-case(product)                    ECS -> acs.ecs
 *   type            = lower-case(product) + `:` + name without the trailing `:<status>` of system events
 *                     (`Instance:SystemMaintenance.Reboot:Scheduled` -> `ecs:Instance:SystemMaintenance.Reboot`)
 *   data            = content
 *   id              = id
 *   time            = eventTime, rewritten to RFC 3339 when in the CMS compact form (`20240520T101530.123+0800`)
 *   subject         = resourceId (the instance ARN), when present
 *   aliyunregionid  = regionId, aliyunaccountid = userId, specversion = "1.0"
 * ASSUMPTION (alibaba-facts.md 2.2, 3): Alibaba does not document that EventBridge `data` equals CMS `content`, nor
 * whether the system-event status is part of the EventBridge `type`; the handlers assume both, and so does replay.
 *
 * @see https://help.aliyun.com/en/ecs/user-guide/overview-35
 */

/** An event in EventBridge form. */
export interface CloudEvent {
  readonly specversion: string;
  readonly id: string;
  readonly source: string;
  readonly type: string;
  readonly [field: string]: unknown;
}

/** How the file was written. */
export type EventFileFormat = 'eventbridge' | 'cloudmonitor';

/** A parsed event file. */
export interface ParsedEvent {
  readonly format: EventFileFormat;
  readonly event: CloudEvent;
}

/**
 * Deepest nesting of objects and arrays an event file may have (the event object is level 1). ECS and ESS events are
 * a few levels deep; a deeper file is refused before anything walks it recursively (the matcher, `JSON.stringify`,
 * the handlers), which would otherwise end the whole replay with a stack overflow.
 */
export const MAX_EVENT_DEPTH = 64;

const CMS_TIME = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\.\d+)?([+-]\d{2})(\d{2})$/;

/**
 * Parses the text of an event file, in either format.
 *
 * @throws EventFileError naming the field when the text is not JSON or is neither format.
 */
export function parseEventText(text: string): ParsedEvent {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new EventFileError(`not valid JSON (${(error as Error).message})`, { cause: error });
  }
  const tooDeep = pathDeeperThan(json, MAX_EVENT_DEPTH);
  if (tooDeep !== undefined) {
    throw new EventFileError(`nested deeper than ${MAX_EVENT_DEPTH} levels (at ${tooDeep}); not replayed`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new EventFileError(`must hold a JSON object, got ${Array.isArray(json) ? 'an array' : JSON.stringify(json)}`);
  }
  const record = json as Record<string, unknown>;
  if ('specversion' in record) {
    for (const key of ['id', 'source', 'type']) {
      if (typeof record[key] !== 'string' || record[key] === '') {
        throw new EventFileError(
          `EventBridge event: field "${key}" must be a non-empty string, got ${show(record[key])}`,
        );
      }
    }
    return { format: 'eventbridge', event: record as CloudEvent };
  }
  if ('product' in record && 'name' in record) return { format: 'cloudmonitor', event: fromCloudMonitor(record) };
  throw new EventFileError(
    'is neither an EventBridge event (no "specversion") nor a Cloud Monitor event (no "product" and "name")',
  );
}

/** Converts a Cloud Monitor event notification (see the module comment for the mapping). */
export function fromCloudMonitor(event: Readonly<Record<string, unknown>>): CloudEvent {
  const text = (key: string): string => {
    const value = event[key];
    if (typeof value !== 'string' || value === '') {
      throw new EventFileError(`Cloud Monitor event: field "${key}" must be a non-empty string, got ${show(value)}`);
    }
    return value;
  };
  const product = text('product').toLowerCase();
  const name = text('name');
  const segments = name.split(':');
  if (segments.length < 2 || segments.length > 3 || segments.some((s) => s === '')) {
    throw new EventFileError(
      `Cloud Monitor event: field "name": "${name}" is not an event name; expected <resource>:<event>[:<status>]`,
    );
  }
  const content = event.content;
  if (typeof content !== 'object' || content === null || Array.isArray(content)) {
    throw new EventFileError(`Cloud Monitor event: field "content" must be a JSON object, got ${show(content)}`);
  }
  const optional = (key: string): string | undefined => (typeof event[key] === 'string' ? event[key] : undefined);
  const eventTime = optional('eventTime');
  const cms = eventTime === undefined ? null : CMS_TIME.exec(eventTime);
  const time =
    cms === null
      ? eventTime
      : `${cms[1]}-${cms[2]}-${cms[3]}T${cms[4]}:${cms[5]}:${cms[6]}${cms[7] ?? ''}${cms[8]}:${cms[9]}`;
  const converted: Record<string, unknown> = {
    specversion: '1.0',
    id: text('id'),
    source: `acs.${product}`,
    type: `${product}:${segments[0]}:${segments[1]}`,
    subject: optional('resourceId'),
    time,
    datacontenttype: 'application/json',
    data: content,
    aliyunaccountid: optional('userId'),
    aliyunregionid: optional('regionId'),
  };
  for (const key of Object.keys(converted)) if (converted[key] === undefined) delete converted[key];
  return converted as CloudEvent;
}

/** The path of the first value nested deeper than `max` levels, found without recursion; undefined when none is. */
function pathDeeperThan(root: unknown, max: number): string | undefined {
  const stack: { value: unknown; depth: number; at: string }[] = [{ value: root, depth: 0, at: '$' }];
  while (stack.length > 0) {
    const { value, depth, at } = stack.pop() as { value: unknown; depth: number; at: string };
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= max) return at.length > 80 ? `${at.slice(0, 77)}...` : at;
    for (const [key, child] of Object.entries(value)) {
      stack.push({ value: child, depth: depth + 1, at: Array.isArray(value) ? `${at}[${key}]` : `${at}.${key}` });
    }
  }
  return undefined;
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}
