import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { loadConfig } from '../../lib/config';
import { checkAssembly } from '../../lib/policy/check-assembly';
import { PublishError, publishCode } from '../../ops/code/publish';
import { compareAssemblies, readAssembly, renderMarkdown } from '../../ops/diff';
import { FakeOssBucketHost } from '../../ops/fake-cloud/oss-bucket-host';
import { copyAssembly } from '../diff/assemblies';
import { FLEET_CONTEXT, synthFleet } from './support';

const FLEET = 'ecs-event-ops-fleet';
const GROUP_TEMPLATE = 'ecs-event-ops-fleet-template';
const CREDENTIALS = { accessKeyId: 'AKIDTEST', accessKeySecret: 'secret-for-tests' };

type Body = {
  Parameters: Record<string, Record<string, unknown>>;
  Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
};

/** A copy of the assembly in `dir` with `edit` applied to the template the stack group deploys. */
function withGroupTemplate(dir: string, edit: (body: Body) => void): string {
  const copy = copyAssembly(dir);
  const file = path.join(copy, `${FLEET}.template.json`);
  const template = JSON.parse(fs.readFileSync(file, 'utf8'));
  edit(template.Resources.StackGroup.Properties.TemplateBody as Body);
  fs.writeFileSync(file, JSON.stringify(template, null, 2));
  return copy;
}

describe("review of the stack group's template", () => {
  let dir: string;
  const config = loadConfig(FLEET_CONTEXT);
  before(() => {
    dir = synthFleet();
  });

  test('the policy passes the fleet template as synthesized', () => {
    const report = checkAssembly(dir, config);
    assert.deepEqual(report.findings, []);
  });

  test('the policy looks inside the group template: a timeout parameter that allows 3 s is a finding', () => {
    const edited = withGroupTemplate(dir, (body) => {
      body.Parameters.FunctionTimeoutSeconds.MinValue = 3;
    });
    const findings = checkAssembly(edited, config).findings.filter((f) => f.rule === 'function-logging-timeout');
    assert.ok(findings.length > 0);
    assert.ok(findings.every((f) => f.stack === GROUP_TEMPLATE));
    assert.match(findings[0].message, /\{"Ref":"FunctionTimeoutSeconds"\} \(as low as 3\); set more than 3 s/);
  });

  test('the policy looks inside the group template: a wildcard action in a function role is a finding', () => {
    const edited = withGroupTemplate(dir, (body) => {
      const [, role] = Object.entries(body.Resources).find(([, r]) => r.Type === 'ALIYUN::RAM::Role') ?? [];
      assert.ok(role);
      const policies = role.Properties.Policies as { PolicyDocument: { Statement: Record<string, unknown>[] } }[];
      policies[0].PolicyDocument.Statement[0].Action = ['*'];
    });
    const findings = checkAssembly(edited, config).findings.filter((f) => f.rule === 'ram-least-privilege');
    assert.ok(findings.some((f) => f.stack === GROUP_TEMPLATE));
  });

  test('the diff marks a change to the group template as a fleet-wide rollout at the top of the report', () => {
    const head = withGroupTemplate(dir, (body) => {
      const [, fn] = Object.entries(body.Resources).find(([, r]) => r.Type === 'ALIYUN::FC::Function') ?? [];
      assert.ok(fn);
      fn.Properties.Description = 'changed';
    });
    const comparison = compareAssemblies(readAssembly(dir), readAssembly(head));
    const { report } = comparison;
    assert.deepEqual(report.summary.fleetWideRollout, [GROUP_TEMPLATE]);
    const group = report.stacks.find((s) => s.stack === GROUP_TEMPLATE);
    assert.equal(group?.fleetWide, true);
    assert.deepEqual(
      group?.changes.map((c) => [c.type, c.paths.map((p) => p.path)]),
      [['ALIYUN::FC::Function', ['Properties.Description']]],
    );
    // The fleet stack shows the body as one digest, not the whole template again.
    const fleet = report.stacks.find((s) => s.stack === FLEET);
    assert.deepEqual(
      fleet?.changes.map((c) => [c.logicalId, c.paths.map((p) => p.path)]),
      [['StackGroup', ['Properties.TemplateBody.Sha256']]],
    );
    const markdown = renderMarkdown(comparison);
    assert.ok(markdown.startsWith('> [!WARNING]\n> **Fleet-wide rollout**'), markdown.slice(0, 200));
    assert.match(markdown, /every target account and region/);
    assert.match(markdown, new RegExp(`### \`${GROUP_TEMPLATE}\`: changed \\(stack group template`));
  });

  test('the diff shows a changed inline zip as changed code, not as a base64 string', () => {
    const head = withGroupTemplate(dir, (body) => {
      const [, fn] = Object.entries(body.Resources).find(([, r]) => r.Type === 'ALIYUN::FC::Function') ?? [];
      assert.ok(fn);
      (fn.Properties.Code as Record<string, unknown>).ZipFile = Buffer.from('other zip').toString('base64');
    });
    const group = compareAssemblies(readAssembly(dir), readAssembly(head)).report.stacks.find(
      (s) => s.stack === GROUP_TEMPLATE,
    );
    assert.deepEqual(
      group?.changes.map((c) => [c.type, c.codeChanged, c.paths]),
      [['ALIYUN::FC::Function', true, []]],
    );
  });

  test('the diff of an unchanged fleet has no fleet-wide rollout', () => {
    const { report } = compareAssemblies(readAssembly(dir), readAssembly(copyAssembly(dir)));
    assert.equal(report.summary.fleetWideRollout, undefined);
    assert.ok(report.stacks.every((s) => s.status === 'unchanged'));
  });
});

