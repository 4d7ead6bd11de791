import type * as ros from '@alicloud/ros-cdk-core';
import type { RegionConfig } from '../config';
import type { EventArchiveBucket } from '../constructs/event-archive-bucket';
import type { IRuleTarget } from '../constructs/event-rule';
import type { HandlerFunction, PolicyStatement } from '../constructs/handler-function';
import type { SnapshotPolicy } from '../constructs/snapshot-policy';
import type { EventPattern } from '../events/pattern';

/** A rule feeding an automation. */
export interface RuleSpec {
  /** Construct id, PascalCase. Part of the logical ids: renaming it replaces resources. */
  readonly id: string;
  /** Suffix of the rule name (`<namePrefix>-<name>`). */
  readonly name: string;
  readonly description: string;
  readonly pattern: EventPattern;
  /** Targets besides the automation's function. @default none */
  readonly extraTargets?: readonly IRuleTarget[];
}

/** The alert channels' secrets as a function sees them: its environment and the statements to read them. */
export interface ChannelAccess {
  readonly environment: Readonly<Record<string, string>>;
  readonly statements: readonly PolicyStatement[];
}

/** What a region offers its automations. Shared resources are created on first use, in the order units ask. */
export interface RegionResources {
  readonly stack: ros.Stack;
  readonly config: RegionConfig;
  readonly archive: EventArchiveBucket;
  /** Read and write of the automation's own idempotency markers. */
  readonly idempotency: readonly PolicyStatement[];
  /** `acs:<service>:<region>:<account>:<resource>`. */
  arn(service: string, resource: string): string;
  /**
   * IANA time zone of the region, for alert times: the region's own (lib/config/regions.ts), or a template parameter in
   * a stack group's template, which has no literal region.
   */
  readonly timeZone: string;
  /** The alert channels (DingTalk, webhook), their secrets created when first asked for. */
  alertChannels(): ChannelAccess;
  /** The automatic snapshot policy of `snapshots.policy`, created when first asked for; undefined when not configured. */
  snapshotPolicy(): SnapshotPolicy | undefined;
  /** The automations planned so far (in registry order), by name. */
  planned(): readonly string[];
}

/** Rules other units route to an automation, known before it plans. */
export interface Feed {
  /** Rules of rule-set units that feed this automation, in registry order. */
  readonly rules: readonly RuleSpec[];
  /** How many rules declared in the configuration (`rules`) target it. */
  readonly declared: number;
}

/** What an enabled automation deploys: a function, its dead-letter queue and the rules that feed it. */
export interface AutomationPlan {
  readonly description: string;
  /** Every rule of the function, the feed's included (the unit places them). */
  readonly rules: readonly RuleSpec[];
  readonly statements: readonly PolicyStatement[];
  /** Its own variables, formatted through the contract (the common ones are added by the stack). */
  readonly environment: Readonly<Record<string, string>>;
  /**
   * The function's timeout is at least this many seconds (the larger of this and `functions.timeoutSeconds`).
   * @default - `functions.timeoutSeconds`
   */
  readonly minTimeoutSeconds?: number;
  /** Run the function on a timer as well (or instead of rules), every this many minutes. @default - no timer */
  readonly scheduleMinutes?: number;
  /** Called once every automation of the region exists (e.g. custom resources the function provides). */
  readonly afterDeploy?: (handler: HandlerFunction) => void;
}

/** One automation: a handler and everything the region needs to run it. */
export interface AutomationUnit {
  readonly kind: 'automation';
  /** Kebab-case name: the suffix of every resource name (and of the handler entry, by default). */
  readonly name: string;
  /** Construct id prefix, PascalCase. Part of the logical ids: renaming it replaces resources. */
  readonly id: string;
  /**
   * The handler's entry file, relative to the repository root, e.g. `custom/tag-audit/handler.ts`. It follows the
   * rules of `lambda-src/`: it never imports lib/ (biome.json), and what it shares with the unit lives in a
   * dependency-free contract file.
   * @default - `lambda-src/<name>.ts`
   */
  readonly entry?: string;
  /**
   * The configuration keys it reads (schema and defaults in lib/config/). A team's own unit, which cannot add keys
   * to the schema, lists none and takes its settings as options in code (see examples/tag-audit/unit.ts).
   */
  readonly settings: readonly string[];
  /** What it deploys in `region`, or undefined when it is disabled there. */
  plan(region: RegionResources, feed: Feed): AutomationPlan | undefined;
}

/** Rules routed to another automation's function (its `feeds`). */
export interface RuleSetUnit {
  readonly kind: 'rules';
  readonly name: string;
  /** The automation these rules feed. */
  readonly feeds: string;
  /** The configuration keys it reads. */
  readonly settings: readonly string[];
  /** Its rules in `region`; none when disabled. */
  rules(region: RegionResources): readonly RuleSpec[];
}

/** An entry of the registry. */
export type Unit = AutomationUnit | RuleSetUnit;
