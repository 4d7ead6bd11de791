/**
 * Types of the EventBridge event-pattern grammar, as Alibaba documents it.
 *
 * Each field takes a list of matchers (OR within the list); fields are ANDed; `data` mirrors the nesting of the
 * event's `data` object.
 *
 * @see https://www.alibabacloud.com/help/en/eventbridge/user-guide/event-patterns
 */

/** An exact value. `""` and `null` are distinct values. */
export type ExactValue = string | number | boolean | null;

/** One matcher of a field's list. */
export type Matcher =
  | ExactValue
  | { readonly prefix: string }
  | { readonly suffix: string }
  | { readonly contains: string }
  | { readonly 'anything-but': string | number | readonly (string | number)[] | { readonly prefix: string } }
  | { readonly numeric: readonly (string | number)[] }
  | { readonly cidr: string }
  | { readonly exists: boolean };

/** A nested object of a pattern: each key a matcher list or a deeper object. */
export interface PatternObject {
  readonly [field: string]: readonly Matcher[] | PatternObject;
}

/** A rule's filter pattern. `source` is always given: a pattern without it matches every service's events. */
export interface EventPattern {
  readonly source: readonly Matcher[];
  readonly type?: readonly Matcher[];
  readonly subject?: readonly Matcher[];
  readonly data?: PatternObject;
}
