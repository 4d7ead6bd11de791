import assert from 'node:assert/strict';
import { test } from 'node:test';
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

test('the archive bucket expires events after 365 days, moves them to IA after 30, and expires state after 2', () => {
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
    { ID: 'idempotency-expiry', Prefix: 'idempotency/', Status: 'Enabled', Expiration: { Days: 2 } },
    { ID: 'state-expiry', Prefix: 'state/', Status: 'Enabled', Expiration: { Days: 2 } },
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

test('the archive bucket refuses a transition after the expiry and state kept under 2 days', () => {
  assert.throws(
    () =>
      synthStack(
        (stack) => new EventArchiveBucket(stack, 'Archive', { retentionDays: 10, infrequentAccessAfterDays: 10 }),
      ),
    /infrequentAccessAfterDays 10 must be a positive integer below retentionDays \(10\)/,
  );
  assert.throws(
    () => synthStack((stack) => new EventArchiveBucket(stack, 'Archive', { stateRetentionDays: 1 })),
    /stateRetentionDays 1 must be an integer of at least 2/,
  );
});
