import * as ros from '@alicloud/ros-cdk-core';
import { HandlerCode } from './handler-code';

/**
 * A stack synthesizer that writes the template and the stack artifact, and no asset manifest.
 *
 * The ROS CDK's `DefaultStackSynthesizer` lists the template itself, and every file asset, in `<stack>.assets.json`,
 * and reads `assetAssociatedBucketName` from a `stack.info.json` in the working folder (ros-cdk-core
 * `lib/stack-synthesizers/default-synthesizer.ts`): a leftover of `ros-cdk generate-stack-file` would silently rename the
 * code bucket in our templates. The newer `ros-cdk` CLIs publish whatever an asset manifest lists on every deploy (and
 * fail with STS credentials), and delete that bucket after a failed deploy. This synthesizer gives the CLI nothing
 * to publish or delete, and reads nothing from the working folder; handler code goes through `HandlerCode`, whose zips and code manifest it
 * writes.
 */
export class TemplateOnlySynthesizer extends ros.StackSynthesizer {
  override addFileAsset(asset: ros.FileAssetSource): ros.FileAssetLocation {
    throw new Error(
      `TemplateOnlySynthesizer: file asset ${asset.fileName ?? asset.sourceHash} is not supported: ` +
        'handler code is published by `npm run assets:publish` (see HandlerCode)',
    );
  }

  override synthesize(session: ros.ISynthesisSession): void {
    this.synthesizeTemplate(session);
    HandlerCode.find(this.boundStack)?.writeTo(session.assembly.outdir);
    this.emitArtifact(session);
  }
}
