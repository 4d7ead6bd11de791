import * as fs from 'node:fs';
import * as path from 'node:path';
import OSS from 'ali-oss';
import { ENDPOINT_ALLOWED, parseEndpoint } from '../../contract/endpoints';
import { type Assembly, AssemblyError, readAssembly } from '../../lib/assembly';
import { type CodeManifest, fleetCodeBucketName } from '../../lib/code/manifest';
import { readCodeZip } from '../../lib/code/read';
import { DEFAULT_ASSETS_QUALIFIER } from '../../lib/config';

/**
 * `npm run assets:publish`: puts each stack's handler code into its code bucket before `ros-cdk deploy`, on the official
 * OSS SDK (`ali-oss`).
 *
 * - The bucket is created when missing: private, server-side encrypted (AES256), in the stack's region. One that
 *   exists is checked (its region); one that another account owns is refused with what to do.
 * - An object is uploaded only when absent (`HEAD`, then `PUT` with `x-oss-forbid-overwrite`): keys are
 *   content-addressed, so an object present is the same code, which its `x-oss-meta-sha256` confirms. Nothing is ever
 *   deleted, so ROS can always roll a function back to its previous code.
 * - The default `assetsQualifier` is refused: OSS bucket names are global, and `cdk-eeo-assets-<region>` is every
 *   user's default.
 *
 * @see https://www.alibabacloud.com/help/en/oss/developer-reference/putbucket
 * @see https://www.alibabacloud.com/help/en/oss/developer-reference/putbucketencryption
 * @see https://www.alibabacloud.com/help/en/oss/developer-reference/headobject
 */

/** Credentials for OSS: an AccessKey pair, with an STS token for temporary credentials. */
export interface PublishCredentials {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly securityToken?: string;
}

/** Options of {@link publishCode}. */
export interface PublishOptions {
  /** The cloud assembly folder (`cdk.out`). */
  readonly assemblyDir: string;
  /** Publish only the stacks of this region. @default - every stack of the assembly */
  readonly region?: string;
  readonly credentials: PublishCredentials;
  /**
   * OSS endpoint, for tests: the SDK then addresses the bucket through it as a CNAME.
   * @default - `https://oss-<region>.aliyuncs.com`
   */
  readonly endpoint?: string;
  /**
   * The member account whose own code buckets to fill, for the code of a stack group's template with
   * `fleet.codeSource: "per-account"` (`cdk-<qualifier>-assets-<account id>-<region>`); run with that account's
   * credentials (for example the STS credentials of its AliyunROSStackGroupExecutionRole).
   * @default - none: a per-account manifest is refused
   */
  readonly accountId?: string;
  /** Report only what would be created and uploaded. @default false */
  readonly dryRun?: boolean;
  /** Progress lines (to stderr in the CLI). @default - none */
  readonly log?: (line: string) => void;
}

/** What one stack's publishing did. */
export interface PublishedStack {
  readonly stack: string;
  readonly region: string;
  readonly bucket: string;
  readonly bucketCreated: boolean;
  readonly uploaded: readonly string[];
  readonly present: readonly string[];
}

/** A user-facing failure of the publisher: the message says what to do. */
export class PublishError extends Error {
  override readonly name = 'PublishError';
}

/** The code manifests of the assembly's stacks, by stack name (sorted), read with lib/assembly. */
function stackCode(assemblyDir: string): { stack: string; manifest: CodeManifest | undefined }[] {
  if (!fs.existsSync(path.join(assemblyDir, 'manifest.json'))) {
    throw new PublishError(`${assemblyDir} holds no cloud assembly (no manifest.json): run npm run synth first`);
  }
  let assembly: Assembly;
  try {
    assembly = readAssembly(assemblyDir);
  } catch (cause) {
    if (cause instanceof AssemblyError) throw new PublishError(`${cause.message}: run npm run synth again`, { cause });
    throw cause;
  }
  return assembly.stacks
    .map((s) => ({ stack: s.name, manifest: s.code }))
    .sort((a, b) => (a.stack < b.stack ? -1 : a.stack > b.stack ? 1 : 0));
}

/** The status and code of an SDK error. */
function ossError(error: unknown): { status?: number; code?: string } {
  const e = error as { status?: unknown; code?: unknown };
  return {
    status: typeof e?.status === 'number' ? e.status : undefined,
    code: typeof e?.code === 'string' ? e.code : undefined,
  };
}

