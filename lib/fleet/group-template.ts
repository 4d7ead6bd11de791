import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ros from '@alicloud/ros-cdk-core';
import { type FleetCode, HandlerCode } from '../code/handler-code';
import type { RegionConfig } from '../config';
import { RegionStack, type RegionStackProps } from '../stacks/region-stack';

/**
 * The most bytes of a template ROS accepts, as `TemplateBody` or behind a `TemplateURL` (CreateStackGroup and
 * CreateStack: "1 to 524,288 bytes").
 * @see https://www.alibabacloud.com/help/en/ros/developer-reference/aliyun-ros-stackgroup
 */
export const MAX_TEMPLATE_BYTES = 524_288;

/** The template of a stack group is too big, or cannot be built. */
export class GroupTemplateError extends Error {
  override readonly name = 'GroupTemplateError';
}

/** Props of {@link buildGroupTemplate}. */
export interface GroupTemplateProps {
  /** The settings of the template: the canary region's (lib/config checks every fleet region has the same). */
  readonly config: RegionConfig;
  /** Qualifier of the code buckets (`assetsQualifier`). */
  readonly assetsQualifier: string;
  /** Construct id of the template's stack (it never becomes a stack of the assembly). */
  readonly stackId: string;
  /** Where member accounts read the code. */
  readonly code: FleetCode;
  /** @default UNITS (see RegionStackProps.units) */
  readonly units?: RegionStackProps['units'];
}

/** A stack group's template, and the code its functions need. */
export interface GroupTemplate {
  /** The template, as synthesized: no literal region or account (pseudo parameters, template parameters). */
  readonly body: Record<string, unknown>;
  /** Its size as indented JSON, bytes: what is counted against {@link MAX_TEMPLATE_BYTES}. */
  readonly bytes: number;
  /** The template's code objects, for the fleet stack's code manifest (HandlerCode.include). */
  readonly code: HandlerCode;
}

/**
 * Builds the one template a stack group deploys: a {@link RegionStack} in `fleet` mode, synthesized in an app of its
 * own (so that it is a template of the fleet stack, never a stack of the assembly that `ros-cdk deploy` could pick),
 * into a temporary folder that is removed afterwards. The result depends only on the configuration and the handler
 * code: synth stays deterministic.
 *
 * @throws GroupTemplateError when the template exceeds {@link MAX_TEMPLATE_BYTES}
 */
export function buildGroupTemplate(props: GroupTemplateProps): GroupTemplate {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'eeo-group-template-'));
  try {
    const app = new ros.App({ outdir, stackTraces: false });
    const stack = new RegionStack(app, {
      config: props.config,
      assetsQualifier: props.assetsQualifier,
      units: props.units,
      fleet: { stackId: props.stackId, code: props.code },
    });
    const assembly = app.synth();
    const artifact = assembly.getStackArtifact(stack.artifactId);
    const text = fs.readFileSync(path.join(assembly.directory, artifact.templateFile), 'utf8');
    const body = JSON.parse(text) as Record<string, unknown>;
    // As the stack synthesizer writes templates (indented by 2): the larger form, whichever one a client sends.
    const bytes = Buffer.byteLength(JSON.stringify(body, undefined, 2));
    if (bytes > MAX_TEMPLATE_BYTES) {
      throw new GroupTemplateError(
        `the stack group's template is ${bytes} bytes, more than the ${MAX_TEMPLATE_BYTES} bytes ROS accepts: turn off ` +
          'automations, or declare fewer rules, in the fleet regions',
      );
    }
    const code = HandlerCode.find(stack);
    if (code === undefined) throw new GroupTemplateError(`stack ${stack.stackName} has no HandlerCode`);
    return { body, bytes, code };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}
