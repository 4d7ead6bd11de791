import * as ros from '@alicloud/ros-cdk-core';
import * as oss from '@alicloud/ros-cdk-oss';
import { ARCHIVE_PREFIXES } from '../../contract/archive';
import { archiveBucketNamePrefix, DEFAULT_NAME_PREFIX } from '../../contract/naming';
import { MARKER_RETENTION_DAYS } from '../../contract/retention';

/** Props of {@link EventArchiveBucket}. */
export interface EventArchiveBucketProps {
  /**
   * Prefix of the bucket name; the account id and region are appended so the name is globally unique.
   * @default "ecs-event-ops"
   */
  readonly namePrefix?: string;
  /** Days after which archived events expire. @default 365 */
  readonly retentionDays?: number;
  /** Days after which archived events move to the IA (infrequent access) class; null keeps them Standard. @default 30 */
  readonly infrequentAccessAfterDays?: number | null;
  /**
   * Days after which short-lived handler state (idempotency markers, restart counters, alert delivery records)
   * expires. Must cover the idempotency window, which covers the dead-letter retention (a message re-delivered on
   * its last day must still find the markers of the functions that handled it), so at least
   * `MARKER_RETENTION_DAYS` (contract/retention.ts).
   * @default MARKER_RETENTION_DAYS (9 days: 7 days of dead-letter retention, 1 day of retries, 1 day of lifecycle lag)
   */
  readonly stateRetentionDays?: number;
}

/** Key prefixes the handlers write under, each with its own lifecycle rule (the layout is the contract's). */
export { ARCHIVE_PREFIXES } from '../../contract/archive';

/**
 * A private, encrypted, versioned OSS bucket for the audit trail of ECS events, retained when the stack is deleted.
 *
 * Name: `<namePrefix>-archive-<account id>-<region>`, unique per account and region (at most 63 characters for a
 * 20-character prefix). Lifecycle: `archive/` moves to IA after `infrequentAccessAfterDays` and expires after
 * `retentionDays`; `idempotency/` and `state/` expire after `stateRetentionDays`. ROS's `LifecycleConfiguration` has no rule for noncurrent versions, so versions replaced or
 * expired stay until removed by hand or by a rule added in the OSS console (see README).
 *
 * @see https://www.alibabacloud.com/help/en/ros/developer-reference/aliyun-oss-bucket
 */
export class EventArchiveBucket extends ros.Construct {
  /** The bucket name (a token: it includes the account id). */
  readonly bucketName: string;
  /** The underlying bucket. */
  readonly bucket: oss.Bucket;

  constructor(scope: ros.Construct, id: string, props: EventArchiveBucketProps = {}) {
    super(scope, id);
    const retentionDays = props.retentionDays ?? 365;
    const iaDays = props.infrequentAccessAfterDays === undefined ? 30 : props.infrequentAccessAfterDays;
    const stateDays = props.stateRetentionDays ?? MARKER_RETENTION_DAYS;
    if (!Number.isInteger(retentionDays) || retentionDays < 1) {
      throw new Error(`EventArchiveBucket ${this.node.path}: retentionDays ${retentionDays} is not a positive integer`);
    }
    if (iaDays !== null && (!Number.isInteger(iaDays) || iaDays < 1 || iaDays >= retentionDays)) {
      throw new Error(
        `EventArchiveBucket ${this.node.path}: infrequentAccessAfterDays ${iaDays} must be a positive integer below retentionDays (${retentionDays}), or null`,
      );
    }
    if (!Number.isInteger(stateDays) || stateDays < MARKER_RETENTION_DAYS) {
      throw new Error(
        `EventArchiveBucket ${this.node.path}: stateRetentionDays ${stateDays} must be an integer of at least ${MARKER_RETENTION_DAYS} (the idempotency window, which covers the dead-letter retention, plus a day)`,
      );
    }
    const stack = ros.Stack.of(this);
    const name = ros.Fn.join('-', [
      archiveBucketNamePrefix(props.namePrefix ?? DEFAULT_NAME_PREFIX),
      stack.account,
      stack.region,
    ]);

    this.bucket = new oss.Bucket(this, id, {
      bucketName: name,
      accessControl: 'private',
      blockPublicAccess: true,
      serverSideEncryptionConfiguration: { sseAlgorithm: 'AES256' },
      versioningConfiguration: { status: 'Enabled' },
      deletionForce: false,
      lifecycleConfiguration: {
        rule: [
          {
            id: 'archive-retention',
            prefix: ARCHIVE_PREFIXES.archive,
            status: 'Enabled',
            expiration: { days: retentionDays },
            ...(iaDays === null ? {} : { transition: [{ days: iaDays, storageClass: 'IA' }] }),
          },
          {
            id: 'idempotency-expiry',
            prefix: ARCHIVE_PREFIXES.idempotency,
            status: 'Enabled',
            expiration: { days: stateDays },
          },
          { id: 'state-expiry', prefix: ARCHIVE_PREFIXES.state, status: 'Enabled', expiration: { days: stateDays } },
        ],
      },
    });
    // The audit trail outlives the stack: deleting the stack leaves the bucket and its objects in place.
    this.bucket.applyRemovalPolicy(ros.RemovalPolicy.RETAIN);
    this.bucketName = ros.Token.asString(this.bucket.attrName);
  }

  /**
   * RAM resource ARN of the objects under `prefix`, e.g. `acs:oss:*:<account>:<bucket>/archive/*`.
   * OSS ARNs leave the region empty-wildcarded: bucket names are global.
   */
  objectsArn(prefix: string): string {
    return ros.Fn.join('', ['acs:oss:*:', ros.Stack.of(this).account, ':', this.bucketName, `/${prefix}*`]);
  }

  /** RAM resource ARN of the bucket itself (for `oss:ListObjects`). */
  get bucketArn(): string {
    return ros.Fn.join('', ['acs:oss:*:', ros.Stack.of(this).account, ':', this.bucketName]);
  }
}
