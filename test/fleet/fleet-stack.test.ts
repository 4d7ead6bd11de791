import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { REGION_IDS } from '../../lib/config';
import { ACCOUNTS, FLEET_CONTEXT, synthFleet } from './support';

type Resource = { Type: string; Properties: Record<string, unknown>; DependsOn?: string[] };
type Template = { Resources: Record<string, Resource>; Parameters?: Record<string, Record<string, unknown>> };

const FLEET = 'ecs-event-ops-fleet';

function template(dir: string, stack = FLEET): Template {
  return JSON.parse(fs.readFileSync(path.join(dir, `${stack}.template.json`), 'utf8')) as Template;
}

function ofType(t: Template, type: string): [string, Resource][] {
  return Object.entries(t.Resources).filter(([, r]) => r.Type === type);
}

describe('fleet stack', () => {
  let dir: string;
  let fleet: Template;
  before(() => {
    dir = synthFleet();
    fleet = template(dir);
  });

  test('declares a self-managed stack group with the default RAM roles for a list of accounts', () => {
    const groups = ofType(fleet, 'ALIYUN::ROS::StackGroup');
    assert.equal(groups.length, 1);
    const [id, group] = groups[0];
    assert.equal(id, 'StackGroup');
    assert.equal(group.Properties.StackGroupName, 'ecs-event-ops-fleet');
    assert.equal(group.Properties.PermissionModel, 'SELF_MANAGED');
    assert.equal(group.Properties.AdministrationRoleName, 'AliyunROSStackGroupAdministrationRole');
    assert.equal(group.Properties.ExecutionRoleName, 'AliyunROSStackGroupExecutionRole');
    assert.equal(group.Properties.AutoDeployment, undefined);
  });

  test('adds one stack instances per region, canary first, each depending on the one before', () => {
    const instances = ofType(fleet, 'ALIYUN::ROS::StackInstances');
    assert.deepEqual(
      instances.map(([id, r]) => [id, r.Properties.RegionIds, r.DependsOn]),
      [
        ['StackInstancesCnHangzhou', ['cn-hangzhou'], ['StackGroup', 'RegionGuard']],
        ['StackInstancesCnShanghai', ['cn-shanghai'], ['StackInstancesCnHangzhou', 'RegionGuard']],
        ['StackInstancesApSoutheast1', ['ap-southeast-1'], ['StackInstancesCnShanghai', 'RegionGuard']],
      ],
    );
    for (const [, r] of instances) {
      assert.equal(r.Properties.StackGroupName, 'ecs-event-ops-fleet');
      assert.deepEqual(r.Properties.AccountIds, ACCOUNTS);
      assert.deepEqual(r.Properties.OperationPreferences, { MaxConcurrentPercentage: 50, FailureToleranceCount: 1 });
    }
  });

  test("passes each region's memory and alert time zone as parameter overrides", () => {
    const overrides = Object.fromEntries(
      ofType(fleet, 'ALIYUN::ROS::StackInstances').map(([, r]) => [
        (r.Properties.RegionIds as string[])[0],
        r.Properties.ParameterOverrides,
      ]),
    );
    assert.deepEqual(overrides['ap-southeast-1'], {
      FunctionMemoryMb: '512',
      FunctionTimeoutSeconds: '60',
      AlertTimeZone: 'Asia/Singapore',
    });
    assert.deepEqual(overrides['cn-hangzhou'], {
      FunctionMemoryMb: '256',
      FunctionTimeoutSeconds: '60',
      AlertTimeZone: 'Asia/Shanghai',
    });
  });

  test('deploys a region template that names no fixed account or region', () => {
    const body = fleet.Resources.StackGroup.Properties.TemplateBody as Template;
    const text = JSON.stringify(body);
    assert.ok(ofType(body, 'ALIYUN::FC::Function').length > 0, 'the template has functions');
    assert.doesNotMatch(text.replace(/"ZipFile":"[^"]*"/g, ''), /\d{12,}/, 'no account id');
    for (const region of REGION_IDS) assert.ok(!text.includes(region), `no literal region ${region}`);
    assert.equal(body.Parameters?.StackRegion, undefined, 'no region guard');
    for (const [id, fn] of ofType(body, 'ALIYUN::FC::Function')) {
      assert.deepEqual(fn.Properties.MemorySize, { Ref: 'FunctionMemoryMb' }, id);
      if (id === 'SpotDrainFunction') {
        // A minimum timeout (drainSeconds + 30 s) is fixed: a per-region parameter could go below it.
        assert.equal(fn.Properties.Timeout, 90, id);
      } else {
        assert.deepEqual(fn.Properties.Timeout, { Ref: 'FunctionTimeoutSeconds' }, id);
      }
    }
  });

  test('refuses to deploy the fleet stack outside the canary region, with the region guard of a region stack', () => {
    assert.deepEqual(fleet.Parameters?.StackRegion?.Default, 'cn-hangzhou');
    assert.deepEqual(fleet.Parameters?.StackRegion?.AllowedValues, ['cn-hangzhou']);
    assert.equal(fleet.Resources.RegionGuard.Type, 'ALIYUN::ROS::Assert');
    assert.ok(fleet.Resources.StackGroup.DependsOn?.includes('RegionGuard'));
  });

  test('puts the handler zips inline by default, and writes no code manifest to publish', () => {
    const body = fleet.Resources.StackGroup.Properties.TemplateBody as Template;
    for (const [id, fn] of ofType(body, 'ALIYUN::FC::Function')) {
      const code = fn.Properties.Code as Record<string, unknown>;
      assert.deepEqual(Object.keys(code), ['ZipFile'], id);
      assert.equal(
        Buffer.from(code.ZipFile as string, 'base64')
          .subarray(0, 4)
          .toString('hex'),
        '504b0304',
        id,
      );
    }
    assert.equal(fs.existsSync(path.join(dir, `${FLEET}.code.json`)), false);
  });

  test('synthesizes the same fleet template twice', () => {
    assert.equal(
      fs.readFileSync(path.join(synthFleet(), `${FLEET}.template.json`), 'utf8'),
      fs.readFileSync(path.join(dir, `${FLEET}.template.json`), 'utf8'),
    );
  });
});

describe('fleet stack for Resource Directory folders', () => {
  test('declares a service-managed group with automatic deployment and folder targets', () => {
    const { accountIds: _accounts, ...rest } = FLEET_CONTEXT.fleet;
    const fleet = template(synthFleet({ ...FLEET_CONTEXT, fleet: { ...rest, folderIds: ['fd-abc123'] } }));
    const group = fleet.Resources.StackGroup.Properties;
    assert.equal(group.PermissionModel, 'SERVICE_MANAGED');
    assert.deepEqual(group.AutoDeployment, { Enabled: true, RetainStacksOnAccountRemoval: false });
    assert.equal(group.AdministrationRoleName, undefined);
    for (const [, r] of ofType(fleet, 'ALIYUN::ROS::StackInstances')) {
      assert.deepEqual(r.Properties.DeploymentTargets, { RdFolderIds: ['fd-abc123'] });
      assert.equal(r.Properties.AccountIds, undefined);
    }
  });

  test('names the region in the code bucket, and lists every fleet region in the code manifest, with shared buckets', () => {
    const dir = synthFleet({ ...FLEET_CONTEXT, fleet: { ...FLEET_CONTEXT.fleet, codeSource: 'shared' } });
    const body = template(dir).Resources.StackGroup.Properties.TemplateBody as Template;
    for (const [id, fn] of ofType(body, 'ALIYUN::FC::Function')) {
      assert.deepEqual(
        (fn.Properties.Code as Record<string, unknown>).OssBucketName,
        { 'Fn::Join': ['', ['cdk-acme42-assets-', { Ref: 'ALIYUN::Region' }]] },
        id,
      );
    }
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, `${FLEET}.code.json`), 'utf8'));
    assert.deepEqual(manifest.fleet, {
      regions: ['cn-hangzhou', 'cn-shanghai', 'ap-southeast-1'],
      codeSource: 'shared',
    });
    assert.ok(manifest.objects.length > 0);
    for (const object of manifest.objects) assert.ok(fs.existsSync(path.join(dir, object.file)), object.file);
  });

  test('names the member account in the code bucket when each account keeps its own code', () => {
    const fleet = template(
      synthFleet({ ...FLEET_CONTEXT, fleet: { ...FLEET_CONTEXT.fleet, codeSource: 'per-account' } }),
    );
    const body = fleet.Resources.StackGroup.Properties.TemplateBody as Template;
    const [, fn] = ofType(body, 'ALIYUN::FC::Function')[0];
    assert.deepEqual((fn.Properties.Code as Record<string, unknown>).OssBucketName, {
      'Fn::Join': ['', ['cdk-acme42-assets-', { Ref: 'ALIYUN::AccountId' }, '-', { Ref: 'ALIYUN::Region' }]],
    });
  });
});

describe('synth without a fleet block', () => {
  test('adds no fleet stack', () => {
    const dir = synthFleet({ assetsQualifier: 'acme42' });
    assert.equal(fs.existsSync(path.join(dir, `${FLEET}.template.json`)), false);
  });
});
