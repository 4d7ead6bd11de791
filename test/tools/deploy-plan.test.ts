import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { loadConfig } from '../../lib/config';
import {
  DeployPlanError,
  fleetDeployment,
  parameterArguments,
  STACK_REGION_PARAMETER,
  secretName,
  stackRegions,
} from '../../ops/deploy-plan';
import { rolloutPlan } from '../../ops/fleet';
import { FLEET_CONTEXT, synthFleet } from '../fleet/support';
import { synthRegions } from '../support/synth';

const ROOT = path.resolve(__dirname, '..', '..');

/** Every channel on: the template declares every NoEcho parameter the app has. */
const ALL_CHANNELS = {
  regions: ['cn-hangzhou', 'cn-shanghai'],
  notifications: { dingTalk: true, webhook: true },
  snapshots: { monitoringEndpoint: 'https://monitor.example.com/hooks/ecs' },
};

/** An assembly folder with one template per region, each with the region guard's parameter. */
function assembly(regions: readonly string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eeo-deploy-plan-'));
  const artifacts: Record<string, unknown> = {};
  for (const region of regions) {
    const stack = `ecs-event-ops-${region}`;
    artifacts[`${stack}.assets`] = { type: 'cdk:asset-manifest', properties: { file: `${stack}.assets.json` } };
    artifacts[stack] = { type: 'aliyun:ros:stack', properties: { templateFile: `${stack}.template.json` } };
    const template = { Parameters: { [STACK_REGION_PARAMETER]: { Type: 'String', Default: region } }, Resources: {} };
    fs.writeFileSync(path.join(dir, `${stack}.template.json`), JSON.stringify(template));
  }
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ version: '7.0.0', artifacts }));
  return dir;
}

function run(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'tools/deploy-plan.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', ...env },
  });
}

describe('secretName', () => {
  test('names the secret of each NoEcho parameter in upper snake case', () => {
    assert.deepEqual(
      ['DingTalkWebhookUrl', 'DingTalkSecret', 'WebhookUrl', 'WebhookToken', 'MonitoringToken'].map(secretName),
      ['DING_TALK_WEBHOOK_URL', 'DING_TALK_SECRET', 'WEBHOOK_URL', 'WEBHOOK_TOKEN', 'MONITORING_TOKEN'],
    );
  });
});

describe('stackRegions', () => {
  test('lists every stack with the region of its StackRegion parameter, in manifest order', () => {
    const dir = assembly(['cn-shanghai', 'cn-hangzhou']);
    assert.deepEqual(stackRegions(dir), [
      { stack: 'ecs-event-ops-cn-shanghai', region: 'cn-shanghai' },
      { stack: 'ecs-event-ops-cn-hangzhou', region: 'cn-hangzhou' },
    ]);
  });

  test('refuses a stack without the region guard, naming the stack and the parameter', () => {
    const dir = assembly(['cn-hangzhou']);
    const file = path.join(dir, 'ecs-event-ops-cn-hangzhou.template.json');
    fs.writeFileSync(file, JSON.stringify({ Resources: {} }));
    assert.throws(
      () => stackRegions(dir),
      (e: Error) => {
        assert.ok(e instanceof DeployPlanError);
        assert.match(e.message, /ecs-event-ops-cn-hangzhou: parameter StackRegion has default undefined/);
        return true;
      },
    );
  });

  test('refuses an assembly without a stack', () => {
    const dir = assembly([]);
    assert.throws(() => stackRegions(dir), /cloud assembly .* holds no stack \(manifest\.json lists none\)/);
  });
});

