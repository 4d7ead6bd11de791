import { LIFECYCLE_TRANSITIONS, type LifecycleTransition } from '../../contract/env/scale-in-hook';
import { idPattern } from '../../contract/ids';
import { INSTANCE_ID, isRecord } from '../commons/envelope';
import { MalformedEventError } from '../commons/errors';

/**
 * The scale-in lifecycle hook notification, as the FC MNS topic trigger delivers it.
 *
 * The trigger (NotifyContentFormat `JSON`) passes `{ TopicOwner, TopicName, Subscriber, SubscriptionName, MessageId,
 * MessageMD5, PublishTime, Message }`, `Message` being the body ESS published.
 * @see https://alibabacloud.com/help/en/functioncompute/fc-3-0/user-guide/mns-topic-triggers (event format)
 *
 * ESS's message body is not documented field by field (UNCONFIRMED). What is documented: the token comes from the
 * hook's MNS queue or topic (CompleteLifecycleAction reference,
 * https://help.aliyun.com/zh/auto-scaling/developer-reference/api-ess-2022-02-22-completelifecycleaction), and the
 * OOS-template form of the hook passes `lifecycleHookId`, `lifecycleActionToken`, `scalingGroupId`, `instanceIds`,
 * `regionId`. We accept those lower-camel names either inside a `content` object (the envelope ESS uses for its
 * other MNS notifications: `content`, `userId`, `regionId`, `time`) or at the top level of the body, so either
 * answer works. `lifecycleTransition`, when present, must be `SCALE_IN` or `SCALE_OUT`. Every field is checked
 * before anything acts on it.
 *
 * The EventBridge path (`ess:LifecycleHook:ScaleIn`) is not parsed here: whether its `data` carries the token is
 * UNCONFIRMED. Adding it means a second parser producing the same {@link LifecycleNotice} (with
 * DescribeLifecycleActions to find the token from `scalingActivityId`); the core does not change.
 */

/** A lifecycle action to act on, whatever delivered it. */
export interface LifecycleNotice {
  /** Identifies the delivery: `mns:<TopicName>:<MessageId>`. */
  readonly deliveryId: string;
  /** `TopicOwner`: the account that owns the topic. */
  readonly topicOwner: string;
  /** `userId` of the body, when it names one. */
  readonly accountId?: string;
  /** `regionId` of the body, when present. */
  readonly regionId?: string;
  readonly lifecycleHookId: string;
  readonly lifecycleActionToken: string;
  /** `SCALE_IN` or `SCALE_OUT`; undefined when the body does not say. */
  readonly transition?: LifecycleTransition;
  readonly scalingGroupId: string;
  readonly scalingActivityId?: string;
  readonly instanceIds: readonly string[];
}

/** The most instances one scale-in activity removes that we accept in a notification (ESS removes at most 1000). */
export const MAX_NOTICE_INSTANCES = 1000;
/** The largest message body accepted: an MNS message is at most 64 KB. */
export const MAX_MESSAGE_BYTES = 65536;

const SCALING_GROUP_ID = idPattern('scalingGroup');
const SCALING_ACTIVITY_ID = idPattern('scalingActivity');
/** Lifecycle hook ids: `ash-` then lowercase letters and digits. */
const LIFECYCLE_HOOK_ID = /^ash-[a-z0-9]{1,62}$/;
/** Tokens: printable ASCII without spaces, at most 512 characters (they are sent back as query parameters). */
const TOKEN = /^[\x21-\x7e]{1,512}$/;
const ACCOUNT_ID = /^[0-9]{1,32}$/;
const REGION_ID = /^[a-z]{2}-[a-z0-9-]{1,40}$/;
const NAME = /^[A-Za-z0-9][A-Za-z0-9-]{0,255}$/;

function fail(field: string, value: unknown, allowed: string): never {
  const shown = JSON.stringify(value);
  throw new MalformedEventError(
    `scale-in hook notification field "${field}": ${shown === undefined ? 'missing' : shown.length > 80 ? `${shown.slice(0, 77)}...` : shown} is not ${allowed}`,
  );
}

function matching(record: Record<string, unknown>, field: string, pattern: RegExp, allowed: string, path = field) {
  const value = record[field];
  if (typeof value !== 'string' || !pattern.test(value)) fail(path, value, allowed);
  return value;
}

