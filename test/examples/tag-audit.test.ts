import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { CUSTOM_UNITS as EXAMPLE_CUSTOM_UNITS } from '../../examples/custom';
import { findingKey, TAG_AUDIT_ENV } from '../../examples/tag-audit/contract';
import { spec } from '../../examples/tag-audit/handler';
import { TagAuditOptionsError, tagAudit } from '../../examples/tag-audit/unit';
import { createFcHandler } from '../../lambda-src/commons/handler';
import { type Unit, UnitRegistryError, unitsWith } from '../../lib/automations';
import { readCodeIndexJs, readCodeManifest } from '../../lib/code/read';
import { loadConfig } from '../../lib/config';
import { bundleHandler, HandlerBundleError, PROJECT_ROOT } from '../../lib/private/bundle';
import { RegionStack } from '../../lib/stacks/region-stack';
import type { FakeCloud, World } from '../../ops/fake-cloud';
import { runReplayCli } from '../../ops/replay';
import {
  BUCKET,
  context,
  failEveryAttempt,
  fixture,
  INSTANCE_ID,
  instantRetries,
  logCapture,
  payload,
  rejection,
  startCloud,
  variantOf,
  world,
} from '../support/harness';
import { type Template, testApp } from '../support/synth';

const RUNNING = payload(fixture('acs.ecs', 'instance-statechange-running'));
const RUNNING_CMS = payload(fixture('acs.ecs', 'instance-statechange-running.cms'));
const RUNNING_FILE = path.join(__dirname, '..', 'fixtures', 'events', 'acs.ecs', 'instance-statechange-running.json');
const WORLD_FILE = path.join(PROJECT_ROOT, 'examples', 'tag-audit', 'world.json');
const STACK = 'ecs-event-ops-cn-hangzhou';

/** A world whose one instance runs with `tags`. */
function running(tags: Record<string, string>): World {
  return world({ instances: [{ id: INSTANCE_ID, status: 'Running', tags }] });
}

/** Synthesizes the app for `config` with `units` (as bin/app.ts does) and returns the assembly folder. */
function synthWith(units: readonly Unit[], config: unknown = {}): string {
  const app = testApp();
  const parsed = loadConfig(config);
  for (const region of parsed.regions) {
    new RegionStack(app, { config: region, assetsQualifier: parsed.assetsQualifier, units });
  }
  return app.synth().directory;
}

function template(assembly: string, stack = STACK): Template {
  return JSON.parse(fs.readFileSync(path.join(assembly, `${stack}.template.json`), 'utf8')) as Template;
}