describe('the fleet stack', () => {
  const context = { ...FLEET_CONTEXT, regions: ['eu-central-1'] };
  const dir = synthFleet(context);

  test('lists only the region stacks for the matrix, and the fleet stack with its region for the fleet job', () => {
    assert.deepEqual(stackRegions(dir), [{ stack: 'ecs-event-ops-eu-central-1', region: 'eu-central-1' }]);
    assert.deepEqual(fleetDeployment(dir), {
      configured: true,
      stack: 'ecs-event-ops-fleet',
      region: 'cn-hangzhou',
      codeSource: 'inline',
      publish: false,
    });
  });

  test('agrees with the rollout plan of npm run fleet -- plan on the stack and its region', () => {
    const config = loadConfig(context);
    assert.ok(config.fleet);
    const plan = rolloutPlan(config.namePrefix, config.fleet);
    const deployment = fleetDeployment(dir);
    assert.ok(deployment.configured);
    assert.deepEqual([plan.stack, plan.region, plan.codeSource], [deployment.stack, deployment.region, 'inline']);
  });

  test('asks for a publish when the member accounts read the code from a bucket', () => {
    const shared = synthFleet({ ...FLEET_CONTEXT, fleet: { ...FLEET_CONTEXT.fleet, codeSource: 'shared' } });
    const deployment = fleetDeployment(shared);
    assert.ok(deployment.configured);
    assert.deepEqual([deployment.codeSource, deployment.publish], ['shared', true]);
    assert.deepEqual(stackRegions(shared), [], 'a fleet-only configuration has no region stack');
  });

  test('reports no fleet for an assembly of region stacks', () => {
    assert.deepEqual(fleetDeployment(assembly(['cn-hangzhou'])), { configured: false });
  });

  test('refuses a fleet stack without the region guard, naming the stack and the parameter', () => {
    const bare = assembly([]);
    const stack = 'ecs-event-ops-fleet';
    const template = { Resources: { StackGroup: { Type: 'ALIYUN::ROS::StackGroup', Properties: {} } } };
    fs.writeFileSync(path.join(bare, `${stack}.template.json`), JSON.stringify(template));
    const artifacts = { [stack]: { type: 'aliyun:ros:stack', properties: { templateFile: `${stack}.template.json` } } };
    fs.writeFileSync(path.join(bare, 'manifest.json'), JSON.stringify({ version: '7.0.0', artifacts }));
    assert.throws(
      () => fleetDeployment(bare),
      /stack ecs-event-ops-fleet: parameter StackRegion has default undefined/,
    );
  });
});

describe('parameterArguments', () => {
  const template = synthRegions(ALL_CHANNELS)['ecs-event-ops-cn-hangzhou'];
  const secrets = {
    DING_TALK_WEBHOOK_URL: 'https://oapi.dingtalk.com/robot/send?access_token=abc',
    DING_TALK_SECRET: 'SEC123',
    WEBHOOK_URL: 'https://hooks.example.com/a=b',
    WEBHOOK_TOKEN: 'token',
    MONITORING_TOKEN: 'monitoring',
  };

  test('passes every NoEcho parameter of the template from the secret of the same name', () => {
    const { names, args } = parameterArguments(template, secrets);
    assert.deepEqual(names, ['DingTalkSecret', 'DingTalkWebhookUrl', 'MonitoringToken', 'WebhookToken', 'WebhookUrl']);
    assert.deepEqual(args, [
      '--parameters',
      'DingTalkSecret=SEC123',
      '--parameters',
      'DingTalkWebhookUrl=https://oapi.dingtalk.com/robot/send?access_token=abc',
      '--parameters',
      'MonitoringToken=monitoring',
      '--parameters',
      'WebhookToken=token',
      '--parameters',
      'WebhookUrl=https://hooks.example.com/a=b',
    ]);
  });

  test('passes nothing for a channel that is off, even when its secret is set', () => {
    const dingTalkOnly = synthRegions({ notifications: { dingTalk: true } })['ecs-event-ops-cn-hangzhou'];
    assert.deepEqual(parameterArguments(dingTalkOnly, secrets).names, ['DingTalkSecret', 'DingTalkWebhookUrl']);
    assert.deepEqual(parameterArguments(synthRegions({})['ecs-event-ops-cn-hangzhou'], secrets).args, []);
  });

  test('fails when a NoEcho parameter has no secret, naming the parameter and the secret', () => {
    const { WEBHOOK_TOKEN: _, ...withoutToken } = secrets;
    assert.throws(
      () => parameterArguments(template, { ...withoutToken, DING_TALK_SECRET: '' }),
      (e: Error) => {
        assert.ok(e instanceof DeployPlanError);
        assert.match(e.message, /DingTalkSecret \(secret DING_TALK_SECRET\), WebhookToken \(secret WEBHOOK_TOKEN\)/);
        return true;
      },
    );
  });

  test('leaves parameters with a value or a default (StackRegion) to ROS', () => {
    const guarded = { Parameters: { [STACK_REGION_PARAMETER]: { Type: 'String', Default: 'cn-hangzhou' } } };
    assert.deepEqual(parameterArguments(guarded, secrets).args, []);
  });
});

