import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import OpenApi, * as $OpenApi from '@alicloud/openapi-client';
import OpenApiUtil from '@alicloud/openapi-util';
import * as $Util from '@alicloud/tea-util';
import fc from 'fast-check';
import { rpcCall } from '../../contract/rpc';
import { acsTimestamp, flattenParams, type RpcParamMap, type RpcValue } from '../../lambda-src/commons/acs3';
import { createRpcClient } from '../../lambda-src/commons/openapi';

/**
 * The handlers' signer against the official `@alicloud/openapi-client` (the generic `callApi` the handlers used
 * before): both send the same generated calls to a loopback server that records the raw bytes of each request.
 * The official client's date and nonce are pinned by replacing `OpenApiUtil.getTimestamp` and `Util.getNonce`
 * (static methods it calls through the module objects) for the duration of this file only.
 */

const RUNS = 1000;

/** Whether a string has no lone surrogate (both clients refuse those: encodeURIComponent throws URIError). */
function isWellFormed(value: string): boolean {
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(value);
}
let server: Server;
let port = 0;
const raw: string[] = [];
const sockets = new Set<Socket>();

function startRecorder(): Promise<void> {
  server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let buffer = '';
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      // Requests carry no body (Content-Length: 0): the head ends the request.
      while (buffer.includes('\r\n\r\n')) {
        const end = buffer.indexOf('\r\n\r\n') + 4;
        raw.push(buffer.slice(0, end));
        buffer = buffer.slice(end);
        socket.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}');
      }
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      port = (server.address() as { port: number }).port;
      resolve();
    }),
  );
}

let stamp = { date: '2026-11-29T13:37:02Z', nonce: '0'.repeat(32) };
const originalTimestamp = OpenApiUtil.getTimestamp;
const originalNonce = $Util.default.getNonce;

async function official(
  action: string,
  version: string,
  params: RpcParamMap,
  creds: { accessKeyId: string; accessKeySecret: string; securityToken?: string },
): Promise<string> {
  const sdk = new OpenApi(
    new $OpenApi.Config({ ...creds, regionId: 'cn-hangzhou', endpoint: `127.0.0.1:${port}`, protocol: 'HTTP' }),
  );
  const before = raw.length;
  await sdk.callApi(
    new $OpenApi.Params(rpcCall(action, version)),
    new $OpenApi.OpenApiRequest({ query: OpenApiUtil.query(params) }),
    new $Util.RuntimeOptions({ autoretry: false }),
  );
  return raw[before];
}

async function ours(
  action: string,
  version: string,
  params: RpcParamMap,
  creds: { accessKeyId: string; accessKeySecret: string; securityToken?: string },
): Promise<string> {
  const client = createRpcClient({
    product: { service: 'test', version, endpointFor: () => 'unused' },
    credentials: creds,
    region: 'cn-hangzhou',
    endpoint: new URL(`http://127.0.0.1:${port}`),
    stamp: () => stamp,
  });
  const before = raw.length;
  await client.call(action, params);
  return raw[before];
}

// Parameter names as RPC APIs spell them (letters, digits, `.`, `_`, `-`), including all-digit names, which a
// JavaScript object orders first (`__proto__` is left out: the official client's toMap turns it into a prototype and
// drops it; no API has such a parameter); values anything, odd Unicode included (astral planes, combining marks, controls).
const name = fc.stringMatching(/^[A-Za-z0-9._-]{1,12}$/).filter((n) => n !== '__proto__');
const text = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 8 }).filter(isWellFormed),
  fc.constantFrom('', ' ', "x y!'()*~", '+/=&?#%', '\t\n\r', 'é', '🙂', '\u0000', 'a\u0301', '[{"a":"b"}]'),
);
const scalar: fc.Arbitrary<RpcValue> = fc.oneof(
  text,
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
);
const { value } = fc.letrec<{ value: RpcValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(name, tie('value'), { maxKeys: 3, noNullPrototype: true }),
  ),
}));
const call = fc.record({
  action: fc.stringMatching(/^[A-Z][A-Za-z]{0,30}$/),
  version: fc.stringMatching(/^20[0-9]{2}-[01][0-9]-[0-3][0-9]$/),
  params: fc.dictionary(name, value, { maxKeys: 8, noNullPrototype: true }),
  accessKeyId: fc.stringMatching(/^[A-Za-z0-9]{1,24}$/),
  accessKeySecret: fc.string({ minLength: 1, maxLength: 30 }),
  securityToken: fc.option(fc.oneof(fc.string({ maxLength: 40 }), fc.constant('')), { nil: undefined }),
  date: fc.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }),
  nonce: fc.stringMatching(/^[0-9a-f]{32}$/),
});

describe('ACS3 signer against the official @alicloud/openapi-client', () => {
  before(async () => {
    await startRecorder();
    OpenApiUtil.getTimestamp = () => stamp.date;
    $Util.default.getNonce = () => stamp.nonce;
  });
  after(() => {
    OpenApiUtil.getTimestamp = originalTimestamp;
    $Util.default.getNonce = originalNonce;
    for (const socket of sockets) socket.destroy();
    server.close();
  });

  it(`sends the same bytes as the official client for ${RUNS} generated calls`, async () => {
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(call, async (c) => {
        stamp = { date: acsTimestamp(c.date.getTime()), nonce: c.nonce };
        const creds = {
          accessKeyId: c.accessKeyId,
          accessKeySecret: c.accessKeySecret,
          securityToken: c.securityToken,
        };
        const expected = await official(c.action, c.version, c.params, creds);
        const actual = await ours(c.action, c.version, c.params, creds);
        assert.equal(actual, expected);
        compared += 1;
      }),
      { numRuns: RUNS },
    );
    assert.equal(compared, RUNS);
  });

  it('sends a call with lists, nested objects, an empty value and a security token exactly as the official client', async () => {
    stamp = { date: '2026-11-29T13:37:02Z', nonce: 'f'.repeat(32) };
    const params = {
      RegionId: 'cn-hangzhou',
      InstanceId: ['i-1', 'i-2'],
      Tag: [{ Key: 'team', Value: 'ops é' }, null, { Key: 'empty', Value: '' }],
      DryRun: false,
    };
    const creds = { accessKeyId: 'STS.id', accessKeySecret: 'secret', securityToken: 'token/+=' };

    const expected = await official('DescribeInstances', '2014-05-26', params, creds);
    const actual = await ours('DescribeInstances', '2014-05-26', params, creds);

    assert.equal(actual, expected);
    assert.match(actual, /^POST \/\?RegionId=cn-hangzhou&InstanceId\.1=i-1&InstanceId\.2=i-2&Tag\.1\.Key=team&/);
    assert.match(actual, /Tag\.3\.Value=&DryRun=false HTTP\/1\.1\r\n/);
    assert.match(actual, /\r\nx-acs-security-token: token\/\+=\r\n/);
  });

  it('flattens lists and objects as OpenApiUtil.query does, leaving out null and undefined', () => {
    const params = { A: [1, [true, null, 'x'], { K: 'v' }], B: { C: { D: 2 } }, E: undefined, F: '' };

    assert.deepEqual(flattenParams(params), OpenApiUtil.query(params));
    assert.deepEqual(flattenParams(params), {
      'A.1': '1',
      'A.2.1': 'true',
      'A.2.3': 'x',
      'A.3.K': 'v',
      'B.C.D': '2',
      F: '',
    });
  });
});