describe('tag-audit handler (examples/tag-audit/handler.ts) against the fake cloud', () => {
  let cloud: FakeCloud | undefined;
  afterEach(async () => {
    await cloud?.stop();
    cloud = undefined;
  });

  async function setup(w: World, extraEnv: Record<string, string> = {}) {
    const started = await startCloud(w, extraEnv);
    cloud = started.cloud;
    const logs = logCapture();
    const handler = createFcHandler(spec, started.env, {
      log: logs.sink,
      now: () => Date.UTC(2024, 4, 20, 2, 16),
      retry: instantRetries().retry,
    });
    return { cloud: started.cloud, handler, logs };
  }

  test('records a running instance without an owner tag under state/tag-audit/ and logs a warning', async () => {
    const { cloud, handler, logs } = await setup(running({ env: 'staging' }));

    const result = await handler(RUNNING, context('tag-audit'));

    assert.equal(result.outcome, 'ok');
    assert.equal(result.action, 'recorded');
    assert.deepEqual(result.missingTags, ['owner']);
    assert.deepEqual(cloud.listKeys(BUCKET, 'state/tag-audit/'), [`state/tag-audit/${INSTANCE_ID}.json`]);
    const finding = JSON.parse(cloud.getObject(BUCKET, findingKey(INSTANCE_ID)) ?? '{}');
    assert.equal(finding.instanceId, INSTANCE_ID);
    assert.deepEqual(finding.missingTags, ['owner']);
    assert.deepEqual(finding.tags, { env: 'staging' });
    assert.equal(finding.region, 'cn-hangzhou');
    assert.equal(finding.eventId, '7adc8c1a-645d-4476-bdef-5d6fb57f0002');
    assert.equal(finding.recordedAt, '2024-05-20T02:16:00.000Z');
    assert.equal(logs.lines.length, 1);
    assert.equal(logs.lines[0].level, 'warn');
    assert.equal(logs.lines[0].handler, 'tag-audit');
    assert.equal(logs.lines[0].instanceId, INSTANCE_ID);
    assert.match(String(logs.lines[0].warning), /running without the tag "owner"/);
  });

  test('writes nothing for an instance that carries every required tag', async () => {
    const { cloud, handler, logs } = await setup(running({ owner: 'team-sre' }));

    const result = await handler(RUNNING, context('tag-audit'));

    assert.equal(result.outcome, 'ok');
    assert.equal(result.action, 'none');
    assert.deepEqual(cloud.listKeys(BUCKET, 'state/tag-audit/'), []);
    assert.equal(logs.lines[0].level, 'info');
  });

  test('reads the required tags from its environment and counts an empty value as missing', async () => {
    const { handler } = await setup(running({ owner: 'team-sre', 'cost-center': '' }), {
      [TAG_AUDIT_ENV.requiredTags]: '["owner","cost-center"]',
    });

    const result = await handler(RUNNING, context('tag-audit'));

    assert.deepEqual(result.missingTags, ['cost-center']);
  });

  test('accepts the Cloud Monitor format of the same event', async () => {
    const { cloud, handler } = await setup(running({}));

    const result = await handler(RUNNING_CMS, context('tag-audit'));

    assert.equal(result.action, 'recorded');
    assert.equal(cloud.listKeys(BUCKET, 'state/tag-audit/').length, 1);
  });

  test('answers a second delivery of the same event as duplicate without reading the instance again', async () => {
    const { cloud, handler } = await setup(running({}));
    await handler(RUNNING, context('tag-audit'));

    const second = await handler(RUNNING, context('tag-audit'));

    assert.equal(second.outcome, 'duplicate');
    assert.deepEqual(
      cloud.calls('ecs').map((c) => c.action),
      ['DescribeInstances'],
    );
  });

  test('skips an instance released before the event was handled', async () => {
    const { cloud, handler } = await setup(world({ instances: [] }));

    const result = await handler(RUNNING, context('tag-audit'));

    assert.equal(result.outcome, 'skipped');
    assert.equal(result.reason, 'instance-not-found');
    assert.deepEqual(cloud.listKeys(BUCKET, 'state/tag-audit/'), []);
  });

  test('refuses an event of another account before any cloud call', async () => {
    const { cloud, handler } = await setup(running({}));
    const foreign = variantOf('acs.ecs', 'instance-statechange-running', (event) => {
      event.aliyunaccountid = '9999999999999999';
    });

    const error = await rejection(handler(foreign, context('tag-audit')));

    assert.equal(error.name, 'ForeignEventError');
    assert.match(error.message, /"aliyunaccountid" names account "9999999999999999"/);
    assert.deepEqual(cloud.calls(), []);
  });

  test('fails every invocation, naming the variable, when the required tags are not a JSON list of tag keys', async () => {
    const { cloud, handler } = await setup(running({}), { [TAG_AUDIT_ENV.requiredTags]: 'owner,team' });

    const error = await rejection(handler(RUNNING, context('tag-audit')));

    assert.equal(error.name, 'ConfigurationError');
    assert.match(error.message, /"TAG_AUDIT_REQUIRED_TAGS": owner,team: not JSON/);
    assert.deepEqual(cloud.calls(), []);
  });

  test('fails with a retryable error, writing nothing, when DescribeInstances keeps failing', async () => {
    const { cloud, handler } = await setup(running({}));
    failEveryAttempt(cloud, 'DescribeInstances', { status: 503, code: 'ServiceUnavailable' });

    const error = await rejection(handler(RUNNING, context('tag-audit')));

    assert.equal(error.name, 'RetryableError');
    assert.deepEqual(cloud.listKeys(BUCKET, 'state/tag-audit/'), []);
  });
});