describe('deploy-plan command', () => {
  test('prints the stacks and regions as JSON for the workflow matrix', () => {
    const out = run(['stacks', '--assembly', assembly(['cn-hangzhou'])]);
    assert.equal(out.status, 0, out.stderr);
    assert.deepEqual(JSON.parse(out.stdout), [{ stack: 'ecs-event-ops-cn-hangzhou', region: 'cn-hangzhou' }]);
  });

  test('prints the fleet stack and its region as JSON for the fleet job', () => {
    const out = run(['fleet', '--assembly', synthFleet()]);
    assert.equal(out.status, 0, out.stderr);
    assert.deepEqual(JSON.parse(out.stdout), {
      configured: true,
      stack: 'ecs-event-ops-fleet',
      region: 'cn-hangzhou',
      codeSource: 'inline',
      publish: false,
    });
  });

  test('writes NUL-separated arguments, prints the parameter names and never a value', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eeo-deploy-plan-'));
    const templateFile = path.join(dir, 'stack.template.json');
    fs.writeFileSync(templateFile, JSON.stringify({ Parameters: { WebhookToken: { Type: 'String', NoEcho: true } } }));
    const outFile = path.join(dir, 'parameters');
    const out = run(['parameters', '--template', templateFile, '--out', outFile], { WEBHOOK_TOKEN: 's3cr=t' });
    assert.equal(out.status, 0, out.stderr);
    assert.equal(out.stdout, 'NoEcho parameters passed: WebhookToken\n');
    assert.equal(fs.readFileSync(outFile, 'utf8'), '--parameters\0WebhookToken=s3cr=t\0');
  });

  test('with --json, prints the names of the parameters passed as JSON, and never a value', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eeo-deploy-plan-'));
    const templateFile = path.join(dir, 'stack.template.json');
    fs.writeFileSync(templateFile, JSON.stringify({ Parameters: { WebhookToken: { Type: 'String', NoEcho: true } } }));

    const out = run(['parameters', '--template', templateFile, '--out', path.join(dir, 'p'), '--json'], {
      WEBHOOK_TOKEN: 's3cr=t',
    });

    assert.equal(out.status, 0, out.stderr);
    assert.deepEqual(JSON.parse(out.stdout), { parameters: ['WebhookToken'] });
    assert.doesNotMatch(out.stdout, /s3cr/);
  });

  test('exits 1 with one error line when a secret is missing, and 2 for a usage error', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eeo-deploy-plan-'));
    const templateFile = path.join(dir, 'stack.template.json');
    fs.writeFileSync(templateFile, JSON.stringify({ Parameters: { WebhookToken: { Type: 'String', NoEcho: true } } }));
    const missing = run(['parameters', '--template', templateFile, '--out', path.join(dir, 'p')]);
    assert.equal(missing.status, 1);
    assert.match(
      missing.stderr,
      /^error: NoEcho parameter\(s\) without a value: WebhookToken \(secret WEBHOOK_TOKEN\)/,
    );
    assert.equal(missing.stderr.trim().split('\n').length, 1);
    assert.equal(run(['deploy']).status, 2);
    assert.equal(run([]).status, 2);
  });
});
