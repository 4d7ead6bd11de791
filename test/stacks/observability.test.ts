import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LEDGER_RECORD_FIELD } from '../../contract/ledger';
import { EVENT_INDEX_KEYS } from '../../contract/observability';
import type { RosTemplate } from '../../lib/policy';
import { ramLeastPrivilege } from '../../lib/policy/rules/ram-least-privilege';
import { targetDlqRetry } from '../../lib/policy/rules/target-dlq-retry';
import { synthRegions, type Template } from '../support/synth';

const STACK = 'ecs-event-ops-cn-hangzhou';

function template(config: unknown = {}): Template {
  return synthRegions(config)[STACK];
}

function ofType(t: Template, type: string): [string, Record<string, unknown>][] {
  return Object.entries(t.Resources)
    .filter(([, r]) => r.Type === type)
    .map(([id, r]) => [id, r.Properties]);
}

type KeyIndex = {
  Name: string;
  Type: string;
  JsonKeyIndices?: { Name: string; Type: string; EnableAnalytics?: boolean }[];
};

interface AlertDetail {
  readonly Name: string;
  readonly Configuration: {
    readonly PolicyConfiguration: { readonly ActionPolicyId: string };
    readonly Labels: { readonly Key: string; readonly Value: string }[];
    readonly QueryList: { readonly Start: string; readonly Store: string }[];
  };
}