function optionalMatching(
  record: Record<string, unknown>,
  field: string,
  pattern: RegExp,
  allowed: string,
  path = field,
): string | undefined {
  return record[field] === undefined ? undefined : matching(record, field, pattern, allowed, path);
}

/**
 * Parses the payload of the MNS topic trigger into a {@link LifecycleNotice}.
 * @throws MalformedEventError naming the field, the value received and what is allowed.
 */
export function parseNotification(payload: Buffer | string): LifecycleNotice {
  const text = typeof payload === 'string' ? payload : payload.toString('utf8');
  let envelope: unknown;
  try {
    envelope = JSON.parse(text);
  } catch (cause) {
    throw new MalformedEventError('the scale-in hook notification is not JSON (MNS topic trigger, JSON format)', {
      cause,
    });
  }
  if (!isRecord(envelope)) throw new MalformedEventError('the scale-in hook notification is not a JSON object');
  const topicOwner = matching(envelope, 'TopicOwner', ACCOUNT_ID, 'an account id (digits)');
  const topicName = matching(envelope, 'TopicName', NAME, 'an MNS topic name');
  const messageId = matching(envelope, 'MessageId', /^[A-Za-z0-9-]{1,128}$/, 'an MNS message id');
  const message = envelope.Message;
  if (typeof message !== 'string' || message === '' || Buffer.byteLength(message) > MAX_MESSAGE_BYTES) {
    fail('Message', message, `a JSON text of at most ${MAX_MESSAGE_BYTES} bytes`);
  }
  let body: unknown;
  try {
    body = JSON.parse(message);
  } catch (cause) {
    throw new MalformedEventError(
      'scale-in hook notification field "Message" is not JSON; expected the lifecycle hook message ESS publishes',
      { cause },
    );
  }
  if (!isRecord(body)) fail('Message', body, 'a JSON object');
  const inContent = isRecord(body.content);
  const content: Record<string, unknown> = inContent ? (body.content as Record<string, unknown>) : body;
  const at = (field: string) => (inContent ? `Message.content.${field}` : `Message.${field}`);

  const transition = content.lifecycleTransition;
  const transitions: readonly unknown[] = Object.values(LIFECYCLE_TRANSITIONS);
  if (transition !== undefined && !transitions.includes(transition)) {
    fail(at('lifecycleTransition'), transition, transitions.map((t) => `"${t}"`).join(' or '));
  }
  const instanceIds = content.instanceIds;
  if (
    !Array.isArray(instanceIds) ||
    instanceIds.length === 0 ||
    instanceIds.length > MAX_NOTICE_INSTANCES ||
    !instanceIds.every((id) => typeof id === 'string' && INSTANCE_ID.test(id))
  ) {
    fail(at('instanceIds'), instanceIds, `a list of 1 to ${MAX_NOTICE_INSTANCES} instance ids (i-…)`);
  }
  return {
    deliveryId: `mns:${topicName}:${messageId}`,
    topicOwner,
    accountId: optionalMatching(body, 'userId', ACCOUNT_ID, 'an account id (digits)', 'Message.userId'),
    regionId: optionalMatching(body, 'regionId', REGION_ID, 'a region id', 'Message.regionId'),
    lifecycleHookId: matching(
      content,
      'lifecycleHookId',
      LIFECYCLE_HOOK_ID,
      'a lifecycle hook id (ash-…)',
      at('lifecycleHookId'),
    ),
    lifecycleActionToken: matching(
      content,
      'lifecycleActionToken',
      TOKEN,
      'a lifecycle action token (1 to 512 printable characters)',
      at('lifecycleActionToken'),
    ),
    transition: transition as LifecycleNotice['transition'],
    scalingGroupId: matching(
      content,
      'scalingGroupId',
      SCALING_GROUP_ID,
      'a scaling group id (asg-…)',
      at('scalingGroupId'),
    ),
    scalingActivityId: optionalMatching(
      content,
      'scalingActivityId',
      SCALING_ACTIVITY_ID,
      'a scaling activity id (asa-…)',
      at('scalingActivityId'),
    ),
    instanceIds: [...new Set(instanceIds as string[])],
  };
}
