import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ENDPOINT_ENV } from '../../contract/env/endpoints';
import { FakeEventBridge } from './eventbridge';
import { FakeFunctionCompute } from './function-compute';
import type { FakeHttpRequest, FakeHttpService } from './http-service';
import { FakeMns } from './mns';
import { FakeRos } from './ros';
import { ECS_ACTIONS, FakeApiError, PRODUCT_BY_VERSION, type RpcAction, SLB_ACTIONS } from './rpc-actions';
import { ECS_DISK_ACTIONS } from './rpc-actions-ecs-disks';
import { ESS_ACTIONS } from './rpc-actions-ess';
import { ALB_ACTIONS, NLB_ACTIONS } from './rpc-actions-lb';
import { ECS_SNAPSHOT_ACTIONS, ESS_LIFECYCLE_ACTIONS } from './rpc-actions-lifecycle';
import { FakeSecrets } from './secrets';
import { verifyAcs3, verifyOssV1 } from './signatures';
import { FakeSimulatedEvents } from './simulated-events';
import { FakeSls } from './sls';
import { STS_ACTIONS, STS_VERSION } from './sts';
import { cloneWorld, type World } from './world';

/** A service the fake serves. */
export type FakeService =
  | 'ecs'
  | 'slb'
  | 'alb'
  | 'nlb'
  | 'oss'
  | 'ess'
  | 'sts'
  | 'mns'
  | 'eventbridge'
  | 'fc'
  | 'oos'
  | 'kms'
  | 'ros'
  | 'sls';

/** An OSS object of the fake. */
interface StoredObject {
  /** The body, byte for byte, as a latin1 string. */
  readonly bytes: string;
  readonly contentType: string;
  /** Epoch milliseconds. */
  readonly lastModified: number;
}

/** One recorded API call. */
export interface RecordedCall {
  readonly service: FakeService;
  /** RPC action, or `GetObject` / `PutObject` / `ListObjectsV2` for OSS. */
  readonly action: string;
  /** RPC parameters (query + form body), or for OSS `{ bucket, key, ...query }`. */
  readonly params: Readonly<Record<string, string>>;
  /** The signature verified against the configured secret. */
  readonly signed: boolean;
  /** `x-acs-security-token` / `x-oss-security-token` as received. */
  readonly securityToken?: string;
  readonly status: number;
  /** Set when the fake's {@link FakeThrottle} refused the call. */
  readonly throttled?: true;
}

/** An injected failure. */
export interface Fault {
  readonly status: number;
  readonly code: string;
  readonly message?: string;
  /** Applied to the world before answering, to simulate a concurrent change. */
  readonly mutate?: (world: World) => void;
  /**
   * The action is carried out first, then its answer is replaced by the fault: an answer lost after the work was
   * done (a 5xx or a dropped connection after the service acted). RPC actions only. @default false
   */
  readonly afterAction?: boolean;
}

/** Credentials the fake accepts. */
export interface FakeCredentials {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly securityToken?: string;
}

/** Options of {@link FakeCloud}. */
export interface FakeCloudOptions {
  readonly world: World;
  /** @default a fixed test key pair with an STS token */
  readonly credentials?: FakeCredentials;
  /** Max keys per ListObjectsV2 page (small values exercise pagination). @default 1000 */
  readonly ossListPageSize?: number;
  /** Throttle RPC services at a fixed rate. @default - no throttling */
  readonly throttle?: FakeThrottle;
}

/**
 * Fixed-rate throttling of RPC services: each listed service answers at most `callsPerSecond` calls per second of
 * `now` (whole seconds), and `400 Throttling.User` beyond that, as Alibaba Cloud's per-API flow control does. With a
 * simulated clock (replay, the spot-wave bench), "a second" is a simulated second: calls between two waits happen at
 * the same instant, and only backoff and drain waits move time on.
 */
export interface FakeThrottle {
  readonly services: readonly FakeService[];
  readonly callsPerSecond: number;
  /** @default Date.now */
  readonly now?: () => number;
}

