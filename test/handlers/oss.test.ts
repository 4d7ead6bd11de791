import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { createOssClient, ossAuthorization, ossStringToSign } from '../../lambda-src/commons/oss';
import { FakeCloud, TEST_CREDENTIALS } from '../../ops/fake-cloud';
import { BUCKET, rejection, world } from '../support/harness';

// The worked example of the OSS V1 documentation (older revision of
// https://www.alibabacloud.com/help/en/oss/developer-reference/include-signatures-in-the-authorization-header).
const DOC_EXAMPLE = {
  verb: 'PUT',
  contentMd5: 'ODBGOERFMDMzQTczRUY3NUE3NzA5QzdFNUYzMDQxNEM=',
  contentType: 'text/html',
  date: 'Thu, 17 Nov 2005 18:49:58 GMT',
  ossHeaders: { 'X-OSS-Meta-Author': 'foo@bar.com', 'X-OSS-Magic': 'abracadabra' },
  canonicalizedResource: '/oss-example/nelson',
};

let cloud: FakeCloud | undefined;
afterEach(async () => {
  await cloud?.stop();
  cloud = undefined;
});

async function client(pageSize?: number) {
  cloud = await FakeCloud.start({ world: world(), ossListPageSize: pageSize });
  return createOssClient({
    bucket: BUCKET,
    region: 'cn-hangzhou',
    credentials: TEST_CREDENTIALS,
    endpoint: new URL(cloud.url),
  });
}

describe('OSS client', () => {
  it('builds the documented V1 string to sign, lower-casing and sorting x-oss headers', () => {
    assert.equal(
      ossStringToSign(DOC_EXAMPLE),
      'PUT\nODBGOERFMDMzQTczRUY3NUE3NzA5QzdFNUYzMDQxNEM=\ntext/html\nThu, 17 Nov 2005 18:49:58 GMT\nx-oss-magic:abracadabra\nx-oss-meta-author:foo@bar.com\n/oss-example/nelson',
    );
  });

  it('reproduces the signature of the documentation example', () => {
    assert.equal(
      ossAuthorization('44CF9590006BF252F707', 'OtxrzxIsfpFjA7SwPzILwy8Bw21TLhquhboDYROV', DOC_EXAMPLE),
      'OSS 44CF9590006BF252F707:26NBxoKdsyly4EDv6inkoDft/yA=',
    );
  });

  it('round-trips an object whose key needs URL encoding, signed with the STS token', async () => {
    const oss = await client();
    const key = 'archive/acs.ecs/ecs:Instance:StateChange/region=cn-hangzhou/a b+c.json';

    assert.equal(await oss.putObject(key, '{"a":1}', { contentType: 'application/json' }), true);
    assert.equal(await oss.getObject(key), '{"a":1}');
    assert.ok(cloud!.calls('oss').every((c) => c.signed && c.securityToken === TEST_CREDENTIALS.securityToken));
  });

  it('returns undefined for a missing key', async () => {
    const oss = await client();

    assert.equal(await oss.getObject('nope.json'), undefined);
  });

  it('returns false instead of overwriting when forbidOverwrite is set', async () => {
    const oss = await client();
    await oss.putObject('k.json', 'first', { contentType: 'text/plain' });

    const written = await oss.putObject('k.json', 'second', { contentType: 'text/plain', forbidOverwrite: true });

    assert.equal(written, false);
    assert.equal(cloud!.getObject(BUCKET, 'k.json'), 'first');
  });

  it('lists every key under a prefix across pages', async () => {
    const oss = await client(2);
    for (const name of ['a', 'b', 'c', 'd', 'e']) cloud!.putObject(BUCKET, `p/${name}&.json`, '{}');
    cloud!.putObject(BUCKET, 'q/other.json', '{}');

    const keys = await oss.listObjects('p/');

    assert.deepEqual(keys, ['p/a&.json', 'p/b&.json', 'p/c&.json', 'p/d&.json', 'p/e&.json']);
    assert.equal(cloud!.calls('oss').length, 3);
  });

  it('is rejected by the fake when signed with the wrong secret', async () => {
    cloud = await FakeCloud.start({ world: world() });
    const wrong = createOssClient({
      bucket: BUCKET,
      region: 'cn-hangzhou',
      credentials: { ...TEST_CREDENTIALS, accessKeySecret: 'wrong' },
      endpoint: new URL(cloud.url),
    });

    const error = await rejection(wrong.getObject('k.json'));

    assert.equal(error.name, 'PermanentError');
    assert.match(error.message, /SignatureDoesNotMatch/);
    assert.equal(cloud.calls('oss')[0].signed, false);
  });

  it('reports a network failure as retryable', async () => {
    const oss = createOssClient({
      bucket: BUCKET,
      region: 'cn-hangzhou',
      credentials: TEST_CREDENTIALS,
      endpoint: new URL('http://127.0.0.1:1'),
    });

    const error = await rejection(oss.getObject('k.json'));

    assert.equal(error.name, 'RetryableError');
  });
});
