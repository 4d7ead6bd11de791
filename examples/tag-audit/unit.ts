import type { AutomationUnit } from '../../lib/automations/unit';
import { instanceStateChange } from '../../lib/events/ecs-patterns';
import { DEFAULT_REQUIRED_TAGS, FINDINGS_PREFIX, formatTagAuditEnv, requiredTagsProblem, TAG_AUDIT } from './contract';

/** Options of {@link tagAudit}: the unit's settings, given in code by the team that lists it (custom/index.ts). */
export interface TagAuditOptions {
  /** Tag keys every running instance must carry, with a non-empty value. @default ["owner"] */
  readonly requiredTags?: readonly string[];
  /** The regions to deploy it in. @default - every configured region */
  readonly regions?: readonly string[];
}

/** Options of {@link tagAudit} that cannot be used; the message names the option, the value and what is allowed. */
export class TagAuditOptionsError extends Error {
  override readonly name = 'TagAuditOptionsError';
}

/**
 * tag-audit, the worked example of a team's own automation (README "Add your own automation"): when an ECS instance
 * starts running without one of the required tags (`owner` by default), it writes a finding to the archive bucket
 * under `state/tag-audit/<instanceId>.json` and logs a warning, so that SREs can find out whose instance it is
 * before the bill does.
 *
 * It deploys what every automation gets from the region stack: an FC function bundled from its `entry`
 * (examples/tag-audit/handler.ts), its dead-letter queue, and an EventBridge rule (`<namePrefix>-tag-audit`) for
 * `ecs:Instance:StateChange` events with `data.state` `Running`. Its role may read instances (DescribeInstances has
 * no resource-level permission) and write its findings and idempotency markers, nothing else.
 *
 * It lists no configuration keys: a team cannot add keys to the configuration schema without editing lib/config/,
 * so its settings are options in code, validated here at synth.
 *
 * @throws TagAuditOptionsError when `requiredTags` are not 1 to 20 distinct tag keys or `regions` is empty.
 * @example export const CUSTOM_UNITS: readonly Unit[] = [tagAudit({ requiredTags: ['owner', 'cost-center'] })];
 */
export function tagAudit(options: TagAuditOptions = {}): AutomationUnit {
  const requiredTags = options.requiredTags ?? DEFAULT_REQUIRED_TAGS;
  const problem = requiredTagsProblem(requiredTags);
  if (problem !== undefined) {
    throw new TagAuditOptionsError(`tagAudit: requiredTags ${JSON.stringify(requiredTags)}: ${problem}`);
  }
  if (options.regions !== undefined && options.regions.length === 0) {
    throw new TagAuditOptionsError('tagAudit: regions [] names no region: leave it out for every region, or name some');
  }
  const listed = requiredTags.map((tag) => `"${tag}"`).join(', ');
  return {
    kind: 'automation',
    name: TAG_AUDIT,
    id: 'TagAudit',
    entry: 'examples/tag-audit/handler.ts',
    settings: [],
    plan: (region, feed) => {
      if (options.regions !== undefined && !options.regions.includes(region.config.region)) return undefined;
      const description = `Records running instances without the tag ${listed} under ${FINDINGS_PREFIX} (example)`;
      return {
        description,
        rules: [
          {
            id: 'TagAuditRule',
            name: TAG_AUDIT,
            description: 'Instances that start running',
            pattern: instanceStateChange(['Running']),
          },
          ...feed.rules,
        ],
        statements: [
          ...region.idempotency,
          // DescribeInstances has no resource-level permission: it is a read.
          { actions: ['ecs:DescribeInstances'], resources: ['*'] },
          { actions: ['oss:PutObject'], resources: [region.archive.objectsArn(FINDINGS_PREFIX)] },
        ],
        environment: formatTagAuditEnv({ requiredTags }),
      };
    },
  };
}