/** The default test credentials. */
export const TEST_CREDENTIALS: FakeCredentials = {
  accessKeyId: 'STS.TestAccessKeyId',
  accessKeySecret: 'test-access-key-secret',
  securityToken: 'test-security-token',
};

/**
 * A loopback fake of Alibaba Cloud ECS, SLB, OSS and the other products below, for tests and local replay.
 *
 * One HTTP server on 127.0.0.1 serves all products: RPC calls are told apart by `x-acs-version` /
 * `x-acs-action`, OSS calls (path style `/<bucket>/<key>`) by their `OSS ` Authorization. Signatures are verified
 * (ACS3-HMAC-SHA256 for RPC, V1 for OSS); a bad one gets 400 SignatureDoesNotMatch.
 *
 * @example
 * const cloud = await FakeCloud.start({ world });
 * Object.assign(env, cloud.endpointEnv());
 * ... run a handler ...
 * assert.deepEqual(cloud.calls('ecs').map((c) => c.action), ['DescribeInstances', 'StartInstance']);
 * await cloud.stop();
 */
export class FakeCloud {
  /** The live world state; handlers' calls mutate it. */
  readonly world: World;
  readonly credentials: FakeCredentials;
  /** Simulated ECS system events (CreateSimulatedSystemEvents & co.). */
  readonly systemEvents = new FakeSimulatedEvents();
  /** MNS queues. */
  readonly mns = new FakeMns();
  /** EventBridge PutEvents. */
  readonly eventBridge = new FakeEventBridge();
  /** Function Compute 2.0 InvokeFunction. */
  readonly functionCompute = new FakeFunctionCompute();
  /** OOS secret parameters and KMS secrets (GetSecretParameter, GetSecretValue). */
  readonly secrets = new FakeSecrets();
  /** ROS stack groups (ListStackInstances, DetectStackGroupDrift, GetStackGroupOperation and the rest). */
  readonly ros = new FakeRos();
  /** SLS logstores (GetLogs), filled by replay. */
  readonly sls = new FakeSls();
  private readonly httpServices: readonly FakeHttpService[] = [
    this.mns,
    this.eventBridge,
    this.functionCompute,
    this.sls,
  ];
  private readonly server: Server;
  private readonly objects = new Map<string, StoredObject>();
  /** One string per distinct content type (every request brings its own copy of the header). */
  private readonly contentTypes = new Map<string, string>();
  /** The ids (`<bucket>/<key>`) of {@link objects}, sorted. */
  private readonly sortedIds: string[] = [];
  private readonly recorded: RecordedCall[] = [];
  private readonly faults = new Map<string, Fault[]>();
  private readonly listPageSize: number;
  private readonly throttle?: FakeThrottle;
  /** Per throttled service: the second being counted and the calls answered in it. */
  private readonly throttleWindows = new Map<string, { second: number; calls: number }>();
  private port = 0;

