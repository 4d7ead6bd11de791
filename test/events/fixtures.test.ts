import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { SLS_ALERT_SOURCES, SLS_ALERT_TYPE } from '../../contract/observability';
import {
  EVENT_CATALOGUE,
  type FieldSchema,
  findEventType,
  SYSTEM_EVENT_CATEGORIES,
  SYSTEM_EVENT_STATUSES,
} from '../../lib/events/catalogue';

/**
 * Keeps the sample events in test/fixtures/events consistent with the event catalogue: every catalogue type has an
 * EventBridge fixture, every fixture is a well-formed envelope of a catalogue type whose payload fits the documented
 * schema, and no two fixtures share an id. Fixtures are `<source>/<name>.json` (EventBridge CloudEvents) or
 * `<source>/<name>.cms.json` (Cloud Monitor notifications). SLS alerts are in `acs.sls/` (the SLS event format writes
 * their source `acs:sls`, which is no portable directory name) and follow that format, not the ECS envelope's.
 */

/** The directory of SLS alert fixtures. */
const SLS_DIR = 'acs.sls';

const ROOT = join(__dirname, '..', 'fixtures', 'events');

type Json = Record<string, unknown>;

interface Fixture {
  /** `<source>/<file>`, for messages. */
  readonly path: string;
  /** The directory name, which is the event source. */
  readonly dir: string;
  /** The file name without `.json` / `.cms.json`. */
  readonly name: string;
  readonly json: Json;
}

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function loadFixtures(): { eventBridge: Fixture[]; cloudMonitor: Fixture[]; slsAlerts: Fixture[] } {
  const eventBridge: Fixture[] = [];
  const slsAlerts: Fixture[] = [];
  const cloudMonitor: Fixture[] = [];
  for (const dir of readdirSync(ROOT).sort()) {
    for (const file of readdirSync(join(ROOT, dir)).sort()) {
      if (!file.endsWith('.json')) continue;
      const path = `${dir}/${file}`;
      const json: unknown = JSON.parse(readFileSync(join(ROOT, dir, file), 'utf8'));
      assert.ok(isRecord(json), `${path} must hold a JSON object`);
      if (dir === SLS_DIR) slsAlerts.push({ path, dir, name: file.slice(0, -'.json'.length), json });
      else if (file.endsWith('.cms.json'))
        cloudMonitor.push({ path, dir, name: file.slice(0, -'.cms.json'.length), json });
      else eventBridge.push({ path, dir, name: file.slice(0, -'.json'.length), json });
    }
  }
  return { eventBridge, cloudMonitor, slsAlerts };
}

const { eventBridge, cloudMonitor, slsAlerts } = loadFixtures();

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const CMS_TIME = /^\d{8}T\d{6}(\.\d+)?[+-]\d{4}$/;
const CMS_LEVELS = ['INFO', 'WARN', 'CRITICAL'];
const STATUSES: readonly string[] = SYSTEM_EVENT_STATUSES;

/** The file-name stem of a type: `ecs:Instance:SystemMaintenance.Reboot` -> `instance-systemmaintenance-reboot`. */
function stemOf(type: string): string {
  return type.split(':').slice(1).join('-').replace(/\./g, '-').toLowerCase();
}

/** Problems of `value` against `schema`, as `<path>: <problem>` strings. */
function schemaProblems(value: unknown, schema: FieldSchema, path: string): string[] {
  const actual = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
  if (actual !== schema.type) return [`${path}: expected ${schema.type}, got ${actual}`];
  if (schema.values !== undefined && !schema.values.includes(value as string)) {
    return [`${path}: ${JSON.stringify(value)} is not one of ${schema.values.join(', ')}`];
  }
  if (schema.type === 'object' && schema.fields !== undefined) {
    return fieldsProblems(value as Json, schema.fields, path);
  }
  return [];
}

/** Problems of an object against documented fields: unknown keys and bad values. */
function fieldsProblems(object: Json, fields: Readonly<Record<string, FieldSchema>>, path: string): string[] {
  return Object.entries(object).flatMap(([key, value]) => {
    const schema = fields[key];
    if (schema === undefined) return [`${path}.${key}: not a documented field`];
    return schemaProblems(value, schema, `${path}.${key}`);
  });
}