describe('tag-audit unit (examples/tag-audit/unit.ts) in a region stack', () => {
  let assembly = '';
  before(() => {
    assembly = synthWith(unitsWith(EXAMPLE_CUSTOM_UNITS), { deadLetterCheck: { enabled: true } });
  });

  test('deploys a function bundled from examples/tag-audit/handler.ts with its environment, queue and rule', () => {
    const t = template(assembly);

    const fn = t.Resources.TagAuditFunction.Properties;
    assert.equal(fn.FunctionName, 'tag-audit');
    assert.deepEqual((fn.EnvironmentVariables as Record<string, unknown>)[TAG_AUDIT_ENV.requiredTags], '["owner"]');
    assert.equal(t.Resources.TagAuditDeadLetterQueue.Type, 'ALIYUN::MNS::Queue');
    const rule = t.Resources.TagAuditRule.Properties;
    assert.equal(rule.RuleName, 'ecs-event-ops-tag-audit');
    assert.deepEqual(rule.FilterPattern, {
      source: ['acs.ecs'],
      type: ['ecs:Instance:StateChange'],
      data: { state: ['Running'] },
    });
    const manifest = readCodeManifest(assembly, STACK);
    const code = manifest?.objects.find((o) => o.handler === 'tag-audit');
    assert.ok(code, 'the code manifest lists the tag-audit zip');
    const indexJs = Buffer.from(readCodeIndexJs(assembly, code)).toString('utf8');
    assert.match(indexJs, /TAG_AUDIT_REQUIRED_TAGS/);
    assert.equal(indexJs.includes(PROJECT_ROOT), false);
  });

  test('grants DescribeInstances and writing under state/tag-audit/ and the idempotency markers, nothing else', () => {
    const role = template(assembly).Resources.TagAuditFunctionRole.Properties as {
      Policies: { PolicyDocument: { Statement: { Action: string[]; Resource: unknown[] }[] } }[];
    };
    const granted = role.Policies[0].PolicyDocument.Statement.map((s) => [s.Action, JSON.stringify(s.Resource)]);

    assert.deepEqual(
      granted.map(([actions]) => actions),
      [
        ['oss:GetObject', 'oss:PutObject'],
        ['ecs:DescribeInstances'],
        ['oss:PutObject'],
        ['mns:SendMessage'],
        ['log:PostLogStoreLogs'],
      ],
    );
    assert.match(String(granted[0][1]), /\/idempotency\/\*/);
    assert.equal(granted[1][1], '["*"]');
    assert.match(String(granted[2][1]), /\/state\/tag-audit\/\*/);
  });

  test('is watched by dlq-check, listed before it in the registry', () => {
    const env = template(assembly).Resources.DlqCheckFunction.Properties.EnvironmentVariables as Record<string, string>;

    assert.match(env.DLQ_QUEUE_NAMES, /(^|,)ecs-event-ops-tag-audit-dlq(,|$)/);
  });

  test('leaves every built-in resource as the default registry synthesizes it', () => {
    const withExample = template(assembly);
    // The built-in units alone (not UNITS, which holds a fork's own units too).
    const builtIn = template(synthWith(unitsWith([]), { deadLetterCheck: { enabled: true } }));

    const changed = Object.keys(builtIn.Resources)
      .filter((id) => JSON.stringify(builtIn.Resources[id]) !== JSON.stringify(withExample.Resources[id]))
      .sort();

    // dlq-check watches one more queue: its queue list and the queue ARNs it may read.
    assert.deepEqual(changed, ['DlqCheckFunction', 'DlqCheckFunctionRole']);
    assert.deepEqual(
      Object.keys(withExample.Resources).filter((id) => !(id in builtIn.Resources)),
      Object.keys(withExample.Resources).filter((id) => id.startsWith('TagAudit')),
    );
  });

  test('deploys only in the regions given by its regions option', () => {
    const only = tagAudit({ regions: ['cn-shanghai'] });
    const folder = synthWith(unitsWith([only]), { regions: ['cn-hangzhou', 'cn-shanghai'] });

    assert.equal(template(folder, 'ecs-event-ops-cn-hangzhou').Resources.TagAuditFunction, undefined);
    assert.ok(template(folder, 'ecs-event-ops-cn-shanghai').Resources.TagAuditFunction);
  });

  test('refuses required tags that are not 1 to 20 distinct tag keys, naming the option', () => {
    for (const requiredTags of [[], ['owner', 'owner'], ['aliyun:owner']]) {
      assert.throws(
        () => tagAudit({ requiredTags }),
        (error: Error) => error instanceof TagAuditOptionsError && /tagAudit: requiredTags /.test(error.message),
        JSON.stringify(requiredTags),
      );
    }
  });
});

