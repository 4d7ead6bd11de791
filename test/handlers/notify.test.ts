import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { afterEach, describe, it } from 'node:test';
import { createFcHandler } from '../../lambda-src/commons/handler';
import { clearSecretCache } from '../../lambda-src/commons/secrets';
import { spec } from '../../lambda-src/notify';
import { type FakeCloud, TEST_CREDENTIALS } from '../../ops/fake-cloud';
import {
  BUCKET,
  context,
  failEveryAttempt,
  fixture,
  INSTANCE_ID,
  instantRetries,
  logCapture,
  type MutableEvent,
  payload,
  rejection,
  secretEnv,
  seedSecrets,
  startCloud,
  testSecretName,
  variantOf,
  world,
} from '../support/harness';
import { HttpSink } from '../support/http-sink';

const SECRET = 'SEC-test-secret';
const NOW = Date.parse('2026-11-22T02:16:00Z');

let cloud: FakeCloud | undefined;
let sinks: HttpSink[] = [];
afterEach(async () => {
  clearSecretCache();
  await cloud?.stop();
  cloud = undefined;
  for (const sink of sinks) await sink.stop();
  sinks = [];
});

async function sink(): Promise<HttpSink> {
  const started = await HttpSink.start({ status: 200, body: '{"errcode":0,"errmsg":"ok"}' });
  sinks.push(started);
  return started;
}

/** A fake cloud, a DingTalk sink and a webhook sink (each channel optional). */
async function setup(options: { dingTalk?: boolean; webhook?: boolean; env?: Record<string, string> } = {}) {
  const dingTalk = await sink();
  const webhook = await sink();
  const secrets: Record<string, string> = {};
  if (options.dingTalk ?? true) {
    secrets.DINGTALK_WEBHOOK_URL = dingTalk.url('/robot/send?access_token=test-token');
    secrets.DINGTALK_SECRET = SECRET;
  }
  if (options.webhook ?? true) {
    secrets.WEBHOOK_URL = webhook.url('/hooks/ecs');
    secrets.WEBHOOK_TOKEN = 'hook-token';
  }
  const started = await startCloud(
    world({ instances: [{ id: INSTANCE_ID, status: 'Running', tags: {}, name: 'web-01' }] }),
    { REGION_TIME_ZONE: 'Asia/Shanghai', ...secretEnv(secrets), ...options.env },
  );
  cloud = started.cloud;
  seedSecrets(started.cloud, secrets);
  const logs = logCapture();
  const handler = createFcHandler(spec, started.env, { log: logs.sink, now: () => NOW, retry: instantRetries().retry });
  return { cloud: started.cloud, handler, logs, dingTalk, webhook };
}

const alertOf = (body: string) => JSON.parse(body) as Record<string, unknown>;

