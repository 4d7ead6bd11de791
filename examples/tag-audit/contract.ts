import { statePrefix } from '../../contract/archive';
import { TAG_KEY, TAG_KEY_ALLOWED } from '../../contract/ids';

/**
 * What the tag-audit unit (unit.ts, synth time) and its handler (handler.ts, run time) must agree on, written once:
 * the automation's name, its environment with its format and parse functions, and where it writes in the archive
 * bucket. Dependency-free like contract/ (biome.json enforces it): both sides import this file.
 */

/** The automation's name: its resources end with it, and its findings live under `state/tag-audit/`. */
export const TAG_AUDIT = 'tag-audit';

/** The environment of the tag-audit handler. */
export const TAG_AUDIT_ENV = {
  /** The tag keys every running instance must carry, as a JSON array of strings. @default ["owner"] */
  requiredTags: 'TAG_AUDIT_REQUIRED_TAGS',
} as const;

/** The tag keys required when none are given. */
export const DEFAULT_REQUIRED_TAGS: readonly string[] = ['owner'];

/** The settings the unit passes to the handler. */
export interface TagAuditSettings {
  /** Tag keys every running instance must carry (with a non-empty value). */
  readonly requiredTags: readonly string[];
}

/** Why `tags` cannot be the required tags, or undefined when they can: 1 to 20 distinct ECS tag keys. */
export function requiredTagsProblem(tags: readonly unknown[]): string | undefined {
  if (tags.length === 0 || tags.length > 20) return `${tags.length} tag keys: give 1 to 20`;
  const bad = tags.find((tag) => typeof tag !== 'string' || !TAG_KEY.test(tag));
  if (bad !== undefined) return `${JSON.stringify(bad)} is not ${TAG_KEY_ALLOWED}`;
  const twice = tags.find((tag, i) => tags.indexOf(tag) !== i);
  if (twice !== undefined) return `"${String(twice)}" is listed twice`;
  return undefined;
}

/** The environment for `settings`. */
export function formatTagAuditEnv(settings: TagAuditSettings): Record<string, string> {
  return { [TAG_AUDIT_ENV.requiredTags]: JSON.stringify(settings.requiredTags) };
}

/** Parses the value of `TAG_AUDIT_ENV.requiredTags`: the tag keys, or what is wrong with it. */
export function parseRequiredTags(raw: string): { readonly tags: readonly string[] } | { readonly problem: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { problem: 'not JSON (expected a JSON array of tag keys, e.g. ["owner"])' };
  }
  if (!Array.isArray(parsed)) return { problem: 'not a JSON array of tag keys (e.g. ["owner"])' };
  const problem = requiredTagsProblem(parsed);
  return problem === undefined ? { tags: parsed as string[] } : { problem };
}

/** `state/tag-audit/`: the findings, one object per instance. */
export const FINDINGS_PREFIX = statePrefix(TAG_AUDIT);

/**
 * `state/tag-audit/<instanceId>.json`: the finding of one instance, rewritten each time it starts running without a
 * required tag (so the folder lists the instances found untagged, the latest finding each).
 */
export function findingKey(instanceId: string): string {
  return `${FINDINGS_PREFIX}${instanceId}.json`;
}
