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
  /** Code objects, sorted by key. */
  readonly objects: readonly CodeObject[];
}