/** Runs `call` again on throttling, 5xx and network errors: 4 attempts, 0.5 s then doubling, with jitter. */
async function withRetries<T>(what: string, call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      const { status, code } = ossError(error);
      const transient = status === undefined || status >= 500 || status === 429 || code === 'RequestTimeTooSkewed';
      if (!transient || attempt >= 4) {
        throw new PublishError(
          `${what} failed: ${status ?? 'network error'} ${code ?? ''} ${(error as Error).message}`.replace(/\s+/g, ' '),
          {
            cause: error,
          },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 500 * 2 ** (attempt - 1) * (0.5 + Math.random() / 2)));
    }
  }
}

function client(manifest: CodeManifest, options: PublishOptions): OSS {
  return new OSS({
    region: `oss-${manifest.region}`,
    bucket: manifest.bucketName,
    accessKeyId: options.credentials.accessKeyId,
    accessKeySecret: options.credentials.accessKeySecret,
    // ali-oss reads the STS token as `stsToken` (the ros-cdk CLI passes `securityToken`, which it ignores).
    stsToken: options.credentials.securityToken,
    secure: true,
    timeout: 60_000,
    ...(options.endpoint === undefined
      ? {}
      : { endpoint: options.endpoint, cname: true, secure: options.endpoint.startsWith('https:') }),
  });
}

async function ensureBucket(oss: OSS, manifest: CodeManifest, options: PublishOptions): Promise<boolean> {
  const bucket = manifest.bucketName;
  try {
    const info = await withRetries(`GetBucketInfo ${bucket}`, () => oss.getBucketInfo(bucket));
    const location = (info.bucket as { Location?: string } | undefined)?.Location;
    if (location !== undefined && location !== `oss-${manifest.region}`) {
      throw new PublishError(
        `bucket ${bucket} is in ${location}, not oss-${manifest.region}: choose another assetsQualifier`,
      );
    }
    return false;
  } catch (error) {
    const { status, code } = ossError((error as Error).cause ?? error);
    if (status === 403 || code === 'AccessDenied') {
      throw new PublishError(
        `bucket ${bucket} exists and this account cannot read it (${code ?? status}): OSS bucket names are global, so it probably ` +
          'belongs to another account. Set your own "assetsQualifier" under "ecs-event-ops" in cdk.json, or grant oss:GetBucketInfo',
        { cause: error },
      );
    }
    if (status !== 404 && code !== 'NoSuchBucket') throw error;
  }
  options.log?.(`creating bucket ${bucket} in ${manifest.region} (private, AES256)`);
  if (options.dryRun) return true;
  await withRetries(`PutBucket ${bucket}`, () =>
    oss.putBucket(bucket, { acl: 'private', storageClass: 'Standard' } as never),
  );
  // putBucketEncryption is in ali-oss (lib/common/bucket/putBucketEncryption.js) but not in @types/ali-oss.
  const withEncryption = oss as unknown as {
    putBucketEncryption(name: string, rule: { SSEAlgorithm: string }): Promise<unknown>;
  };
  await withRetries(`PutBucketEncryption ${bucket}`, () =>
    withEncryption.putBucketEncryption(bucket, { SSEAlgorithm: 'AES256' }),
  );
  return true;
}

async function isPresent(oss: OSS, key: string, sha256: string): Promise<boolean> {
  try {
    const head = await withRetries(`HeadObject ${key}`, () => oss.head(key));
    const meta = (head.meta ?? {}) as Record<string, string>;
    if (meta.sha256 !== undefined && meta.sha256 !== sha256) {
      throw new PublishError(
        `object ${key} exists with SHA-256 ${meta.sha256}, not ${sha256}: the bucket holds foreign code`,
      );
    }
    return true;
  } catch (error) {
    const { status, code } = ossError((error as Error).cause ?? error);
    if (status === 404 || code === 'NoSuchKey') return false;
    throw error;
  }
}

/**
 * One manifest per code bucket: a stack's own, or for the code of a stack group's template (`fleet`), one per fleet
 * region: the publishing account's bucket of that region (`shared`: member accounts read it, see README "Running in
 * many accounts"), or the member account's own (`per-account`, which needs `accountId`).
 */
function perBucket(
  stack: string,
  manifest: CodeManifest,
  accountId: string | undefined,
): { stack: string; manifest: CodeManifest }[] {
  const { fleet } = manifest;
  if (fleet === undefined) return [{ stack, manifest }];
  if (fleet.codeSource === 'per-account' && accountId === undefined) {
    throw new PublishError(
      `stack ${stack}: its code goes to each member account's own buckets (fleet.codeSource "per-account"): run ` +
        'once per member account, with --account-id <its id> and credentials of that account',
    );
  }
  if (accountId !== undefined && !/^[0-9]{6,20}$/.test(accountId)) {
    throw new PublishError(`--account-id "${accountId}" is not an Alibaba Cloud account id (6 to 20 digits)`);
  }
  return fleet.regions.map((region) => ({
    stack,
    manifest: {
      ...manifest,
      region,
      bucketName: fleetCodeBucketName(manifest.qualifier, region, fleet.codeSource, accountId),
    },
  }));
}