describe('npm run assets:publish with a fleet', () => {
  test("uploads the group template's code to the code bucket of a fleet region", async () => {
    const dir = synthFleet({ ...FLEET_CONTEXT, fleet: { ...FLEET_CONTEXT.fleet, codeSource: 'shared' } });
    const bucket = 'cdk-acme42-assets-cn-shanghai';
    const host = new FakeOssBucketHost({ bucket, region: 'cn-shanghai', ...CREDENTIALS });
    const endpoint = await host.start();
    try {
      const published = await publishCode({
        assemblyDir: dir,
        region: 'cn-shanghai',
        credentials: CREDENTIALS,
        endpoint,
      });
      const manifest = JSON.parse(fs.readFileSync(path.join(dir, `${FLEET}.code.json`), 'utf8'));
      assert.deepEqual(
        published.map((p) => [p.stack, p.region, p.bucket, p.uploaded.length]),
        [[FLEET, 'cn-shanghai', bucket, manifest.objects.length]],
      );
      for (const object of manifest.objects) assert.ok(host.objects.has(object.key), object.key);
    } finally {
      await host.stop();
    }
  });

  test("uploads to a member account's own bucket with per-account code buckets, and refuses without its id", async () => {
    const dir = synthFleet({ ...FLEET_CONTEXT, fleet: { ...FLEET_CONTEXT.fleet, codeSource: 'per-account' } });
    await assert.rejects(
      publishCode({ assemblyDir: dir, region: 'cn-shanghai', credentials: CREDENTIALS, dryRun: true }),
      (error: unknown) => error instanceof PublishError && /--account-id/.test(error.message),
    );
    const bucket = 'cdk-acme42-assets-1234567890123456-cn-shanghai';
    const host = new FakeOssBucketHost({ bucket, region: 'cn-shanghai', ...CREDENTIALS });
    const endpoint = await host.start();
    try {
      const [published] = await publishCode({
        assemblyDir: dir,
        region: 'cn-shanghai',
        accountId: '1234567890123456',
        credentials: CREDENTIALS,
        endpoint,
      });
      assert.equal(published.bucket, bucket);
      assert.ok(published.uploaded.length > 0);
    } finally {
      await host.stop();
    }
  });
});
