/**
 * Shapes of the Alibaba Cloud resource ids and tag keys that appear in configuration, environment and events. Ids
 * are lowercase letters and digits after a fixed prefix; real ids are 17 to 25 characters.
 */

/** The prefix of each kind of id. */
export const ID_PREFIXES = {
  instance: 'i-',
  vServerGroup: 'rsp-',
  /** ALB and NLB server groups. */
  serverGroup: 'sgp-',
  scalingGroup: 'asg-',
  disk: 'd-',
  snapshot: 's-',
  snapshotPolicy: 'sp-',
  scalingActivity: 'asa-',
} as const;

/** A kind of resource id. */
export type IdKind = keyof typeof ID_PREFIXES;

/** The kinds of id the configuration holds, with a label and an example for messages. */
export const ID_FORMATS = {
  instance: { label: 'an instance', pattern: strictId('instance'), example: 'i-bp1abcdefghij0123456' },
  vServerGroup: { label: 'a vServer group', pattern: strictId('vServerGroup'), example: 'rsp-bp1abcdefghij0123' },
  serverGroup: {
    label: 'an ALB or NLB server group',
    pattern: strictId('serverGroup'),
    example: 'sgp-bp1abcdefghij0123',
  },
  scalingGroup: { label: 'a scaling group', pattern: strictId('scalingGroup'), example: 'asg-bp1abcdefghij0123' },
  disk: { label: 'a disk', pattern: strictId('disk'), example: 'd-bp1abcdefghij0123456' },
} as const;

/** The kinds of resource id the configuration knows. */
export type ConfigIdKind = keyof typeof ID_FORMATS;

/** A configured id: the prefix, then 8 to 32 lowercase letters or digits (loose bounds on purpose). */
function strictId(kind: IdKind): RegExp {
  return new RegExp(`^${ID_PREFIXES[kind]}[a-z0-9]{8,32}$`);
}

/**
 * An id as a handler accepts it from an event or its environment: the prefix, then 1 to 62 lowercase letters or
 * digits. Handlers only pass such ids back to the cloud's APIs, which have the last word; they refuse what can
 * never be an id (another kind, characters that would change a URL or an object key).
 */
export function idPattern(kind: IdKind): RegExp {
  return new RegExp(`^${ID_PREFIXES[kind]}[a-z0-9]{1,62}$`);
}

/** ECS tag keys: 1 to 128 characters, not starting with `aliyun` or `acs:`, no `http://` or `https://`. */
export const TAG_KEY = /^(?!aliyun|acs:)(?!.*https?:\/\/).{1,128}$/;

/** What {@link TAG_KEY} allows, for messages. */
export const TAG_KEY_ALLOWED = 'an ECS tag key: 1 to 128 characters, not starting with "aliyun" or "acs:"';

/** ECS tag values: up to 128 characters, no `http://` or `https://`. */
export const TAG_VALUE = /^(?!.*https?:\/\/).{1,128}$/;
