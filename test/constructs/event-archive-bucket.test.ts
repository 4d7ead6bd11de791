import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DLQ_RETENTION_SECONDS, IDEMPOTENCY_WINDOW_SECONDS } from '../../contract/retention';
import { DeadLetterQueue } from '../../lib/constructs/dead-letter-queue';
import { EventArchiveBucket } from '../../lib/constructs/event-archive-bucket';
import { synthStack } from '../support/synth';

test('the archive bucket is private, blocks public access, is encrypted, versioned and retained', () => {
  const template = synthStack((stack) => new EventArchiveBucket(stack, 'Archive'));
  const bucket = template.Resources.Archive;
  assert.equal(bucket.Type, 'ALIYUN::OSS::Bucket');
  assert.equal(bucket.DeletionPolicy, 'Retain');
  assert.equal(bucket.Properties.AccessControl, 'private');
  assert.equal(bucket.Properties.BlockPublicAccess, true);
  assert.equal(bucket.Properties.DeletionForce, false);
  assert.deepEqual(bucket.Properties.ServerSideEncryptionConfiguration, { SSEAlgorithm: 'AES256' });
  assert.deepEqual(bucket.Properties.VersioningConfiguration, { Status: 'Enabled' });
});

test('the archive bucket name is unique per account and region', () => {
  const template = synthStack((stack) => new EventArchiveBucket(stack, 'Archive', { namePrefix: 'ops' }));
  assert.deepEqual(template.Resources.Archive.Properties.BucketName, {
    'Fn::Join': ['-', ['ops-archive', { Ref: 'ALIYUN::AccountId' }, 'cn-hangzhou']],
  });
});

test('the archive bucket expires events after 365 days, moves them to IA after 30, and expires state after 9', () => {
  const template = synthStack((stack) => new EventArchiveBucket(stack, 'Archive'));
  const rules = (template.Resources.Archive.Properties.LifecycleConfiguration as { Rule: unknown[] }).Rule;
  assert.deepEqual(rules, [
    {
      ID: 'archive-retention',
      Prefix: 'archive/',
      Status: 'Enabled',
      Expiration: { Days: 365 },
      Transition: [{ Days: 30, StorageClass: 'IA' }],
    },
    { ID: 'idempotency-expiry', Prefix: 'idempotency/', Status: 'Enabled', Expiration: { Days: 9 } },
    { ID: 'state-expiry', Prefix: 'state/', Status: 'Enabled', Expiration: { Days: 9 } },
  ]);
});

test('the archive bucket keeps events in Standard storage when the IA transition is off', () => {
  const template = synthStack(
    (stack) => new EventArchiveBucket(stack, 'Archive', { retentionDays: 90, infrequentAccessAfterDays: null }),
  );
  const [archiveRule] = (
    template.Resources.Archive.Properties.LifecycleConfiguration as { Rule: Record<string, unknown>[] }
  ).Rule;
  assert.deepEqual(archiveRule.Expiration, { Days: 90 });
  assert.equal(archiveRule.Transition, undefined);
});

test('the archive bucket refuses a transition after the expiry and state kept shorter than the idempotency window', () => {
  assert.throws(
    () =>
      synthStack(
        (stack) => new EventArchiveBucket(stack, 'Archive', { retentionDays: 10, infrequentAccessAfterDays: 10 }),
      ),
    /infrequentAccessAfterDays 10 must be a positive integer below retentionDays \(10\)/,
  );
  assert.throws(
    () => synthStack((stack) => new EventArchiveBucket(stack, 'Archive', { stateRetentionDays: 2 })),
    /stateRetentionDays 2 must be an integer of at least 9/,
  );
});

test('the archive bucket keeps idempotency markers and handler state longer than a dead-letter queue keeps a message', () => {
  const template = synthStack((stack) => {
    new EventArchiveBucket(stack, 'Archive');
    new DeadLetterQueue(stack, 'Dlq', { queueName: 'x-dlq' });
  });
  const rules = (template.Resources.Archive.Properties.LifecycleConfiguration as { Rule: Record<string, unknown>[] })
    .Rule;
  const daysOf = (prefix: string) =>
    (rules.find((rule) => rule.Prefix === prefix)?.Expiration as { Days: number } | undefined)?.Days ?? 0;
  const dlqRetentionSeconds = template.Resources.Dlq.Properties.MessageRetentionPeriod as number;

  assert.equal(dlqRetentionSeconds, DLQ_RETENTION_SECONDS);
  for (const prefix of ['idempotency/', 'state/']) {
    assert.ok(daysOf(prefix) * 86_400 > dlqRetentionSeconds, `${prefix} expires after ${daysOf(prefix)} days`);
    assert.ok(daysOf(prefix) * 86_400 > IDEMPOTENCY_WINDOW_SECONDS, `${prefix} outlives the idempotency window`);
  }
  assert.ok(IDEMPOTENCY_WINDOW_SECONDS >= dlqRetentionSeconds);
});
