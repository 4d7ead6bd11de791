import * as ros from '@alicloud/ros-cdk-core';
import { ARCHIVE_PREFIXES } from '../../contract/archive';
import { type AlertChannelSecret, formatAlertChannelEnv } from '../../contract/env/secrets';
import { prefixedName } from '../../contract/naming';
import { KNOWN_REGIONS, type RegionConfig } from '../config';
import type { EventArchiveBucket } from '../constructs/event-archive-bucket';
import type { PolicyStatement } from '../constructs/handler-function';
import { SnapshotPolicy } from '../constructs/snapshot-policy';
import { StoredSecret } from '../constructs/stored-secret';
import type { ChannelAccess, RegionResources } from './unit';

/** The alert channels' secrets: construct id, name suffix, description and allowed pattern. */
const CHANNEL_SECRETS: Readonly<
  Record<AlertChannelSecret, { id: string; suffix: string; description: string; allowedPattern?: string }>
> = {
  dingTalkWebhookUrl: {
    id: 'DingTalkWebhookUrl',
    suffix: 'dingtalk-webhook-url',
    description: 'DingTalk custom robot webhook URL (with its access_token)',
    allowedPattern: '^https://.+',
  },
  dingTalkSecret: {
    id: 'DingTalkSecret',
    suffix: 'dingtalk-secret',
    description: 'DingTalk robot signing secret (SEC…)',
  },
  webhookUrl: {
    id: 'WebhookUrl',
    suffix: 'webhook-url',
    description: 'HTTPS webhook that receives alerts',
    allowedPattern: '^https://.+',
  },
  webhookToken: { id: 'WebhookToken', suffix: 'webhook-token', description: 'Bearer token sent to the alert webhook' },
};

/**
 * The {@link RegionResources} of a region stack. Shared resources (the alert channels' secrets, the snapshot policy)
 * are created on first use, so they land in the template where the first unit asks for them.
 */
export function regionResources(
  stack: ros.Stack,
  config: RegionConfig,
  archive: EventArchiveBucket,
  planned: () => readonly string[],
  timeZone: string = KNOWN_REGIONS[config.region].timeZone,
): RegionResources {
  let channels: ChannelAccess | undefined;
  let policy: { value: SnapshotPolicy | undefined } | undefined;
  const idempotency: PolicyStatement[] = [
    { actions: ['oss:GetObject', 'oss:PutObject'], resources: [archive.objectsArn(ARCHIVE_PREFIXES.idempotency)] },
  ];
  return {
    stack,
    config,
    archive,
    idempotency,
    timeZone,
    arn: (service, resource) => ros.Fn.join('', [`acs:${service}:`, stack.region, ':', stack.account, `:${resource}`]),
    // One set of NoEcho parameters shared by notify and dlq-check, each kept in the secret store. A function's
    // environment holds the secrets' names only; it reads the values at run time, with a role that may read these
    // secrets and no other.
    alertChannels: () => {
      if (channels !== undefined) return channels;
      const { secretStore, kmsInstanceId, dingTalk, webhook } = config.notifications;
      const wanted: AlertChannelSecret[] = [
        ...(dingTalk ? (['dingTalkWebhookUrl', 'dingTalkSecret'] as const) : []),
        ...(webhook ? (['webhookUrl', 'webhookToken'] as const) : []),
      ];
      const statements: PolicyStatement[] = [];
      const names = wanted.map((secret) => {
        const { id, suffix, description, allowedPattern } = CHANNEL_SECRETS[secret];
        const stored = new StoredSecret(stack, id, {
          secretName: prefixedName(config.namePrefix, suffix),
          description,
          allowedPattern,
          store: secretStore,
          kmsInstanceId: kmsInstanceId ?? undefined,
        });
        statements.push(...stored.readStatements);
        return [secret, stored.secretName] as const;
      });
      channels = { environment: formatAlertChannelEnv(secretStore, names), statements };
      return channels;
    },
    snapshotPolicy: () => {
      policy ??= {
        value:
          config.snapshots.policy === null
            ? undefined
            : new SnapshotPolicy(stack, 'SnapshotPolicy', {
                name: prefixedName(config.namePrefix, 'disks'),
                ...config.snapshots.policy,
              }),
      };
      return policy.value;
    },
    planned,
  };
}
