import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyOssV1 } from './signatures';

/** A call the fake answered. */
export interface BucketHostCall {
  readonly action: 'GetBucketInfo' | 'PutBucket' | 'PutBucketEncryption' | 'HeadObject' | 'PutObject' | 'Other';
  readonly key: string;
  readonly status: number;
  readonly signed: boolean;
  readonly securityToken?: string;
  readonly headers: Readonly<Record<string, string | undefined>>;
}

/** Props of {@link FakeOssBucketHost}. */
export interface FakeOssBucketHostProps {
  /** The one bucket this host serves (requests reach it as through a CNAME: `Host` names no bucket). */
  readonly bucket: string;
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  /** When set, every call must carry it in `x-oss-security-token`. */
  readonly securityToken?: string;
  /** Region the bucket is in once created (`GetBucketInfo` Location `oss-<region>`). */
  readonly region: string;
  /** The bucket exists already, owned by another account: every call is refused with 403 AccessDenied. */
  readonly ownedByAnotherAccount?: boolean;
}

/**
 * A loopback fake of one OSS bucket, for the code publisher (`npm run assets:publish`) on the official `ali-oss` SDK:
 * bucket creation, encryption, `HEAD` and `PUT` of objects, with the V1 signature verified like the fake cloud's OSS.
 *
 * The SDK is pointed at it with `cname: true`, so it sends `/<key>` to the endpoint and signs `/<bucket>/<key>`.
 */
export class FakeOssBucketHost {
  readonly calls: BucketHostCall[] = [];
  readonly objects = new Map<string, { body: Buffer; meta: Record<string, string> }>();
  exists = false;
  encryption?: string;
  acl?: string;
  /** Answer the next N calls with 503 (a transient fault). */
  failNext = 0;
  private server?: Server;

  constructor(private readonly props: FakeOssBucketHostProps) {}

  /** Starts on a free loopback port; returns the endpoint URL. */
  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.handle(req, res, Buffer.concat(chunks)));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Answers one call; returns true once the answer is written. */
  private handle(req: IncomingMessage, res: ServerResponse, body: Buffer): boolean {
    const url = new URL(req.url ?? '/', 'http://fake');
    const key = url.pathname
      .slice(1)
      .split('/')
      .map((s) => decodeURIComponent(s))
      .join('/');
    const method = req.method ?? 'GET';
    const action: BucketHostCall['action'] =
      key === '' && method === 'GET' && url.searchParams.has('bucketInfo')
        ? 'GetBucketInfo'
        : key === '' && method === 'PUT' && url.searchParams.has('encryption')
          ? 'PutBucketEncryption'
          : key === '' && method === 'PUT'
            ? 'PutBucket'
            : key !== '' && method === 'HEAD'
              ? 'HeadObject'
              : key !== '' && method === 'PUT'
                ? 'PutObject'
                : 'Other';
    const check = verifyOssV1(
      { method, bucket: this.props.bucket, key, query: url.searchParams, headers: req.headers },
      (id) => (id === this.props.accessKeyId ? this.props.accessKeySecret : undefined),
    );
    const headers = Object.fromEntries(
      Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v]),
    );
    const token = headers['x-oss-security-token'];
    const reply = (status: number, text = '', extra: Record<string, string> = {}) => {
      this.calls.push({ action, key, status, signed: check.ok, securityToken: token, headers });
      res.writeHead(status, { 'content-type': 'application/xml', 'x-oss-request-id': randomUUID(), ...extra });
      res.end(method === 'HEAD' ? undefined : text);
      return true;
    };
    const error = (status: number, code: string, message: string) =>
      reply(
        status,
        `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`,
      );
    if (!check.ok) return error(403, 'SignatureDoesNotMatch', check.reason ?? 'bad signature');
    if (this.props.securityToken !== undefined && token !== this.props.securityToken) {
      return error(403, 'InvalidAccessKeyId', 'x-oss-security-token missing or wrong');
    }
    if (this.failNext > 0) {
      this.failNext -= 1;
      return error(503, 'ServiceUnavailable', 'injected fault');
    }
    if (this.props.ownedByAnotherAccount)
      return error(403, 'AccessDenied', 'The bucket you access does not belong to you.');
    switch (action) {
      case 'GetBucketInfo':
        if (!this.exists) return error(404, 'NoSuchBucket', 'The specified bucket does not exist.');
        return reply(
          200,
          `<?xml version="1.0" encoding="UTF-8"?>\n<BucketInfo><Bucket><Name>${this.props.bucket}</Name><Location>oss-${this.props.region}</Location><AccessControlList><Grant>${this.acl ?? 'private'}</Grant></AccessControlList><ServerSideEncryptionRule><SSEAlgorithm>${this.encryption ?? 'None'}</SSEAlgorithm></ServerSideEncryptionRule></Bucket></BucketInfo>`,
        );
      case 'PutBucket':
        if (this.exists) return error(409, 'BucketAlreadyExists', 'The requested bucket name is not available.');
        this.exists = true;
        this.acl = headers['x-oss-acl'] ?? 'private';
        return reply(200, '', { location: `/${this.props.bucket}` });
      case 'PutBucketEncryption': {
        if (!this.exists) return error(404, 'NoSuchBucket', 'The specified bucket does not exist.');
        this.encryption = /<SSEAlgorithm>([^<]+)<\/SSEAlgorithm>/.exec(body.toString('utf8'))?.[1];
        return reply(200);
      }
      case 'HeadObject': {
        const object = this.objects.get(key);
        if (!this.exists) return error(404, 'NoSuchBucket', 'The specified bucket does not exist.');
        if (object === undefined) return error(404, 'NoSuchKey', 'The specified key does not exist.');
        const meta = Object.fromEntries(Object.entries(object.meta).map(([k, v]) => [`x-oss-meta-${k}`, v]));
        return reply(200, '', { 'content-length': String(object.body.length), ...meta });
      }
      case 'PutObject': {
        if (!this.exists) return error(404, 'NoSuchBucket', 'The specified bucket does not exist.');
        const md5 = headers['content-md5'];
        if (md5 !== undefined && md5 !== createHash('md5').update(body).digest('base64')) {
          return error(400, 'InvalidDigest', 'Content-MD5 does not match the body');
        }
        if (headers['x-oss-forbid-overwrite'] === 'true' && this.objects.has(key)) {
          return error(409, 'FileAlreadyExists', 'The object you specified already exists and can not be overwritten.');
        }
        const meta = Object.fromEntries(
          Object.entries(headers)
            .filter(([k, v]) => k.startsWith('x-oss-meta-') && v !== undefined)
            .map(([k, v]) => [k.slice('x-oss-meta-'.length), v as string]),
        );
        this.objects.set(key, { body, meta });
        return reply(200);
      }
      default:
        return error(400, 'NotImplemented', `${method} ${url.pathname}${url.search} is not faked`);
    }
  }
}
