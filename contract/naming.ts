/**
 * Names of the deployed resources, derived from the configured `namePrefix`. The stack names resources with these,
 * and the operator tools find them with the same functions.
 */

/** The `namePrefix` when none is configured. */
export const DEFAULT_NAME_PREFIX = 'ecs-event-ops';

/** The stack of a region: `<namePrefix>-<region>`. */
export function stackName(namePrefix: string, region: string): string {
  return `${namePrefix}-${region}`;
}

/** The FC service (and base of every other name) of an automation: `<namePrefix>-<automation>`. */
export function automationResourceName(namePrefix: string, automation: string): string {
  return `${namePrefix}-${automation}`;
}

/** The dead-letter queue of an automation: `<namePrefix>-<automation>-dlq`. */
export function deadLetterQueueName(namePrefix: string, automation: string): string {
  return `${automationResourceName(namePrefix, automation)}-dlq`;
}

/** The RAM role of an automation's function: `<namePrefix>-<automation>-<region>` (RAM names are account-wide). */
export function functionRoleName(namePrefix: string, automation: string, region: string): string {
  return `${automationResourceName(namePrefix, automation)}-${region}`;
}

/**
 * The name part of the event store's rule, dead-letter queue and role (`<namePrefix>-event-store…`), as if it were an
 * automation: dlq-check watches its queue like the automations' queues.
 */
export const EVENT_STORE_NAME = 'event-store';

/** An EventBridge rule: `<namePrefix>-<rule>`. */
export function ruleName(namePrefix: string, rule: string): string {
  return `${namePrefix}-${rule}`;
}

/** A rule declared in the configuration (`rules[].name`): `<namePrefix>-rule-<name>`. */
export function declaredRuleName(namePrefix: string, name: string): string {
  return ruleName(namePrefix, `rule-${name}`);
}

/** A secret in the secret store, or another named resource of the stack: `<namePrefix>-<suffix>`. */
export function prefixedName(namePrefix: string, suffix: string): string {
  return `${namePrefix}-${suffix}`;
}

/** The first part of the archive bucket name, before the account id and region: `<namePrefix>-archive`. */
export function archiveBucketNamePrefix(namePrefix: string): string {
  return `${namePrefix}-archive`;
}

/** The archive bucket: `<namePrefix>-archive-<account id>-<region>`. */
export function archiveBucketName(namePrefix: string, accountId: string, region: string): string {
  return [archiveBucketNamePrefix(namePrefix), accountId, region].join('-');
}

/** The fleet stack (`fleet` configuration), deployed once from the management or delegated administrator account. */
export function fleetStackName(namePrefix: string): string {
  return `${namePrefix}-fleet`;
}

/**
 * The ROS stack group the fleet stack declares: `<namePrefix>-fleet` (stack group names allow `[0-9A-Za-z_-]`, at most
 * 255 characters, https://www.alibabacloud.com/help/en/ros/developer-reference/aliyun-ros-stackgroup). The operator
 * tools (`npm run fleet`) find the group by this name.
 */
export function stackGroupName(namePrefix: string): string {
  return `${namePrefix}-fleet`;
}

/**
 * The name under which the assembly reader, the diff and the policy report the template a stack group deploys: the
 * fleet stack's name and `-template` (it is a template of the fleet stack, never a stack of its own).
 */
export function groupTemplateName(fleetStack: string): string {
  return `${fleetStack}-template`;
}
