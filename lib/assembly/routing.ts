import { UNCATALOGUED_METADATA_KEY } from '../constructs/event-rule';
import type { ReportStack, ReportTarget } from '../patterns/routing';
import type { RosTemplate, TemplateResource } from './template';

/**
 * Reads the routing of one synthesized region template: its `ALIYUN::EventBridge::Rule`s with their patterns and
 * targets, and each target's dead-letter queue. Used by `rules:report` (Markdown, JSON, Mermaid) and by the diff's
 * routing pictures, so both read a template the same way.
 *
 * @see https://www.alibabacloud.com/help/en/ros/developer-reference/aliyun-eventbridge-rule (Targets, ParamList,
 *   DeadLetterQueue.Arn)
 */

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The name of the queue a `DeadLetterQueue.Arn` points at: the `QueueName` of the `ALIYUN::MNS::Queue` of a
 * `Fn::GetAtt`, else the last path segment of a literal ARN (`acs:mns:<region>:<account>:/queues/<name>`), else the
 * logical id the attribute names.
 */
function queueName(arn: unknown, resources: Readonly<Record<string, TemplateResource>>): string | undefined {
  if (typeof arn === 'string') return arn.slice(arn.lastIndexOf('/') + 1) || arn;
  if (!isRecord(arn) || !Array.isArray(arn['Fn::GetAtt'])) return undefined;
  const [id] = arn['Fn::GetAtt'] as unknown[];
  if (typeof id !== 'string') return undefined;
  const name = resources[id]?.Properties?.QueueName;
  return typeof name === 'string' ? name : id;
}

function readTarget(raw: unknown, resources: Readonly<Record<string, TemplateResource>>): ReportTarget {
  const t = isRecord(raw) ? raw : {};
  const params = Array.isArray(t.ParamList) ? t.ParamList.filter(isRecord) : [];
  const param = (key: string) => {
    const value = params.find((p) => p.ResourceKey === key)?.Value;
    return typeof value === 'string' ? value : undefined;
  };
  const type = typeof t.Type === 'string' ? t.Type : 'unknown';
  const functionName = type === 'acs.fc.function' ? param('functionName') : undefined;
  const deadLetterQueue = isRecord(t.DeadLetterQueue) ? queueName(t.DeadLetterQueue.Arn, resources) : undefined;
  return {
    type,
    ...(functionName === undefined ? {} : { automation: functionName }),
    ...(deadLetterQueue === undefined ? {} : { deadLetterQueue }),
  };
}

/**
 * The rules of `template` (a region stack named `name`), in template order, with the catalogue types they accept
 * through the escape hatch and their targets.
 *
 * @example reportStackOf('ecs-event-ops-cn-hangzhou', readAssembly('cdk.out').stacks[0].template).rules[0].targets
 */
export function reportStackOf(name: string, template: RosTemplate): ReportStack {
  const resources = template.Resources ?? {};
  const rules = Object.values(resources)
    .filter((r) => r.Type === 'ALIYUN::EventBridge::Rule')
    .map((r) => {
      const escapeHatch = r.Metadata?.[UNCATALOGUED_METADATA_KEY];
      const types = isRecord(escapeHatch) ? escapeHatch.types : undefined;
      let pattern = r.Properties?.FilterPattern;
      if (typeof pattern === 'string') {
        try {
          pattern = JSON.parse(pattern);
        } catch {
          // A pattern that is not JSON routes nothing the report can name; policy checks report it.
        }
      }
      const targets = Array.isArray(r.Properties?.Targets) ? r.Properties.Targets : [];
      return {
        name: String(r.Properties?.RuleName),
        pattern,
        uncatalogued: Array.isArray(types) ? types.filter((t): t is string => typeof t === 'string') : undefined,
        targets: targets.map((t) => readTarget(t, resources)),
      };
    });
  return { name, rules };
}