describe('the SLS event store, ledger index, saved searches, dashboard and alerts', () => {
  it('declares the events logstore with the default retention of 30 days in the function logs project', () => {
    const t = template();

    const store = t.Resources.EventStoreLogstore;

    assert.equal(store.Type, 'ALIYUN::SLS::Logstore');
    assert.equal(store.Properties.LogstoreName, 'events');
    assert.equal(store.Properties.TTL, 30);
    assert.deepEqual(store.Properties.ProjectName, { 'Fn::GetAtt': ['FunctionLogsProject', 'Name'] });
  });

  it('feeds it with a rule taking every acs.ecs and acs.ess event to the native SLS target, with DLQ and retry', () => {
    const rule = template().Resources.EventStoreRule.Properties;
    const [target] = rule.Targets as Record<string, unknown>[];
    const params = Object.fromEntries(
      (target.ParamList as { ResourceKey: string; Form: string; Value: unknown }[]).map((p) => [p.ResourceKey, p]),
    );

    assert.deepEqual(rule.FilterPattern, { source: ['acs.ecs', 'acs.ess'] });
    assert.equal(target.Type, 'acs.sls');
    assert.equal(target.PushRetryStrategy, 'EXPONENTIAL_DECAY_RETRY');
    assert.equal(target.ErrorsTolerance, 'ALL');
    assert.deepEqual(target.DeadLetterQueue, { Arn: { 'Fn::GetAtt': ['EventStoreDeadLetterQueue', 'ARN.WithSlash'] } });
    assert.deepEqual(Object.keys(params).sort(), ['Body', 'ContentType', 'LogStore', 'Project', 'RoleName']);
    assert.equal(params.LogStore.Value, 'events');
    assert.equal(params.ContentType.Value, 'JSON');
    assert.equal(params.Body.Form, 'ORIGINAL');
    assert.equal(params.RoleName.Value, 'ecs-event-ops-event-store-cn-hangzhou');
  });

  it('gives EventBridge a role that may only post logs to the events logstore', () => {
    const role = template().Resources.EventStoreRole.Properties as {
      RoleName: string;
      AssumeRolePolicyDocument: { Statement: { Principal: { Service: string[] } }[] };
      Policies: { PolicyDocument: { Statement: { Action: string[]; Resource: unknown[] }[] } }[];
    };

    assert.equal(role.RoleName, 'ecs-event-ops-event-store-cn-hangzhou');
    assert.deepEqual(role.AssumeRolePolicyDocument.Statement[0].Principal.Service, ['eventbridge.aliyuncs.com']);
    const [statement] = role.Policies[0].PolicyDocument.Statement;
    assert.deepEqual(statement.Action, ['log:PostLogStoreLogs']);
    assert.match(JSON.stringify(statement.Resource), /\/logstore\/events"/);
  });

  it('indexes the event id, source, type, subject, instance id, region and status under content, analytics on', () => {
    const index = template().Resources.EventStoreIndex.Properties;
    const [content] = index.KeyIndices as KeyIndex[];

    assert.equal(content.Name, 'content');
    assert.equal(content.Type, 'json');
    const names = (content.JsonKeyIndices ?? []).map((k) => k.Name);
    for (const key of ['id', 'source', 'type', 'subject', 'data.instanceId', 'aliyunregionid', 'data.eventStatus']) {
      assert.ok(names.includes(key), `${key} is indexed`);
    }
    assert.deepEqual(names, Object.values(EVENT_INDEX_KEYS));
    assert.ok((content.JsonKeyIndices ?? []).every((k) => k.EnableAnalytics === true));
  });

  it('indexes every ledger field of the function logs under message, with record, and keeps full text', () => {
    const index = template().Resources.FunctionLogsIndex.Properties;
    const [message] = index.KeyIndices as KeyIndex[];
    const types = Object.fromEntries((message.JsonKeyIndices ?? []).map((k) => [k.Name, k.Type]));

    assert.deepEqual(index.FullTextIndex, { Enable: true });
    assert.equal(message.Name, 'message');
    assert.equal(message.Type, 'json');
    assert.equal(types[LEDGER_RECORD_FIELD], 'text');
    for (const key of ['eventId', 'automation', 'decision', 'reason', 'calls', 'dryRun'])
      assert.equal(types[key], 'text');
    assert.equal(types.durationMs, 'long');
    assert.equal(types.total, 'long');
  });

  it('declares the four saved searches, the dashboard and the two default alerts, routed through the action policy', () => {
    const t = template();

    const searches = ofType(t, 'ALIYUN::SLS::Savedsearch').map(
      ([, p]) => (p.Detail as { SavedsearchName: string }).SavedsearchName,
    );
    const [[, dashboard]] = ofType(t, 'ALIYUN::SLS::Dashboard');
    const alerts = ofType(t, 'ALIYUN::SLS::Alert').map(([, p]) => p.Detail as AlertDetail);

    assert.deepEqual(searches, [
      'ecs-event-ops-instance-timeline',
      'ecs-event-ops-failed-actions',
      'ecs-event-ops-skipped-events',
      'ecs-event-ops-dead-lettered',
    ]);
    assert.deepEqual(
      (dashboard.Charts as { title: string }[]).map((c) => c.title),
      ['Events by type', 'Actions by outcome', 'Dead-letter queue depth', 'System events ahead (notBefore)'],
    );
    assert.deepEqual(
      alerts.map((a) => a.Name),
      ['ecs-event-ops-actions-failing', 'ecs-event-ops-no-events'],
    );
    for (const alert of alerts) {
      assert.equal(alert.Configuration.PolicyConfiguration.ActionPolicyId, 'ecs-event-ops-eventbridge');
      assert.deepEqual(alert.Configuration.Labels[0], { Key: 'app', Value: 'ecs-event-ops' });
    }
    const heartbeat = alerts[1];
    assert.equal(heartbeat.Configuration.QueryList[0].Start, '-24h');
    assert.equal(heartbeat.Configuration.QueryList[0].Store, 'events');
  });

  it('pages for dead letters from dlq-check by default and from SLS with alertVia "sls", never both', () => {
    const dlqPage = (t: Template) =>
      (t.Resources.DlqCheckFunction.Properties.EnvironmentVariables as Record<string, string>).DLQ_PAGE;
    const slsAlert = (t: Template) =>
      ofType(t, 'ALIYUN::SLS::Alert').some(([, p]) => (p.Detail as { Name: string }).Name.endsWith('dead-letters'));

    const byFunction = template();
    const bySls = template({ deadLetterCheck: { alertVia: 'sls' } });

    assert.deepEqual([dlqPage(byFunction), slsAlert(byFunction)], ['true', false]);
    assert.deepEqual([dlqPage(bySls), slsAlert(bySls)], ['false', true]);
  });

  it('watches the event store dead-letter queue with dlq-check', () => {
    const env = template().Resources.DlqCheckFunction.Properties.EnvironmentVariables as Record<string, string>;

    assert.ok(env.DLQ_QUEUE_NAMES.split(',').includes('ecs-event-ops-event-store-dlq'));
  });

  it('leaves out the event store, its searches, charts and heartbeat when eventStore.enabled is off', () => {
    const t = template({ eventStore: { enabled: false } });

    assert.equal(t.Resources.EventStoreLogstore, undefined);
    assert.equal(t.Resources.EventStoreRule, undefined);
    assert.ok(!JSON.stringify(ofType(t, 'ALIYUN::SLS::Savedsearch')).includes('"Logstore":"events"'));
    assert.deepEqual(
      ofType(t, 'ALIYUN::SLS::Alert').map(([, p]) => (p.Detail as { Name: string }).Name),
      ['ecs-event-ops-actions-failing'],
    );
  });

  it('takes eventStore.retentionDays within the SLS TTL range and refuses one outside it', () => {
    assert.equal(template({ eventStore: { retentionDays: 90 } }).Resources.EventStoreLogstore.Properties.TTL, 90);
    assert.throws(() => template({ eventStore: { retentionDays: 3601 } }), /eventStore\.retentionDays/);
  });

  it('routes the SLS alerts of the stack to notify with a rule matching sls.alert, both sources and the app label, with DLQ and retry', () => {
    const rule = template().Resources.SlsAlertsRule.Properties;
    const [target] = rule.Targets as Record<string, unknown>[];

    assert.equal(rule.RuleName, 'ecs-event-ops-sls-alerts');
    assert.deepEqual(rule.FilterPattern, {
      source: ['acs.sls', 'acs:sls'],
      type: ['sls.alert'],
      data: { labels: { app: ['ecs-event-ops'] } },
    });
    assert.equal(target.Type, 'acs.fc.function');
    assert.equal(target.PushRetryStrategy, 'EXPONENTIAL_DECAY_RETRY');
    assert.deepEqual(target.DeadLetterQueue, { Arn: { 'Fn::GetAtt': ['NotifyDeadLetterQueue', 'ARN.WithSlash'] } });
  });

  it('declares the SLS alert rule exactly when the stack declares SLS alerts', () => {
    const rule = (config: unknown) => template(config).Resources.SlsAlertsRule;

    assert.equal(rule({ slsAlerts: { enabled: false } }), undefined);
    assert.notEqual(rule({ slsAlerts: { enabled: false }, deadLetterCheck: { alertVia: 'sls' } }), undefined);
  });

  it('passes the target and RAM policy rules with the event store rule and its role', () => {
    const t = template({ deadLetterCheck: { alertVia: 'sls' } });

    const findings = [targetDlqRetry, ramLeastPrivilege].flatMap((rule) =>
      rule.check({ stack: STACK, template: t as unknown as RosTemplate, bundleBudgetKb: 350, codeBytes: () => 0 }),
    );

    assert.deepEqual(findings, []);
  });
});