/** Cloud Monitor name without a trailing `:<status>`: `Instance:SystemFailure.Reboot:Executing` -> `…Reboot`. */
function cmsBaseName(name: string): string {
  const segments = name.split(':');
  return segments.length === 3 && STATUSES.includes(segments[2]) ? segments.slice(0, 2).join(':') : name;
}

function assertString(json: Json, key: string, path: string): string {
  const value = json[key];
  assert.equal(typeof value, 'string', `${path}: "${key}" must be a string, got ${JSON.stringify(value)}`);
  assert.notEqual(value, '', `${path}: "${key}" must not be empty`);
  return value as string;
}

describe('event fixtures', () => {
  test('every catalogue entry without a variant has an EventBridge fixture of its type', () => {
    const covered = new Set([...eventBridge, ...slsAlerts].map((f) => `${f.json.source} ${f.json.type}`));
    const missing = EVENT_CATALOGUE.filter((spec) => spec.variant === undefined)
      .map((spec) => `${spec.source} ${spec.type}`)
      .filter((key) => !covered.has(key));

    assert.deepEqual(missing, []);
  });

  for (const fixture of eventBridge) {
    test(`${fixture.path} is a CloudEvents envelope with the Alibaba extensions`, () => {
      const { json, path } = fixture;
      assert.equal(json.specversion, '1.0', `${path}: specversion`);
      assert.match(assertString(json, 'id', path), UUID, `${path}: id must be UUID style`);
      assert.equal(assertString(json, 'source', path), fixture.dir, `${path}: source must name its directory`);
      assertString(json, 'type', path);
      assert.match(assertString(json, 'time', path), RFC3339, `${path}: time must be RFC 3339`);
      assert.match(assertString(json, 'datacontenttype', path), /^application\/json\b/, `${path}: datacontenttype`);
      assert.ok(isRecord(json.data), `${path}: data must be a JSON object`);
      const account = assertString(json, 'aliyunaccountid', path);
      assert.match(account, /^\d+$/, `${path}: aliyunaccountid must be digits`);
      const region = assertString(json, 'aliyunregionid', path);
      assert.equal(json.aliyuneventbusname, 'default', `${path}: aliyuneventbusname`);
      assertString(json, 'aliyunpublishtime', path);
      const service = fixture.dir.replace(/^acs\./, '');
      const subject = assertString(json, 'subject', path);
      assert.ok(
        subject.startsWith(`acs:${service}:${region}:${account}:`),
        `${path}: subject ${subject} must be an ARN of ${service} in ${region} and account ${account}`,
      );
    });

    test(`${fixture.path} has a catalogue type and the file name of that type`, () => {
      const { json, path } = fixture;
      const spec = findEventType(String(json.type));
      assert.ok(spec !== undefined, `${path}: type ${json.type} is not in the catalogue`);
      assert.equal(spec.source, json.source, `${path}: the catalogue gives ${json.type} the source ${spec.source}`);
      const stem = stemOf(spec.type);
      assert.ok(
        fixture.name === stem || fixture.name.startsWith(`${stem}-`),
        `${path}: the name of a ${spec.type} fixture starts with ${stem}`,
      );
    });

    test(`${fixture.path} has only documented data fields with allowed values`, () => {
      const spec = findEventType(String(fixture.json.type));
      if (spec?.data === undefined) return;
      assert.deepEqual(fieldsProblems(fixture.json.data as Json, spec.data, 'data'), [], fixture.path);
    });
  }

  test('system-event fixtures agree with their type on eventType and eventStatus, and failures have no notBefore', () => {
    const problems: string[] = [];
    const check = (path: string, data: Json, eventType: string | undefined, status: string | undefined): void => {
      if (eventType !== undefined && data.eventType !== eventType) {
        problems.push(`${path}: eventType ${data.eventType}, expected ${eventType}`);
      }
      if (status !== undefined && data.eventStatus !== status) {
        problems.push(`${path}: eventStatus ${data.eventStatus}, expected ${status}`);
      }
      const category = String(data.eventType).split('.')[0];
      if (category !== 'SystemMaintenance' && 'notBefore' in data) problems.push(`${path}: ${category} with notBefore`);
      if (data.eventCategory !== undefined && data.eventCategory !== category) {
        problems.push(`${path}: eventCategory ${data.eventCategory}, expected ${category}`);
      }
    };
    const categories: readonly string[] = SYSTEM_EVENT_CATEGORIES;
    for (const { path, json } of eventBridge) {
      const [, resource, event, status] = String(json.type).split(':');
      if (resource === 'SystemEvent') check(path, json.data as Json, undefined, event);
      else if (resource === 'Instance' && categories.includes(event.split('.')[0])) {
        check(path, json.data as Json, event, status);
      }
    }
    for (const { path, json } of cloudMonitor) {
      const [resource, event, status] = String(json.name).split(':');
      if (resource === 'Instance' && categories.includes(event.split('.')[0])) {
        check(path, json.content as Json, event, status);
      }
    }

    assert.deepEqual(problems, []);
  });

  for (const fixture of cloudMonitor) {
    test(`${fixture.path} is a Cloud Monitor notification of a catalogue type`, () => {
      const { json, path } = fixture;
      assert.equal(fixture.dir, 'acs.ecs', `${path}: Cloud Monitor fixtures are ECS events`);
      if ('ver' in json) assert.equal(json.ver, '1.0', `${path}: ver`);
      assertString(json, 'id', path);
      assert.equal(json.product, 'ECS', `${path}: product`);
      assert.ok(CMS_LEVELS.includes(String(json.level)), `${path}: level ${json.level} is not one of ${CMS_LEVELS}`);
      const name = assertString(json, 'name', path);
      const user = assertString(json, 'userId', path);
      const region = assertString(json, 'regionId', path);
      assert.match(assertString(json, 'eventTime', path), CMS_TIME, `${path}: eventTime like 20261122T101500.000+0800`);
      const resourceId = assertString(json, 'resourceId', path);
      assert.ok(resourceId.startsWith(`acs:ecs:${region}:${user}:`), `${path}: resourceId ${resourceId} is an ECS ARN`);
      assert.ok(isRecord(json.content), `${path}: content must be a JSON object`);

      const base = cmsBaseName(name);
      const spec = findEventType(`ecs:${base}`);
      assert.ok(spec !== undefined, `${path}: ecs:${base} (from name ${name}) is not in the catalogue`);
      assert.equal(spec.cmsName, base, `${path}: the catalogue's Cloud Monitor name of ${spec.type}`);
      assert.equal(fixture.name.startsWith(stemOf(spec.type)), true, `${path}: named after ${spec.type}`);
      if (spec.data !== undefined) assert.deepEqual(fieldsProblems(json.content, spec.data, 'content'), [], path);
    });
  }

  for (const fixture of slsAlerts) {
    // The SLS event format: https://help.aliyun.com/zh/sls/product-overview/events
    test(`${fixture.path} is an SLS alert event as SLS documents it, with documented data fields`, () => {
      const { json, path } = fixture;
      assert.equal(json.specversion, '1.0', `${path}: specversion`);
      assert.match(assertString(json, 'id', path), UUID, `${path}: id must be UUID style`);
      assert.ok(SLS_ALERT_SOURCES.includes(assertString(json, 'source', path)), `${path}: source`);
      assert.equal(json.type, SLS_ALERT_TYPE, `${path}: type`);
      assert.match(assertString(json, 'subject', path), /^https:\/\/sls\.console\.aliyun\.com\//, `${path}: subject`);
      assert.equal(json.datacontenttype, 'application/cloudevents+json', `${path}: datacontenttype`);
      assert.match(assertString(json, 'time', path), RFC3339, `${path}: time must be RFC 3339`);
      assert.ok(fixture.name.startsWith('sls-alert-'), `${path}: named sls-alert-…`);
      const spec = findEventType(SLS_ALERT_TYPE);
      assert.deepEqual(fieldsProblems(json.data as Json, spec?.data ?? {}, 'data'), [], path);
    });
  }

  test('all fixture ids are unique', () => {
    const seen = new Map<string, string>();
    const duplicates: string[] = [];
    for (const { path, json } of [...eventBridge, ...cloudMonitor, ...slsAlerts]) {
      const id = String(json.id);
      const first = seen.get(id);
      if (first !== undefined) duplicates.push(`${id}: ${first} and ${path}`);
      else seen.set(id, path);
    }

    assert.deepEqual(duplicates, []);
  });
});
