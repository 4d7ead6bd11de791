import type * as ros from '@alicloud/ros-cdk-core';
import { declaredRuleName } from '../../contract/naming';
import {
  DECLARED_TARGET_ALIASES,
  type DeclaredRuleSettings,
  declaredRuleId,
  type RegionConfig,
} from '../config/schema';
import type { DeadLetterQueue } from '../constructs/dead-letter-queue';
import { EventRule } from '../constructs/event-rule';
import { FcFunctionTarget } from '../constructs/fc-function-target';
import type { HandlerFunction } from '../constructs/handler-function';

/**
 * Rules users declare in the configuration (`rules`, lib/config/schema.ts): each becomes its own EventBridge rule,
 * `<namePrefix>-rule-<name>`, that delivers to the functions of the automations it targets, with the dead-letter
 * queue of its first target's automation and the retry strategy of every rule (`EventRule`'s default).
 *
 * Targets: `notify`, `archive` (the `event-archive` automation), or an automation the team added (custom/index.ts).
 * The built-in automations that act on the cloud (auto-restart, spot-drain, …) expect their own events and are
 * refused. `notify` and `event-archive` are deployed whenever a declared rule targets them (their units read
 * `Feed.declared`); any other target must be enabled in the region, or synth fails naming it.
 */

/** A declared rule that cannot be deployed: its target is unknown, not declarable, or not deployed in the region. */
export class DeclaredRuleError extends Error {
  override readonly name = 'DeclaredRuleError';
}

/** The automation a declared target names (`archive` is `event-archive`). */
export function targetAutomation(target: string): string {
  return Object.hasOwn(DECLARED_TARGET_ALIASES, target) ? DECLARED_TARGET_ALIASES[target] : target;
}

/** How many declared rules of `config` target each automation: the `Feed.declared` of each unit. */
export function declaredFeeds(config: RegionConfig): ReadonlyMap<string, number> {
  const counts = new Map<string, number>();
  for (const rule of config.rules) {
    for (const automation of new Set(rule.targets.map(targetAutomation))) {
      counts.set(automation, (counts.get(automation) ?? 0) + 1);
    }
  }
  return counts;
}

/** What {@link deployDeclaredRules} needs of each deployed automation. */
export interface DeclaredRuleTarget {
  readonly handler: HandlerFunction;
  readonly deadLetterQueue: DeadLetterQueue;
}

/**
 * Creates the EventBridge rule of every declared rule of `config`, in the order declared.
 *
 * @param deployed the automations deployed in the region, by name
 * @param refused automations that declared rules may not target (the built-in ones that act on the cloud)
 * @throws DeclaredRuleError naming the rule, the target and the automations it may target in this region
 */
export function deployDeclaredRules(
  stack: ros.Stack,
  config: RegionConfig,
  deployed: ReadonlyMap<string, DeclaredRuleTarget>,
  refused: readonly string[],
): EventRule[] {
  return config.rules.map((rule, i) => {
    const targets = rule.targets.map((target) => resolve(rule, i, target, config, deployed, refused));
    return new EventRule(stack, declaredRuleId(rule.name), {
      ruleName: declaredRuleName(config.namePrefix, rule.name),
      description: rule.description ?? `Declared in the configuration: rules "${rule.name}"`,
      pattern: rule.pattern,
      targets: targets.map((t) => new FcFunctionTarget(t.handler)),
      deadLetterQueue: targets[0].deadLetterQueue,
    });
  });
}

function resolve(
  rule: DeclaredRuleSettings,
  index: number,
  target: string,
  config: RegionConfig,
  deployed: ReadonlyMap<string, DeclaredRuleTarget>,
  refused: readonly string[],
): DeclaredRuleTarget {
  const automation = targetAutomation(target);
  const found = refused.includes(automation) ? undefined : deployed.get(automation);
  if (found !== undefined) return found;
  const aliases = new Map(Object.entries(DECLARED_TARGET_ALIASES).map(([alias, name]) => [name, alias]));
  const allowed = [...deployed.keys()]
    .filter((name) => !refused.includes(name))
    .map((name) => aliases.get(name) ?? name);
  const why = refused.includes(automation)
    ? `"${target}" is a built-in automation that acts on its own events and takes no declared rules`
    : `"${target}" is not deployed in ${config.region} (unknown, or turned off there)`;
  throw new DeclaredRuleError(
    `Declared rule "${rule.name}" (rules[${index}] in ${config.region}): target ${why}; allowed: notify, archive, or a custom automation deployed there${allowed.length > 0 ? ` (deployed now: ${allowed.join(', ')})` : ''}`,
  );
}