describe('the registry and the bundler with a unit of a team', () => {
  test('refuses a custom unit whose name or id a built-in unit already has', () => {
    const example = tagAudit();

    assert.throws(() => unitsWith([{ ...example, name: 'notify' }]), UnitRegistryError);
    assert.throws(() => unitsWith([{ ...example, id: 'AutoRestart' }]), /id "AutoRestart" is taken/);
    assert.throws(
      () => unitsWith([{ ...example, name: 'Tag_Audit' }]),
      /"Tag_Audit": the name is not valid: kebab-case/,
    );
  });

  test('places custom units after the built-in automations and before dlq-check', () => {
    const names = unitsWith(EXAMPLE_CUSTOM_UNITS).map((u) => u.name);

    assert.deepEqual(names.slice(-2), ['tag-audit', 'dlq-check']);
    assert.deepEqual(
      names.slice(0, -2),
      unitsWith([])
        .map((u) => u.name)
        .slice(0, -1),
    );
  });

  test('refuses an entry outside the repository, one that does not exist, and a bundle over its budget', () => {
    assert.throws(() => bundleHandler('x', { entry: '../elsewhere/handler.ts' }), HandlerBundleError);
    assert.throws(
      () => bundleHandler('x', { entry: path.join(os.tmpdir(), 'handler.ts') }),
      /relative to the repository root/,
    );
    assert.throws(() => bundleHandler('x', { entry: 'custom/x/handler.ts' }), /does not exist/);
    assert.throws(
      () => bundleHandler('tag-audit', { entry: 'examples/tag-audit/handler.ts', budgetKb: 1 }),
      /the bundle of examples\/tag-audit\/handler\.ts is [\d.]+ KB, over its budget of 1 KB/,
    );
  });
});

describe('npm run replay with the example in the assembly', () => {
  let assembly = '';
  let scratch = '';
  before(() => {
    assembly = synthWith(unitsWith(EXAMPLE_CUSTOM_UNITS));
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'eeo-tag-audit-'));
  });
  after(() => fs.rmSync(scratch, { recursive: true, force: true }));

  async function replay(...argv: string[]) {
    let stdout = '';
    let stderr = '';
    const code = await runReplayCli(['--assembly', assembly, '--world', WORLD_FILE, '--json', ...argv], {
      stdout: (text) => {
        stdout += text;
      },
      stderr: (text) => {
        stderr += text;
      },
    });
    type Delivery = {
      rule: string;
      target: { function?: string };
      outcome: string;
      calls: { service: string; action: string; params: Record<string, string> }[];
    };
    return { code, stderr, events: (JSON.parse(stdout) as { events: { deliveries: Delivery[] }[] }).events };
  }

  test('delivers a Running state change to tag-audit, which records the untagged instance of the world', async () => {
    const { code, events } = await replay(RUNNING_FILE);

    assert.equal(code, 0);
    const delivery = events[0].deliveries.find((d) => d.rule === 'ecs-event-ops-tag-audit');
    assert.equal(delivery?.target.function, 'ecs-event-ops-tag-audit/tag-audit');
    assert.equal(delivery?.outcome, 'ok');
    assert.deepEqual(
      delivery?.calls.map((c) => c.action).filter((a) => a !== 'GetObject'),
      ['DescribeInstances', 'PutObject', 'PutObject'],
    );
    const keys = delivery?.calls.filter((c) => c.action === 'PutObject').map((c) => c.params.key);
    assert.equal(keys?.[0], findingKey(INSTANCE_ID));
    assert.match(keys?.[1] ?? '', /^idempotency\/tag-audit\//);
  });

  test('delivers the same event for an instance with an owner tag, and tag-audit writes no finding', async () => {
    const owned = fixture('acs.ecs', 'instance-statechange-running') as { data: Record<string, unknown> };
    owned.data.resourceId = 'i-bp1ownedinstance00001';
    const file = path.join(scratch, 'owned.json');
    fs.writeFileSync(file, JSON.stringify(owned));

    const { code, events } = await replay(file);

    assert.equal(code, 0);
    const delivery = events[0].deliveries.find((d) => d.rule === 'ecs-event-ops-tag-audit');
    assert.equal(delivery?.outcome, 'ok');
    assert.equal(
      delivery?.calls.some((c) => c.action === 'PutObject' && c.params.key.startsWith('state/tag-audit/')),
      false,
    );
  });
});
