import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeKeySegment, keySegment } from '../../lambda-src/commons/archive';
import { createFcHandler } from '../../lambda-src/commons/handler';
import { createOssClient } from '../../lambda-src/commons/oss';
import * as eventArchive from '../../lambda-src/event-archive';
import * as lifecycleAudit from '../../lambda-src/lifecycle-audit';
import { type FakeCloud, TEST_CREDENTIALS } from '../../ops/fake-cloud';
import { verifyOssV1 } from '../../ops/fake-cloud/signatures';
import { BUCKET, context, fixture, payload, REGION, startCloud, world } from '../support/harness';

let cloud: FakeCloud | undefined;
afterEach(async () => {
  await cloud?.stop();
  cloud = undefined;
});

/** Any JavaScript string, lone surrogates and surrogate pairs included. */
const anyUtf16 = fc
  .array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 24 })
  .map((units) => String.fromCharCode(...units));

describe('archive key encoding', () => {
  it('encodes an emoji as the UTF-8 bytes of its code point, without splitting the surrogate pair', () => {
    assert.equal(keySegment('ecs:Party😀'), 'ecs:Party%F0%9F%98%80');
  });

  it('escapes a lone surrogate losslessly as %uXXXX, and a literal %u stays distinguishable', () => {
    assert.equal(keySegment('a\uD800b'), 'a%uD800b');
    assert.equal(keySegment('a%uD800b'), 'a%25uD800b');
  });

  it('writes . and .. segments with encoded dots, so URL normalisation cannot remove them', () => {
    assert.deepEqual(['.', '..', '...', 'a.b'].map(keySegment), ['%2E', '%2E%2E', '...', 'a.b']);
  });

  it('is lossless, ASCII, well-formed and slash-free for any string', () => {
    fc.assert(
      fc.property(anyUtf16, (text) => {
        const segment = keySegment(text);
        assert.equal(decodeKeySegment(segment), text);
        assert.match(segment, /^[\x21-\x7e]*$/);
        assert.ok(!segment.includes('/'));
        assert.ok(segment !== '.' && segment !== '..');
      }),
      { numRuns: 2000 },
    );
  });
});

describe('archiving hostile events', () => {
  const hostile: { what: string; type?: string; id: string }[] = [
    { what: 'a type with an emoji', type: 'ecs:Instance:Party😀', id: 'evt-emoji-1' },
    { what: 'an id with a lone surrogate', id: 'evt-\uD800-lone' },
    { what: 'a type of .. and an id of .', type: '..', id: '.' },
    { what: 'a type of . and an id of ..', type: '.', id: '..' },
  ];
  for (const h of hostile) {
    it(`keeps an event with ${h.what}: every OSS request verifies at the fake, and the record is intact`, async () => {
      const started = await startCloud(world());
      cloud = started.cloud;
      const handler = createFcHandler(eventArchive.spec, started.env, { log: () => {} });
      const event = fixture('acs.ecs', 'instance-vswitchchanged');
      event.id = h.id;
      if (h.type !== undefined) event.type = h.type;

      const result = await handler(payload(event), context('event-archive'));

      assert.equal(result.outcome, 'ok');
      assert.ok(cloud.calls('oss').length >= 2);
      assert.ok(
        cloud.calls('oss').every((call) => call.signed && (call.status < 300 || call.status === 404)),
        JSON.stringify(cloud.calls('oss').map((c) => [c.action, c.status, c.signed])),
      );
      const key = String(result.archiveKey);
      const segments = key.split('/');
      assert.equal(decodeKeySegment(segments[2]), event.type);
      assert.equal(decodeKeySegment(segments.at(-1)?.slice(0, -'.json'.length) ?? ''), h.id);
      const stored = JSON.parse(cloud.getObject(BUCKET, key) ?? 'null');
      assert.equal(stored.original.id, h.id);
      assert.equal(stored.original.type, event.type);
    });
  }

  it('keeps two events whose ids differ only in a lone surrogate as two events', async () => {
    const started = await startCloud(world());
    cloud = started.cloud;
    const handler = createFcHandler(eventArchive.spec, started.env, { log: () => {} });
    const event = (id: string) => payload({ ...fixture('acs.ecs', 'instance-vswitchchanged'), id });

    const first = await handler(event('evt-\uD800'), context('event-archive'));
    const second = await handler(event('evt-\uDC00'), context('event-archive'));

    assert.equal(first.outcome, 'ok');
    assert.equal(second.outcome, 'ok');
    assert.notEqual(first.archiveKey, second.archiveKey);
  });

  it('lifecycle-audit files an event without a region under the function region', async () => {
    const started = await startCloud(world());
    cloud = started.cloud;
    const handler = createFcHandler(lifecycleAudit.spec, started.env, { log: () => {} });
    const event = fixture('acs.ecs', 'instance-statechange-stopped');
    delete event.aliyunregionid;

    const result = await handler(payload(event), context('lifecycle-audit'));

    assert.match(String(result.archiveKey), new RegExp(`/region=${REGION}/`));
    assert.equal(cloud.listKeys(BUCKET, 'archive/').length, 1);
  });
});

describe('OSS request paths', () => {
  it('sends . and .. segments and emoji byte-exactly, so the signature the server checks is the one signed', async () => {
    const seen: { rawPath: string; headers: IncomingHttpHeaders; method: string }[] = [];
    const server = createServer((req, res) => {
      seen.push({ rawPath: req.url ?? '', headers: req.headers, method: req.method ?? '' });
      req.resume();
      req.on('end', () => res.writeHead(200).end());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const oss = createOssClient({
      bucket: BUCKET,
      region: REGION,
      credentials: TEST_CREDENTIALS,
      endpoint: new URL(`http://127.0.0.1:${port}`),
    });
    const key = 'a/./b/../c/%2E/😀 +.json';
    try {
      await oss.putObject(key, '{}', { contentType: 'application/json' });
    } finally {
      server.close();
    }

    const [request] = seen;
    assert.equal(request.rawPath, `/${BUCKET}/a/%2E/b/%2E%2E/c/%252E/%F0%9F%98%80%20%2B.json`);
    const [, bucket, ...rest] = request.rawPath.split('/');
    const check = verifyOssV1(
      {
        method: request.method,
        bucket,
        key: rest.map(decodeURIComponent).join('/'),
        query: new URLSearchParams(),
        headers: request.headers,
      },
      (id) => (id === TEST_CREDENTIALS.accessKeyId ? TEST_CREDENTIALS.accessKeySecret : undefined),
    );
    assert.deepEqual(check, { ok: true, accessKeyId: TEST_CREDENTIALS.accessKeyId });
  });

  it('refuses a raw key with a lone surrogate as a permanent error, since UTF-8 cannot carry it', async () => {
    const oss = createOssClient({
      bucket: BUCKET,
      region: REGION,
      credentials: TEST_CREDENTIALS,
      endpoint: new URL('http://127.0.0.1:1'),
    });

    await assert.rejects(oss.getObject('a\uD800'), { name: 'PermanentError', message: /lone UTF-16 surrogate/ });
  });
});
