import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ros from '@alicloud/ros-cdk-core';
import {
  CODE_FOLDER,
  CODE_MANIFEST_VERSION,
  type CodeManifest,
  type CodeObject,
  codeBucketName,
  codeManifestFile,
  codeObjectKey,
  type FleetCodeBuckets,
  type FleetCodeSource,
  fleetCodeBucketName,
} from './manifest';
import { zipHandlerCode } from './zip';

/** Props of {@link HandlerCode}. */
export interface HandlerCodeProps {
  /** Names the code bucket `cdk-<qualifier>-assets-<region>` (configuration key `assetsQualifier`). */
  readonly qualifier: string;
  /**
   * The code of a template deployed to many accounts and regions (a stack group's): the template names its code
   * bucket from the `ALIYUN::Region` pseudo parameter (and, with `per-account`, `ALIYUN::AccountId`) instead of a
   * literal region, and the code manifest lists every region, so that `npm run assets:publish` fills each bucket.
   * @default - the code bucket of the stack's own, literal region
   */
  readonly fleet?: FleetCode;
}

/** Where the code of a stack group's template lives. */
export interface FleetCode {
  /** Every region the template is deployed to. */
  readonly regions: readonly string[];
  /** One bucket per region in the publishing account (`shared`), or one per member account and region. */
  readonly codeSource: FleetCodeSource;
}

/** Where a function's code is: the `Code` of an `ALIYUN::FC::Function`. */
export interface CodeLocation {
  /** The code bucket. */
  readonly bucketName: string;
  /** The object key. */
  readonly objectKey: string;
  /**
   * The zip itself, base64, when the code is inline in the template (`ZipFile`, which FC prefers over an OSS
   * object): a stack group's template with `fleet.codeSource` `inline`. Then `bucketName` and `objectKey` are unused.
   * @default - the code is the OSS object
   */
  readonly zipFile?: string;
}

const ID = 'HandlerCode';

/**
 * The handler code of one stack: the zips its functions run, in the code bucket of the stack's region.
 *
 * Functions ask it for a location ({@link HandlerCode.location}); at synth, the stack's `TemplateOnlySynthesizer` has it write each zip
 * once into the assembly's `eeo-code/` folder and list them in `<stack>.code.json`, which `npm run assets:publish` uploads before deploy. One per
 * stack, created by the stack ({@link HandlerCode.of} finds it).
 */
export class HandlerCode extends ros.Construct {
  /** The `HandlerCode` of the stack `scope` belongs to. */
  static of(scope: ros.Construct): HandlerCode {
    const stack = ros.Stack.of(scope);
    const found = stack.node.tryFindChild(ID);
    if (!(found instanceof HandlerCode)) {
      throw new Error(
        `${scope.node.path}: stack ${stack.node.id} has no HandlerCode; create one first: new HandlerCode(stack, { qualifier })`,
      );
    }
    return found;
  }

  /** The code bucket. */
  readonly bucketName: string;
  private readonly region: string;
  private readonly objects = new Map<string, CodeObject & { readonly zip: Buffer }>();

  constructor(
    scope: ros.Stack,
    private readonly props: HandlerCodeProps,
  ) {
    super(scope, ID);
    if (!/^[a-z0-9]{2,10}$/.test(props.qualifier)) {
      throw new Error(`HandlerCode: qualifier "${props.qualifier}" is not valid: 2 to 10 lowercase letters and digits`);
    }
    if (props.fleet !== undefined) {
      const first = props.fleet.regions[0];
      if (first === undefined) throw new Error('HandlerCode: fleet.regions is empty: give at least one region');
      this.region = first;
      // Pseudo parameters: the same template names the right bucket in every account and region it lands in.
      this.bucketName = ros.Fn.join('', [
        `${codeBucketName(props.qualifier, '')}`,
        ...(props.fleet.codeSource === 'per-account' ? [scope.account, '-'] : []),
        scope.region,
      ]);
      return;
    }
    const region = scope.region;
    if (ros.Token.isUnresolved(region)) {
      throw new Error(
        `HandlerCode: stack ${scope.node.id} needs a literal region (env.region): the code bucket is per region`,
      );
    }
    this.region = region;
    this.bucketName = codeBucketName(props.qualifier, region);
  }

  /**
   * Takes in the code objects of `other` (the HandlerCode of a stack group's template, synthesized in an app of its
   * own), so that this stack's synthesizer writes them into this assembly for `npm run assets:publish`.
   */
  include(other: HandlerCode): void {
    for (const [key, object] of other.objects) this.objects.set(key, object);
  }

  /** The location of a handler's code, given its bundled `index.js`. */
  location(handler: string, indexJs: Uint8Array): CodeLocation {
    const zip = zipHandlerCode(indexJs);
    const sha256 = createHash('sha256').update(zip).digest('hex');
    const key = codeObjectKey(handler, sha256);
    if (!this.objects.has(key)) {
      this.objects.set(key, { handler, key, file: `${CODE_FOLDER}/${sha256}.zip`, sha256, bytes: zip.length, zip });
    }
    return {
      bucketName: this.bucketName,
      objectKey: key,
      ...(this.props.fleet?.codeSource === 'inline' ? { zipFile: zip.toString('base64') } : {}),
    };
  }

  /** The manifest of this stack's code (objects sorted by key); undefined when the code is inline (nothing to publish). */
  manifest(): CodeManifest | undefined {
    const objects = [...this.objects.values()]
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .map(({ handler, key, file, sha256, bytes }) => ({ handler, key, file, sha256, bytes }));
    const { fleet } = this.props;
    if (fleet?.codeSource === 'inline') return undefined;
    return {
      version: CODE_MANIFEST_VERSION,
      qualifier: this.props.qualifier,
      region: this.region,
      bucketName:
        fleet === undefined
          ? this.bucketName
          : fleetCodeBucketName(this.props.qualifier, this.region, fleet.codeSource as FleetCodeBuckets),
      ...(fleet === undefined
        ? {}
        : { fleet: { regions: [...fleet.regions], codeSource: fleet.codeSource as FleetCodeBuckets } }),
      objects,
    };
  }

  /** The stack's `HandlerCode`, if it has one. */
  static find(stack: ros.Stack): HandlerCode | undefined {
    const found = stack.node.tryFindChild(ID);
    return found instanceof HandlerCode ? found : undefined;
  }

  /** Writes the zips and `<stack>.code.json` into the assembly folder (called by the stack's synthesizer). */
  writeTo(outdir: string): void {
    const manifest = this.manifest();
    // Inline code is in the template already: no zips, no manifest, nothing for assets:publish.
    if (manifest === undefined) return;
    fs.mkdirSync(path.join(outdir, CODE_FOLDER), { recursive: true });
    for (const object of this.objects.values()) fs.writeFileSync(path.join(outdir, object.file), object.zip);
    const artifactId = ros.Stack.of(this).artifactId;
    fs.writeFileSync(path.join(outdir, codeManifestFile(artifactId)), `${JSON.stringify(manifest, null, 2)}\n`);
  }
}