/**
 * Publishes the code of every stack of the assembly (or of one region).
 *
 * @throws PublishError with a message that says what to do.
 */
export async function publishCode(options: PublishOptions): Promise<PublishedStack[]> {
  if (options.endpoint !== undefined) {
    const parsed = parseEndpoint(options.endpoint);
    if ('problem' in parsed) {
      throw new PublishError(
        `OSS endpoint override "${options.endpoint}" ${parsed.problem}; expected ${ENDPOINT_ALLOWED}`,
      );
    }
  }
  const published: PublishedStack[] = [];
  const manifests = stackCode(options.assemblyDir)
    .filter((s): s is { stack: string; manifest: CodeManifest } => s.manifest !== undefined)
    .flatMap((s) => perBucket(s.stack, s.manifest, options.accountId))
    .filter((s) => options.region === undefined || s.manifest.region === options.region);
  if (options.region !== undefined && manifests.length === 0) {
    throw new PublishError(`the assembly has no stack with code in ${options.region}`);
  }
  for (const { manifest } of manifests) {
    if (manifest.qualifier === DEFAULT_ASSETS_QUALIFIER) {
      throw new PublishError(
        `"assetsQualifier" is the default "${DEFAULT_ASSETS_QUALIFIER}": the code bucket ${manifest.bucketName} would be the same for every ` +
          'user of ecs-event-ops, and OSS bucket names are global. Set your own (2 to 10 lowercase letters and digits) in ' +
          'cdk.json: { "context": { "ecs-event-ops": { "assetsQualifier": "acme42" } } }, then synthesize again',
      );
    }
  }
  for (const { stack, manifest } of manifests) {
    const oss = client(manifest, options);
    const bucketCreated = await ensureBucket(oss, manifest, options);
    const uploaded: string[] = [];
    const present: string[] = [];
    for (const object of manifest.objects) {
      const zip = readCodeZip(options.assemblyDir, object);
      if (!bucketCreated && (await isPresent(oss, object.key, object.sha256))) {
        present.push(object.key);
        continue;
      }
      options.log?.(`uploading ${object.key} (${object.bytes} bytes) to ${manifest.bucketName}`);
      if (!options.dryRun) {
        try {
          await withRetries(`PutObject ${object.key}`, () =>
            oss.put(object.key, zip, {
              headers: { 'x-oss-forbid-overwrite': 'true', 'Content-Type': 'application/zip' },
              meta: { sha256: object.sha256 } as never,
            }),
          );
        } catch (error) {
          // Another publisher got there first: the key is content-addressed, so it is the same code.
          if (ossError((error as Error).cause).code !== 'FileAlreadyExists') throw error;
        }
      }
      uploaded.push(object.key);
    }
    published.push({ stack, region: manifest.region, bucket: manifest.bucketName, bucketCreated, uploaded, present });
  }
  return published;
}

/**
 * Credentials from the environment: `ALIBABA_CLOUD_ACCESS_KEY_ID` / `_SECRET` / `ALIBABA_CLOUD_SECURITY_TOKEN`, or the
 * ros-cdk CLI's `ACCESS_KEY_ID` / `ACCESS_KEY_SECRET` / `SECURITY_TOKEN`.
 */
export function credentialsFromEnvironment(env: Readonly<Record<string, string | undefined>>): PublishCredentials {
  const pick = (...names: string[]) => names.map((n) => env[n]).find((v) => v !== undefined && v !== '');
  const accessKeyId = pick('ALIBABA_CLOUD_ACCESS_KEY_ID', 'ACCESS_KEY_ID');
  const accessKeySecret = pick('ALIBABA_CLOUD_ACCESS_KEY_SECRET', 'ACCESS_KEY_SECRET');
  if (accessKeyId === undefined || accessKeySecret === undefined) {
    throw new PublishError(
      'no credentials found: set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET (and ALIBABA_CLOUD_SECURITY_TOKEN ' +
        'for STS), or the ros-cdk CLI variables ACCESS_KEY_ID, ACCESS_KEY_SECRET and SECURITY_TOKEN',
    );
  }
  return { accessKeyId, accessKeySecret, securityToken: pick('ALIBABA_CLOUD_SECURITY_TOKEN', 'SECURITY_TOKEN') };
}
