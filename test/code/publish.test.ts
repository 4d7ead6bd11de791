import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BUILT_IN_UNITS } from '../../lib/automations';
import { loadConfig } from '../../lib/config';
import { RegionStack } from '../../lib/stacks/region-stack';
import { credentialsFromEnvironment, PublishError, publishCode } from '../../ops/code/publish';
import { FakeOssBucketHost } from '../../ops/fake-cloud/oss-bucket-host';
import { testApp } from '../support/synth';

const ROOT = path.resolve(__dirname, '..', '..');
const CREDENTIALS = { accessKeyId: 'AKIDTEST', accessKeySecret: 'secret-for-tests', securityToken: 'sts-token-1' };
const BUCKET = 'cdk-acme42-assets-cn-hangzhou';

/** A synthesized assembly of the default app with the given qualifier. */
function assembly(qualifier: string): string {
  const app = testApp();
  const config = loadConfig({ assetsQualifier: qualifier });
  for (const region of config.regions)
    new RegionStack(app, { config: region, assetsQualifier: config.assetsQualifier, units: BUILT_IN_UNITS });
  return app.synth().directory;
}

describe('npm run assets:publish', () => {
  let dir: string;
  before(() => {
    dir = assembly('acme42');
  });

  async function withHost<T>(
    props: Partial<ConstructorParameters<typeof FakeOssBucketHost>[0]>,
    run: (host: FakeOssBucketHost, endpoint: string) => Promise<T>,
  ): Promise<T> {
    const host = new FakeOssBucketHost({ bucket: BUCKET, region: 'cn-hangzhou', ...CREDENTIALS, ...props });
    const endpoint = await host.start();
    try {
      return await run(host, endpoint);
    } finally {
      await host.stop();
    }
  }

  test('creates a private, encrypted bucket and uploads every code object, signed, with the STS token', async () => {
    await withHost({}, async (host, endpoint) => {
      const [stack] = await publishCode({ assemblyDir: dir, credentials: CREDENTIALS, endpoint });
      assert.equal(stack.bucket, BUCKET);
      assert.equal(stack.bucketCreated, true);
      assert.equal(host.acl, 'private');
      assert.equal(host.encryption, 'AES256');
      assert.equal(stack.uploaded.length, 6);
      assert.ok(host.calls.every((c) => c.signed && c.securityToken === 'sts-token-1'));
      const manifest = JSON.parse(fs.readFileSync(path.join(dir, `${stack.stack}.code.json`), 'utf8'));
      for (const object of manifest.objects) {
        const stored = host.objects.get(object.key);
        assert.ok(stored, object.key);
        assert.deepEqual(stored.body, fs.readFileSync(path.join(dir, object.file)));
        assert.equal(stored.meta.sha256, object.sha256);
      }
      assert.ok(
        host.calls.filter((c) => c.action === 'PutObject').every((c) => c.headers['x-oss-forbid-overwrite'] === 'true'),
      );
    });
  });

  test('uploads nothing the bucket already holds, and deletes nothing', async () => {
    await withHost({}, async (host, endpoint) => {
      await publishCode({ assemblyDir: dir, credentials: CREDENTIALS, endpoint });
      host.objects.set('ecs-event-ops/old/previous.zip', { body: Buffer.from('old'), meta: {} });
      const before = host.calls.length;
      const [again] = await publishCode({ assemblyDir: dir, credentials: CREDENTIALS, endpoint });
      assert.equal(again.bucketCreated, false);
      assert.deepEqual(again.uploaded, []);
      assert.equal(again.present.length, 6);
      assert.ok(host.calls.slice(before).every((c) => c.action === 'GetBucketInfo' || c.action === 'HeadObject'));
      assert.ok(host.objects.has('ecs-event-ops/old/previous.zip'));
    });
  });

  test('retries a transient 503 and still publishes', async () => {
    await withHost({}, async (host, endpoint) => {
      host.failNext = 2;
      const [stack] = await publishCode({ assemblyDir: dir, credentials: CREDENTIALS, endpoint });
      assert.equal(stack.uploaded.length, 6);
      assert.equal(host.calls.filter((c) => c.status === 503).length, 2);
    });
  });

  test('refuses a bucket another account owns, saying to set an own assetsQualifier', async () => {
    await withHost({ ownedByAnotherAccount: true }, async (host, endpoint) => {
      await assert.rejects(
        publishCode({ assemblyDir: dir, credentials: CREDENTIALS, endpoint }),
        (error: Error) =>
          error instanceof PublishError &&
          /exists and this account cannot read it/.test(error.message) &&
          /assetsQualifier/.test(error.message),
      );
      assert.ok(!host.calls.some((c) => c.action === 'PutBucket' || c.action === 'PutObject'));
    });
  });

  test('refuses the default qualifier before calling OSS, saying how to set one', async () => {
    await withHost({ bucket: 'cdk-eeo-assets-cn-hangzhou' }, async (host, endpoint) => {
      await assert.rejects(
        publishCode({ assemblyDir: assembly('eeo'), credentials: CREDENTIALS, endpoint }),
        /"assetsQualifier" is the default "eeo".*"assetsQualifier": "acme42"/s,
      );
      assert.equal(host.calls.length, 0);
    });
  });

  test('sends nothing to an http:// endpoint override that is not loopback', async () => {
    await assert.rejects(
      publishCode({ assemblyDir: dir, credentials: CREDENTIALS, endpoint: 'http://oss.example.com' }),
      /uses http:\/\/ to the non-loopback host "oss\.example\.com"/,
    );
  });

  test('says where credentials are looked up when there are none', () => {
    assert.throws(
      () => credentialsFromEnvironment({}),
      /no credentials found: set ALIBABA_CLOUD_ACCESS_KEY_ID.*ACCESS_KEY_ID/,
    );
    assert.deepEqual(credentialsFromEnvironment({ ACCESS_KEY_ID: 'a', ACCESS_KEY_SECRET: 'b', SECURITY_TOKEN: 't' }), {
      accessKeyId: 'a',
      accessKeySecret: 'b',
      securityToken: 't',
    });
  });

  test('the command answers --help, refuses an unknown flag with exit 2 and a missing assembly with exit 1', () => {
    const run = (args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'tools/assets-publish.ts', ...args], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, ACCESS_KEY_ID: 'a', ACCESS_KEY_SECRET: 'b' },
      });
    const help = run(['--help']);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /Usage: npm run assets:publish/);
    assert.match(help.stdout, /Examples?:/);
    const unknown = run(['--regoin', 'cn-hangzhou']);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /^error: .*--regoin/);
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'eeo-empty-'));
    const missing = run(['--assembly', empty]);
    assert.equal(missing.status, 1);
    assert.equal(missing.stderr.trim().split('\n').length, 1);
    assert.match(missing.stderr, /no cloud assembly .* run npm run synth first/);
  });

  after(() => fs.rmSync(dir, { recursive: true, force: true }));
});
