import type { RosTemplate } from '../assembly';

export type { RosTemplate, TemplateResource } from '../assembly';

/** What a rule checks: one stack of a cloud assembly. */
export interface PolicyTarget {
  /** Stack name, e.g. `ecs-event-ops-cn-hangzhou`. */
  readonly stack: string;
  readonly template: RosTemplate;
  /** Size in bytes of a code object's `index.js`, by object key; undefined when the object is not in the assembly. */
  readonly codeBytes: (objectKey: string) => number | undefined;
  /** Largest allowed handler bundle, KB (1 KB = 1000 bytes). */
  readonly bundleBudgetKb: number;
}

/** One violation. */
export interface Finding {
  /** Rule id, e.g. `target-dlq-retry`. */
  readonly rule: string;
  readonly stack: string;
  /** Logical id of the offending resource (or parameter). */
  readonly resource: string;
  readonly message: string;
}

/** A synth-time check. */
export interface PolicyRule {
  /** Stable id, used in suppressions. */
  readonly id: string;
  /** What the rule requires, one sentence. */
  readonly description: string;
  check(target: PolicyTarget): Finding[];
}

/** A deliberate exception: rule id, resource (`<stack>/<logicalId>` or `<logicalId>` for every stack), and why. */
export interface Suppression {
  readonly rule: string;
  readonly resource: string;
  readonly reason: string;
}
