/**
 * Where handler code lives, and the manifest `npm run assets:publish` reads.
 *
 * The templates name the code bucket and object of every function; synth writes the zips and one
 * `<stack>.code.json` per stack into the assembly. The `ros-cdk` CLI never sees them: it publishes only what a
 * `<stack>.assets.json` lists (newer versions), and after a failed deploy empties and deletes that bucket, which would
 * leave ROS nothing to roll back to. So synth writes no asset manifest at all, and the code is published by our own
 * command before `ros-cdk deploy`.
 */

/** Version of the code manifest format. */
export const CODE_MANIFEST_VERSION = 1;

/** Folder of the assembly that holds the code zips. */
export const CODE_FOLDER = 'eeo-code';

/** The code manifest file of a stack artifact. */
export function codeManifestFile(artifactId: string): string {
  return `${artifactId}.code.json`;
}

/**
 * The code bucket of a qualifier in a region: the name the ROS CDK's default synthesizer gave its asset bucket, so a
 * bucket that an earlier deploy created is reused. OSS bucket names are global across all accounts: the qualifier is
 * what keeps an organisation's name its own.
 *
 * @see https://www.alibabacloud.com/help/en/oss/user-guide/bucket-naming-conventions
 */
export function codeBucketName(qualifier: string, region: string): string {
  return `cdk-${qualifier}-assets-${region}`;
}

/**
 * Where member accounts of a stack group get handler code (configuration key `fleet.codeSource`): inline in the
 * template (nothing to publish), or from a code bucket (`shared`, `per-account`).
 *
 * Chosen default: `inline`. `Code.ZipFile` takes priority over an OSS object ("Priority: ZipFile > SourceCode >
 * OssBucketName&OssObjectName", `@alicloud/ros-cdk-fc` `lib/fc.generated.d.ts`, `RosFunction.CodeProperty`) and is
 * bounded only by the template size, 524,288 bytes (CreateStackGroup `TemplateBody`,
 * https://www.alibabacloud.com/help/en/ros/developer-reference/aliyun-ros-stackgroup), which synth checks; a limit of
 * its own was not found (UNCONFIRMED). The buckets are the other answer: FC reads an OSS object as the caller (the
 * member account's execution role: "grant the current user access to the OSS bucket",
 * https://help.aliyun.com/zh/functioncompute/fc-3-0/developer-reference/api-fc-2023-03-30-createfunction), from the
 * function's region (alibaba/funcraft PR #1078); whether a bucket policy of another account is honoured is
 * UNCONFIRMED (`shared`), and `per-account` avoids the question at the cost of publishing into every account.
 */
export type FleetCodeSource = 'inline' | 'shared' | 'per-account';

/** The code sources that read from a code bucket, which `npm run assets:publish` fills. */
export type FleetCodeBuckets = Exclude<FleetCodeSource, 'inline'>;

/** The placeholder of the member account id in a `per-account` bucket name of a code manifest. */
export const ACCOUNT_ID_PLACEHOLDER = '{accountId}';

/**
 * The code bucket of a stack group's template in a region: the publishing account's bucket of that region (`shared`),
 * or the member account's own, `cdk-<qualifier>-assets-<account id>-<region>` (`per-account`; `accountId` defaults to
 * {@link ACCOUNT_ID_PLACEHOLDER}). The longest such name (10-character qualifier, 20-digit account id, 14-character
 * region id of lib/config/regions.ts) is 57 characters, within the OSS limit of 63.
 */
export function fleetCodeBucketName(
  qualifier: string,
  region: string,
  codeSource: FleetCodeBuckets,
  accountId: string = ACCOUNT_ID_PLACEHOLDER,
): string {
  return codeBucketName(qualifier, codeSource === 'per-account' ? `${accountId}-${region}` : region);
}

/** The object key of a handler's code: content-addressed, so a changed bundle is a new object and an old one stays. */
export function codeObjectKey(handler: string, sha256: string): string {
  return `ecs-event-ops/${handler}/${sha256}.zip`;
}

/** One code object to publish. */
export interface CodeObject {
  /** Handler name (`lambda-src/<handler>.ts`). */
  readonly handler: string;
  /** Object key in the code bucket. */
  readonly key: string;
  /** The zip, relative to the assembly folder. */
  readonly file: string;
  /** SHA-256 of the zip, hex. */
  readonly sha256: string;
  /** Size of the zip, bytes. */
  readonly bytes: number;
}

/** `<stack>.code.json`: what one stack needs in its code bucket. */
export interface CodeManifest {
  readonly version: number;
  /** The qualifier the bucket name was made from (`assetsQualifier`). */
  readonly qualifier: string;
  /** Region of the stack, and of its bucket. */
  readonly region: string;
  /** The code bucket. */
  readonly bucketName: string;
  /**
   * For the code of a stack group's template: the same objects go to the code bucket of every one of these regions
   * (`region` and `bucketName` are then the first region's).
   * @default - only `bucketName`
   */
  readonly fleet?: { readonly regions: readonly string[]; readonly codeSource: FleetCodeBuckets };
  /** Code objects, sorted by key. */
  readonly objects: readonly CodeObject[];
}