  private constructor(options: FakeCloudOptions) {
    this.world = cloneWorld(options.world);
    this.credentials = options.credentials ?? TEST_CREDENTIALS;
    this.listPageSize = options.ossListPageSize ?? 1000;
    this.throttle = options.throttle;
    this.server = createServer((req, res) => {
      this.dispatch(req, res).catch((error: unknown) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ RequestId: randomUUID(), Code: 'InternalError', Message: String(error) }));
      });
    });
  }

  /** Starts a fake on an ephemeral loopback port. */
  static async start(options: FakeCloudOptions): Promise<FakeCloud> {
    const cloud = new FakeCloud(options);
    await new Promise<void>((resolve) => cloud.server.listen(0, '127.0.0.1', resolve));
    cloud.port = (cloud.server.address() as AddressInfo).port;
    return cloud;
  }

  /** Stops the server. */
  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.server.close((e) => (e ? reject(e) : resolve())));
  }

  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Every endpoint override variable of the contract (`ENDPOINT_ENV`), pointing at this fake. */
  endpointEnv(): Record<string, string> {
    return Object.fromEntries(Object.values(ENDPOINT_ENV).map((name) => [name, this.url]));
  }

  /** Recorded calls, optionally of one service. */
  calls(service?: FakeService): RecordedCall[] {
    return this.recorded.filter((c) => service === undefined || c.service === service);
  }

  /** How many calls were recorded so far: a mark for {@link FakeCloud.callsSince}. */
  callCount(): number {
    return this.recorded.length;
  }

  /** Calls recorded after the mark `index` (a {@link FakeCloud.callCount}), without copying the earlier ones. */
  callsSince(index: number): RecordedCall[] {
    return this.recorded.slice(index);
  }

  /** Forgets recorded calls (not state). */
  clearCalls(): void {
    this.recorded.length = 0;
  }

  /** Makes the next call of `action` fail; queue several by calling repeatedly. */
  failNext(action: string, fault: Fault): void {
    const queue = this.faults.get(action) ?? [];
    queue.push(fault);
    this.faults.set(action, queue);
  }

  /** Reads an object (tests). */
  getObject(bucket: string, key: string): string | undefined {
    const object = this.objects.get(`${bucket}/${key}`);
    return object === undefined ? undefined : Buffer.from(object.bytes, 'latin1').toString('utf8');
  }

  /** Writes an object (tests seeding state). */
  putObject(bucket: string, key: string, body: string, contentType = 'application/json'): void {
    this.storeObject(`${bucket}/${key}`, Buffer.from(body), contentType);
  }

  /** Keys of a bucket under a prefix, sorted. */
  listKeys(bucket: string, prefix = ''): string[] {
    const start = `${bucket}/${prefix}`;
    const keys: string[] = [];
    for (let i = this.firstIdAtOrAfter(start); i < this.sortedIds.length; i++) {
      if (!this.sortedIds[i].startsWith(start)) break;
      keys.push(this.sortedIds[i].slice(bucket.length + 1));
    }
    return keys;
  }

  /** Stores an object, keeping {@link sortedIds} sorted: listing is then a range, not a scan (long replays). */
  private storeObject(id: string, body: Buffer, contentType: string): void {
    if (!this.objects.has(id)) this.sortedIds.splice(this.firstIdAtOrAfter(id), 0, id);
    let type = this.contentTypes.get(contentType);
    if (type === undefined) {
      type = contentType;
      this.contentTypes.set(type, type);
    }
    // Bytes as a latin1 string: byte-exact, one byte per byte, and no Buffer per object (a small Buffer is also a
    // slice of a shared 8 KiB pool, https://nodejs.org/api/buffer.html#class-property-bufferpoolsize, which keeping
    // it would keep alive). Long replays store tens of thousands of objects.
    this.objects.set(id, { bytes: body.toString('latin1'), contentType: type, lastModified: Date.now() });
  }

  private firstIdAtOrAfter(id: string): number {
    let low = 0;
    let high = this.sortedIds.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.sortedIds[middle] < id) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  private secretFor = (accessKeyId: string): string | undefined =>
    accessKeyId === this.credentials.accessKeyId ? this.credentials.accessKeySecret : undefined;

  private takeFault(action: string): Fault | undefined {
    const queue = this.faults.get(action);
    const fault = queue?.shift();
    if (queue !== undefined && queue.length === 0) this.faults.delete(action);
    if (fault?.mutate !== undefined) fault.mutate(this.world);
    return fault;
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', this.url);
    const auth = req.headers.authorization ?? '';
    const request: FakeHttpRequest = {
      method: req.method ?? 'GET',
      url,
      rawUrl: req.url ?? '/',
      headers: req.headers,
      body,
    };
    const product = this.httpServices.find((s) => s.accepts(request));
    if (product !== undefined) return this.handleHttpService(product, request, res);
    if (auth.startsWith('OSS ')) return this.handleOss(req, res, url, body);
    return this.handleRpc(req, res, url, body);
  }

  /** Answers an RPC call; returns true once a response was written. */
  private handleRpc(req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer): boolean {
    const headerOf = (name: string) => {
      const v = req.headers[name];
      return Array.isArray(v) ? v[0] : v;
    };
    const version = headerOf('x-acs-version') ?? url.searchParams.get('Version') ?? '';
    const action = headerOf('x-acs-action') ?? url.searchParams.get('Action') ?? '';
    const service = version === STS_VERSION ? 'sts' : PRODUCT_BY_VERSION[version];
    const params: Record<string, string> = Object.fromEntries(url.searchParams);
    if ((headerOf('content-type') ?? '').startsWith('application/x-www-form-urlencoded')) {
      Object.assign(params, Object.fromEntries(new URLSearchParams(body.toString('utf8'))));
    }
    const check = verifyAcs3(
      { method: req.method ?? 'GET', pathname: url.pathname, query: url.searchParams, headers: req.headers, body },
      this.secretFor,
    );
    const securityToken = headerOf('x-acs-security-token');
    let throttled = false;
    const answer = (status: number, payload: Record<string, unknown>) => {
      this.recorded.push({
        service: service ?? 'ecs',
        action,
        params,
        signed: check.ok,
        securityToken,
        status,
        ...(throttled ? { throttled: true as const } : {}),
      });
      res.writeHead(status, { 'content-type': 'application/json;charset=utf-8' });
      res.end(JSON.stringify(payload));
      return true;
    };
    const error = (status: number, code: string, message: string) =>
      answer(status, { RequestId: randomUUID().toUpperCase(), Code: code, Message: message });

    if (!check.ok) return error(400, 'SignatureDoesNotMatch', `signature check failed: ${check.reason}`);
    if (this.credentials.securityToken !== undefined && securityToken !== this.credentials.securityToken) {
      return error(400, 'InvalidSecurityToken.Mismatch', 'x-acs-security-token missing or wrong');
    }
    const actions: Readonly<Record<string, RpcAction>> | undefined =
      service === 'ecs'
        ? { ...ECS_ACTIONS, ...ECS_DISK_ACTIONS, ...ECS_SNAPSHOT_ACTIONS, ...this.systemEvents.actions }
        : service === 'slb'
          ? SLB_ACTIONS
          : service === 'alb'
            ? ALB_ACTIONS
            : service === 'nlb'
              ? NLB_ACTIONS
              : service === 'sts'
                ? STS_ACTIONS
                : service === 'ess'
                  ? { ...ESS_ACTIONS, ...ESS_LIFECYCLE_ACTIONS }
                  : service === 'oos'
                    ? this.secrets.oosActions
                    : service === 'kms'
                      ? this.secrets.kmsActions
                      : service === 'ros'
                        ? this.ros.actions
                        : undefined;
    const implementation = actions?.[action];
    if (implementation === undefined) {
      return error(404, 'InvalidAction.NotFound', `the fake does not implement ${version} ${action}`);
    }
    if (service !== undefined && this.throttled(service)) {
      throttled = true;
      return error(400, 'Throttling.User', `Request was denied due to user flow control (${service}).`);
    }
    const fault = this.takeFault(action);
    if (fault !== undefined && fault.afterAction !== true) {
      return error(fault.status, fault.code, fault.message ?? `injected ${fault.code}`);
    }
    try {
      const result = implementation(this.world, params);
      if (fault !== undefined) return error(fault.status, fault.code, fault.message ?? `injected ${fault.code}`);
      return answer(200, result);
    } catch (e) {
      if (e instanceof FakeApiError) return error(e.status, e.code, e.message);
      throw e;
    }
  }

  /** Counts a call of `service` against its throttle; true when it is over the rate. */
  private throttled(service: FakeService): boolean {
    const throttle = this.throttle;
    if (throttle === undefined || !throttle.services.includes(service)) return false;
    const second = Math.floor((throttle.now ?? Date.now)() / 1000);
    const window = this.throttleWindows.get(service);
    if (window === undefined || window.second !== second) {
      this.throttleWindows.set(service, { second, calls: 1 });
      return false;
    }
    window.calls += 1;
    return window.calls > throttle.callsPerSecond;
  }

  /** Answers a call of a non-RPC product (MNS, EventBridge, FC); returns true once a response was written. */
  private handleHttpService(product: FakeHttpService, request: FakeHttpRequest, res: ServerResponse): boolean {
    const answer = product.handle(request, {
      secretFor: this.secretFor,
      securityToken: this.credentials.securityToken,
      takeFault: (action) => this.takeFault(action),
    });
    this.recorded.push({
      service: product.service,
      action: answer.action,
      params: answer.params,
      signed: answer.signed,
      securityToken: answer.securityToken,
      status: answer.status,
    });
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
    return true;
  }

  /** Answers an OSS call; returns true once a response was written. */
  private handleOss(req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer): boolean {
    const [, bucket = '', ...rest] = url.pathname.split('/');
    const key = rest.map(decodeURIComponent).join('/');
    const method = req.method ?? 'GET';
    const action = method === 'PUT' ? 'PutObject' : key === '' ? 'ListObjectsV2' : 'GetObject';
    const check = verifyOssV1({ method, bucket, key, query: url.searchParams, headers: req.headers }, this.secretFor);
    const tokenHeader = req.headers['x-oss-security-token'];
    const securityToken = Array.isArray(tokenHeader) ? tokenHeader[0] : tokenHeader;
    const params = { bucket, key, ...Object.fromEntries(url.searchParams) };
    const reply = (status: number, text: string, contentType = 'application/xml') => {
      this.recorded.push({ service: 'oss', action, params, signed: check.ok, securityToken, status });
      res.writeHead(status, { 'content-type': contentType, 'x-oss-request-id': randomUUID().toUpperCase() });
      res.end(text);
      return true;
    };
    const error = (status: number, code: string, message: string) =>
      reply(
        status,
        `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${xml(message)}</Message><RequestId>${randomUUID().toUpperCase()}</RequestId></Error>`,
      );

    if (!check.ok) return error(403, 'SignatureDoesNotMatch', `signature check failed: ${check.reason}`);
    if (this.credentials.securityToken !== undefined && securityToken !== this.credentials.securityToken) {
      return error(403, 'InvalidAccessKeyId', 'x-oss-security-token missing or wrong');
    }
    const fault = this.takeFault(action);
    if (fault !== undefined) return error(fault.status, fault.code, fault.message ?? `injected ${fault.code}`);

    const id = `${bucket}/${key}`;
    if (action === 'GetObject') {
      const object = this.objects.get(id);
      if (object === undefined) return error(404, 'NoSuchKey', 'The specified key does not exist.');
      return reply(200, Buffer.from(object.bytes, 'latin1').toString('utf8'), object.contentType);
    }
    if (action === 'PutObject') {
      const md5 = req.headers['content-md5'];
      if (md5 !== undefined && md5 !== createHash('md5').update(body).digest('base64')) {
        return error(400, 'InvalidDigest', 'Content-MD5 does not match the body');
      }
      if (req.headers['x-oss-forbid-overwrite'] === 'true' && this.objects.has(id)) {
        return error(409, 'FileAlreadyExists', 'The object you specified already exists and can not be overwritten.');
      }
      this.storeObject(id, body, req.headers['content-type'] ?? 'application/octet-stream');
      return reply(200, '');
    }
    // ListObjectsV2; the continuation token is simply the last key returned.
    if (url.searchParams.get('list-type') !== '2') return error(400, 'InvalidArgument', 'only list-type=2 is faked');
    const prefix = url.searchParams.get('prefix') ?? '';
    const after = url.searchParams.get('continuation-token') ?? '';
    const maxKeys = Math.min(Number(url.searchParams.get('max-keys') ?? '100'), this.listPageSize);
    const all = this.listKeys(bucket, prefix).filter((k) => k > after);
    const page = all.slice(0, maxKeys);
    const truncated = all.length > page.length;
    const contents = page
      .map(
        (k) =>
          `<Contents><Key>${xml(k)}</Key><Size>${this.objects.get(`${bucket}/${k}`)?.bytes.length ?? 0}</Size></Contents>`,
      )
      .join('');
    return reply(
      200,
      `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult><Name>${xml(bucket)}</Name><Prefix>${xml(prefix)}</Prefix><MaxKeys>${maxKeys}</MaxKeys><KeyCount>${page.length}</KeyCount><IsTruncated>${truncated}</IsTruncated>${truncated ? `<NextContinuationToken>${xml(page[page.length - 1])}</NextContinuationToken>` : ''}${contents}</ListBucketResult>`,
    );
  }
}

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