describe('notify', () => {
  it('alerts a scheduled maintenance reboot on DingTalk (signed) and the webhook, archives it, then marks it done', async () => {
    const { cloud, handler, logs, dingTalk, webhook } = await setup();
    const original = fixture('acs.ecs', 'instance-systemmaintenance-reboot');

    const result = await handler(payload(original), context('notify'));

    assert.equal(result.outcome, 'ok');
    assert.equal(result.severity, 'critical');
    assert.equal(result.channels, 'dingtalk,webhook');
    // DingTalk: signature checked independently of the handler's code.
    assert.equal(dingTalk.requests.length, 1);
    const robot = dingTalk.requests[0];
    assert.equal(robot.method, 'POST');
    assert.equal(robot.url.pathname, '/robot/send');
    assert.equal(robot.url.searchParams.get('access_token'), 'test-token');
    assert.equal(robot.url.searchParams.get('timestamp'), String(NOW));
    const expectedSign = createHmac('sha256', SECRET).update(`${NOW}\n${SECRET}`).digest('base64');
    assert.equal(robot.url.searchParams.get('sign'), expectedSign);
    // Sent URL-encoded in the raw query (base64 has + / =).
    assert.ok(robot.url.search.includes(`&sign=${encodeURIComponent(expectedSign)}`));
    const message = JSON.parse(robot.body);
    assert.equal(message.msgtype, 'markdown');
    assert.match(message.markdown.title, /^\[CRITICAL\] SystemMaintenance\.Reboot Scheduled on i-/);
    assert.match(message.markdown.text, /i-bp1abcdefghij0123456 \(web-01\)/);
    assert.match(message.markdown.text, /2026-11-25T01:01:01\.000Z UTC \/ 2026-11-25 09:01:01 Asia\/Shanghai/);
    // Webhook: the alert JSON with the bearer token.
    assert.equal(webhook.requests.length, 1);
    assert.equal(webhook.requests[0].headers.authorization, 'Bearer hook-token');
    assert.equal(webhook.requests[0].headers['content-type'], 'application/json');
    const alert = alertOf(webhook.requests[0].body);
    assert.equal(alert.instanceId, INSTANCE_ID);
    assert.equal(alert.instanceName, 'web-01');
    assert.equal(alert.region, 'cn-hangzhou');
    assert.equal(alert.type, 'ecs:Instance:SystemMaintenance.Reboot');
    assert.equal(alert.status, 'Scheduled');
    assert.deepEqual(alert.notBefore, {
      utc: '2026-11-25T01:01:01.000Z',
      local: '2026-11-25 09:01:01',
      timeZone: 'Asia/Shanghai',
    });
    assert.equal(
      alert.recommendedAction,
      'reboot the instance before 2026-11-25 01:01:01 UTC (2026-11-25 09:01:01 Asia/Shanghai) to avoid the maintenance reboot',
    );
    // Archive, idempotency marker, one log line, signed ECS call.
    const key = `archive/alerts/region=cn-hangzhou/date=2026-11-22/${original.id}.json`;
    assert.equal(result.alertKey, key);
    assert.deepEqual(JSON.parse(cloud.getObject(BUCKET, key) ?? 'null').alert, alert);
    assert.equal(cloud.listKeys(BUCKET, 'idempotency/notify/').length, 1);
    assert.deepEqual(
      cloud.calls('ecs').map((c) => [c.action, c.params.InstanceIds, c.signed]),
      [['DescribeInstances', JSON.stringify([INSTANCE_ID]), true]],
    );
    assert.equal(logs.lines.length, 1);
    assert.equal(logs.lines[0].severity, 'critical');
    assert.equal(logs.lines[0].nameLookup, 'ok');
  });

  it('gives the same alert for all three system-event type forms and the Cloud Monitor twin', async () => {
    const { handler, webhook } = await setup({ dingTalk: false });
    const variants = [
      'instance-systemmaintenance-reboot',
      'instance-systemmaintenance-reboot-scheduled-status-in-type',
      'systemevent-scheduled',
      'instance-systemmaintenance-reboot-scheduled.cms',
    ];

    for (const variant of variants) {
      // Each form as another system event: two alerts of one system event and status would be one (see the policy tests).
      const event = fixture('acs.ecs', variant) as MutableEvent;
      const data = event.data ?? event.content;
      if (data !== undefined) data.eventId = `e-bp1form${variants.indexOf(variant)}00000000000`;
      await handler(payload(event), context('notify'));
    }

    const alerts = webhook.requests.map((r) => alertOf(r.body));
    assert.deepEqual(
      alerts.map((a) => [a.event, a.status, a.severity, a.instanceId]),
      variants.map(() => ['SystemMaintenance.Reboot', 'Scheduled', 'critical', INSTANCE_ID]),
    );
    assert.equal((alerts[3].notBefore as { utc: string }).utc, '2024-05-23T01:01:01.000Z');
  });

  it('grades every alerting fixture by the documented severity table, with a recommended action', async () => {
    const { handler, webhook } = await setup({ dingTalk: false });
    const expected: [string, string, RegExp][] = [
      [
        'instance-systemfailure-reboot-executing',
        'critical',
        /^check the application; the instance was restarted by the platform$/,
      ],
      ['instance-systemfailure-redeploy', 'critical', /redeployed by the platform/],
      ['instance-instancefailure-reboot', 'critical', /restarted by the platform/],
      ['instance-systemfailure-delete', 'critical', /create it again/],
      ['instance-systemmaintenance-reboot-executed', 'info', /came back/],
      ['instance-systemmaintenance-redeploy', 'critical', /before 2026-11-25 01:01:01 UTC/],
      ['instance-systemmaintenance-stop', 'critical', /stopped/],
      ['instance-systemmaintenance-isolateerrordisk', 'critical', /authorize or reschedule/],
      ['instance-systemmaintenance-cleanreleaseddisks', 'info', /no action needed/],
      ['disk-errordetected', 'critical', /back up the data of local disk d-bp1disk0000000000001/],
      ['disk-stalled', 'warning', /I\/O load of disk d-bp1disk0000000000001/],
      ['instance-burstableperformancerestricted', 'warning', /CPU credits are exhausted/],
      ['instance-performancemodechange', 'info', /no action needed/],
      ['instance-livemigrationacrossddh', 'info', /no action needed/],
      [
        'snapshot-createsnapshotcompleted-failed',
        'critical',
        /^check the disk d-bp1disk0000000000001 and retry CreateSnapshot$/,
      ],
    ];

    for (const [variant] of expected) {
      const result = await handler(payload(fixture('acs.ecs', variant)), context('notify'));
      assert.equal(result.outcome, 'ok', variant);
    }

    const alerts = webhook.requests.map((r) => alertOf(r.body));
    expected.forEach(([variant, severity, action], i) => {
      assert.equal(alerts[i].severity, severity, variant);
      assert.match(String(alerts[i].recommendedAction), action, variant);
    });
  });

  it('grades an avoided maintenance as info and a failed live migration as a warning', async () => {
    const { handler, webhook } = await setup({ dingTalk: false });

    await handler(
      variantOf('acs.ecs', 'instance-systemmaintenance-reboot', (e) => {
        e.data!.eventStatus = 'Avoided';
      }),
      context('notify'),
    );
    await handler(
      variantOf('acs.ecs', 'instance-livemigrationacrossddh', (e) => {
        e.data!.status = 'failed';
      }),
      context('notify'),
    );

    assert.deepEqual(
      webhook.requests.map((r) => alertOf(r.body).severity),
      ['info', 'warning'],
    );
  });

  it('alerts a failed snapshot from the Cloud Monitor format too, and skips a successful snapshot', async () => {
    const { cloud, handler, webhook } = await setup({ dingTalk: false });

    const failed = await handler(
      payload(fixture('acs.ecs', 'snapshot-createsnapshotcompleted-failed.cms')),
      context('notify'),
    );
    const succeeded = await handler(payload(fixture('acs.ecs', 'snapshot-createsnapshotcompleted')), context('notify'));

    assert.equal(failed.outcome, 'ok');
    assert.equal(succeeded.outcome, 'skipped');
    assert.equal(succeeded.reason, 'snapshot-succeeded');
    assert.equal(webhook.requests.length, 1);
    assert.equal(alertOf(webhook.requests[0].body).snapshotId, 's-bp1snap0000000000002');
    assert.equal(cloud.listKeys(BUCKET, 'archive/alerts/').length, 1);
  });

  it('writes the alert only to the log line and the archive when no channel is configured', async () => {
    const { cloud, handler, logs } = await setup({ dingTalk: false, webhook: false });

    const result = await handler(payload(fixture('acs.ecs', 'disk-stalled')), context('notify'));

    assert.equal(result.channels, 'none (log only)');
    assert.equal((logs.lines[0].alert as { severity: string }).severity, 'warning');
    assert.equal(cloud.listKeys(BUCKET, 'archive/alerts/').length, 1);
    assert.equal(cloud.calls('oss').filter((c) => c.action === 'ListObjectsV2').length, 0);
  });

  it('goes on without the instance name when DescribeInstances fails, and says so in the log', async () => {
    const { cloud, handler, logs, webhook } = await setup({ dingTalk: false });
    cloud.failNext('DescribeInstances', { status: 403, code: 'Forbidden.RAM' });

    const result = await handler(payload(fixture('acs.ecs', 'instance-systemfailure-reboot')), context('notify'));

    assert.equal(result.outcome, 'ok');
    assert.equal(alertOf(webhook.requests[0].body).instanceName, null);
    assert.equal(logs.lines[0].nameLookup, 'failed: Forbidden.RAM');
  });

  it('retries a rate-limited DingTalk without sending the webhook twice, then marks the event done', async () => {
    const { cloud, handler, logs, dingTalk, webhook } = await setup();
    dingTalk.answerNext({ status: 200, body: '{"errcode":130101,"errmsg":"send too fast"}' });
    const event = payload(fixture('acs.ecs', 'disk-errordetected'));

    const error = await rejection(handler(event, context('notify')));

    assert.equal(error.name, 'RetryableError');
    assert.match(error.message, /errcode 130101/);
    assert.match(error.message, /delivered: webhook/);
    assert.equal(logs.lines[0].retryable, true);
    assert.equal(cloud.listKeys(BUCKET, 'idempotency/').length, 0);

    const retry = await handler(event, context('notify'));

    assert.equal(retry.outcome, 'ok');
    assert.equal(dingTalk.requests.length, 2);
    assert.equal(webhook.requests.length, 1);
    assert.equal(cloud.listKeys(BUCKET, 'idempotency/notify/').length, 1);
  });

  it('fails permanently when DingTalk refuses the signature', async () => {
    const { handler, dingTalk } = await setup({ webhook: false });
    dingTalk.answerNext({ status: 200, body: '{"errcode":310000,"errmsg":"sign not match"}' });

    const error = await rejection(handler(payload(fixture('acs.ecs', 'disk-stalled')), context('notify')));

    assert.equal(error.name, 'PermanentError');
    assert.match(error.message, /errcode 310000, sign not match/);
  });

  it('treats a webhook 503 as retryable and a 404 as permanent', async () => {
    const { handler, webhook } = await setup({ dingTalk: false });
    webhook.answerNext({ status: 503, body: 'busy' });
    webhook.answerNext({ status: 404, body: 'no such hook' });

    const first = await rejection(handler(payload(fixture('acs.ecs', 'disk-stalled')), context('notify')));
    const second = await rejection(handler(payload(fixture('acs.ecs', 'disk-stalled')), context('notify')));

    assert.equal(first.name, 'RetryableError');
    assert.equal(second.name, 'PermanentError');
    assert.match(second.message, /HTTP 404/);
    assert.doesNotMatch(second.message, /hook-token/);
  });

  it('answers a repeated delivery as duplicate without alerting again', async () => {
    const { handler, dingTalk, webhook } = await setup();
    const event = payload(fixture('acs.ecs', 'instance-systemfailure-reboot'));
    await handler(event, context('notify'));

    const second = await handler(event, context('notify'));

    assert.equal(second.outcome, 'duplicate');
    assert.equal(dingTalk.requests.length, 1);
    assert.equal(webhook.requests.length, 1);
  });

  it('refuses an event of a source outside the catalogue with a PermanentError and calls nothing', async () => {
    const { cloud, handler, webhook } = await setup();
    const other = { ...fixture('acs.ecs', 'instance-statechange-stopped'), source: 'acs.rds' };

    const error = await rejection(handler(payload(other), context('notify')));

    assert.equal(error.name, 'PermanentError');
    assert.match(error.message, /got source "acs\.rds"/);
    assert.deepEqual(cloud.calls(), []);
    assert.equal(webhook.requests.length, 0);
  });

  it('refuses a system event with an unknown status or a garbled notBefore, naming the field', async () => {
    const { cloud, handler } = await setup();

    const status = await rejection(
      handler(
        variantOf('acs.ecs', 'instance-systemmaintenance-reboot', (e) => {
          e.data!.eventStatus = 'Sometime';
        }),
        context('notify'),
      ),
    );
    const notBefore = await rejection(
      handler(
        variantOf('acs.ecs', 'instance-systemmaintenance-reboot', (e) => {
          e.data!.notBefore = 'next week';
        }),
        context('notify'),
      ),
    );

    assert.equal(status.name, 'MalformedEventError');
    assert.match(status.message, /"data\.eventStatus": "Sometime" is not one of Scheduled/);
    assert.match(notBefore.message, /"data\.notBefore": "next week" is not a time/);
    assert.deepEqual(cloud.calls(), []);
  });

  it('refuses a secret without its URL, a malformed secret name and unknown time zones at container start', async () => {
    const cases: [Record<string, string>, RegExp][] = [
      [
        { DINGTALK_SECRET_SECRET_NAME: 'x' },
        /"DINGTALK_SECRET_SECRET_NAME" is set but "DINGTALK_WEBHOOK_URL_SECRET_NAME" is not/,
      ],
      [{ WEBHOOK_URL_SECRET_NAME: 'has space' }, /"WEBHOOK_URL_SECRET_NAME": "has space" is not a secret name/],
      [{ WEBHOOK_URL_SECRET_NAME: 'w', SECRET_STORE: 'vault' }, /"SECRET_STORE": "vault" is not allowed/],
      [{ REGION_TIME_ZONE: 'Mars/Olympus' }, /"REGION_TIME_ZONE": "Mars\/Olympus" is not an IANA time zone/],
    ];
    for (const [env, message] of cases) {
      const handler = createFcHandler(spec, { ARCHIVE_BUCKET: BUCKET, ...env }, { log: () => {} });
      const error = await rejection(handler(payload(fixture('acs.ecs', 'disk-stalled')), context('notify')));
      assert.equal(error.name, 'ConfigurationError');
      assert.match(error.message, message);
    }
  });

  it('refuses a non-https webhook URL read from the secret store, without sending it the alert or naming its token', async () => {
    const { cloud, handler } = await setup({ dingTalk: false });
    cloud.secrets.parameters.set(testSecretName('WEBHOOK_URL'), 'http://hooks.example.com/x?token=abc123');

    const error = await rejection(handler(payload(fixture('acs.ecs', 'disk-stalled')), context('notify')));

    assert.equal(error.name, 'PermanentError');
    assert.match(error.message, /"eeo-test-webhook-url" \(WEBHOOK_URL_SECRET_NAME\) has scheme "http:" to host/);
    assert.doesNotMatch(error.message, /abc123/);
    assert.equal(cloud.listKeys(BUCKET, 'idempotency/notify/').length, 0);
  });

  it('reads each channel secret once per container, signed with the function credentials, decrypted', async () => {
    const { cloud, handler, dingTalk, webhook, logs } = await setup();

    await handler(payload(fixture('acs.ecs', 'instance-systemmaintenance-reboot')), context('notify'));
    await handler(payload(fixture('acs.ecs', 'disk-stalled')), context('notify'));

    assert.equal(dingTalk.requests.length, 2);
    assert.equal(webhook.requests.length, 2);
    assert.equal(webhook.requests[1].headers.authorization, 'Bearer hook-token');
    const reads = cloud.calls('oos');
    assert.deepEqual(reads.map((c) => [c.action, c.params.Name, c.params.WithDecryption, c.signed]).sort(), [
      ['GetSecretParameter', 'eeo-test-dingtalk-secret', 'true', true],
      ['GetSecretParameter', 'eeo-test-dingtalk-webhook-url', 'true', true],
      ['GetSecretParameter', 'eeo-test-webhook-token', 'true', true],
      ['GetSecretParameter', 'eeo-test-webhook-url', 'true', true],
    ]);
    assert.ok(reads.every((c) => c.securityToken === TEST_CREDENTIALS.securityToken));
    // No secret value in any log line.
    assert.doesNotMatch(JSON.stringify(logs.lines), /hook-token|SEC-test-secret|access_token/);
  });

  it('fails retryably when the secret store is throttled, and reads again on the next invocation', async () => {
    const { cloud, handler, webhook } = await setup({ dingTalk: false });
    failEveryAttempt(cloud, 'GetSecretParameter', { status: 400, code: 'Throttling.User' });
    const event = payload(fixture('acs.ecs', 'disk-stalled'));

    const error = await rejection(handler(event, context('notify')));
    const retried = await handler(event, context('notify'));

    assert.equal(error.name, 'RetryableError');
    assert.match(error.message, /cannot read the secret "eeo-test-webhook-(url|token)"/);
    assert.equal(retried.outcome, 'ok');
    assert.equal(webhook.requests.length, 1);
  });

  it('fails permanently, naming the secret, when the secret is missing or the role may not read it', async () => {
    const { cloud, handler, webhook } = await setup({ dingTalk: false });
    cloud.secrets.parameters.delete(testSecretName('WEBHOOK_TOKEN'));
    const event = payload(fixture('acs.ecs', 'disk-stalled'));

    const missing = await rejection(handler(event, context('notify')));
    cloud.secrets.parameters.set(testSecretName('WEBHOOK_TOKEN'), 'hook-token');
    cloud.failNext('GetSecretParameter', { status: 403, code: 'Forbidden.RAM', message: 'not authorized' });
    const denied = await rejection(handler(event, context('notify')));

    assert.equal(missing.name, 'PermanentError');
    assert.match(
      missing.message,
      /"eeo-test-webhook-token" \(OOS secret parameter, named by environment variable "WEBHOOK_TOKEN_SECRET_NAME"\)/,
    );
    assert.match(missing.message, /EntityNotExists\.SecretParameter/);
    assert.equal(denied.name, 'PermanentError');
    assert.match(denied.message, /Forbidden\.RAM/);
    assert.equal(webhook.requests.length, 0);
  });

  it('reads the channel secrets from KMS when SECRET_STORE is kms', async () => {
    const webhook = await sink();
    const secrets = { WEBHOOK_URL: webhook.url('/hooks/ecs'), WEBHOOK_TOKEN: 'kms-token' };
    const started = await startCloud(world(), { ...secretEnv(secrets, 'kms') });
    cloud = started.cloud;
    seedSecrets(started.cloud, secrets, 'kms');
    const handler = createFcHandler(spec, started.env, { log: () => {}, now: () => NOW });

    const result = await handler(payload(fixture('acs.ecs', 'disk-stalled')), context('notify'));

    assert.equal(result.channels, 'webhook');
    assert.equal(webhook.requests[0].headers.authorization, 'Bearer kms-token');
    assert.deepEqual(
      started.cloud
        .calls('kms')
        .map((c) => [c.action, c.params.SecretName, c.signed])
        .sort(),
      [
        ['GetSecretValue', 'eeo-test-webhook-token', true],
        ['GetSecretValue', 'eeo-test-webhook-url', true],
      ],
    );
    assert.deepEqual(started.cloud.calls('oos'), []);
  });

  it('turns any other catalogue event into a generic alert with its source, subject, resources and data, escaped', async () => {
    const { handler, dingTalk, webhook } = await setup();
    const event = fixture('acs.ess', 'scalingactivity-scaleouterror') as Record<string, unknown>;
    const hostile = { ...event, data: { ...(event.data as object), cause: '[click](https://evil.example) **now**' } };

    const result = await handler(payload(hostile), context('notify'));

    assert.equal(result.outcome, 'ok');
    assert.equal(result.severity, 'warning');
    const alert = alertOf(webhook.requests[0].body);
    assert.equal(alert.title, '[WARNING] ScalingActivity:ScaleOutError (cn-hangzhou)');
    assert.equal(alert.source, 'acs.ess');
    assert.equal(alert.subject, 'acs:ess:cn-hangzhou:1234567890123456:scalinggroup/asg-bp1group000000000001');
    assert.deepEqual(alert.resourceIds, ['asg-bp1group000000000001', 'asa-bp1activity000000001']);
    assert.equal((alert.fields as Record<string, string>).scalingGroupId, 'asg-bp1group000000000001');
    const text = JSON.parse(dingTalk.requests[0].body).markdown.text as string;
    assert.match(text, /- \*\*Source\*\*: acs\.ess|- \*\*Source\*\*: acs.ess/);
    assert.match(text, /- \*\*Resources\*\*: asg-bp1group000000000001, asa-bp1activity000000001/);
    assert.match(text, /- \*\*data\.scalingActivityId\*\*: asa-bp1activity000000001/);
    assert.match(text, /- \*\*Time\*\*: 2026-11-22T02:15:00\.000Z/);
    assert.ok(!text.includes('](https://'), 'a data value must not make a link');
    assert.ok(!text.includes('**now**'), 'a data value must not add emphasis');
  });

  it('alerts an instance state change with its state and instance, as a declared rule may send one', async () => {
    const { handler, webhook } = await setup({ dingTalk: false });

    const result = await handler(payload(fixture('acs.ecs', 'instance-statechange-stopped')), context('notify'));

    assert.equal(result.outcome, 'ok');
    const alert = alertOf(webhook.requests[0].body);
    assert.match(String(alert.title), /^\[WARNING\] Instance:StateChange Stopped on i-/);
    assert.equal(alert.instanceName, 'web-01');
  });
});
