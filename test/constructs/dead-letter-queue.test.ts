import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeadLetterQueue } from '../../lib/constructs/dead-letter-queue';
import { synthStack } from '../support/synth';

test('a dead-letter queue keeps messages for 7 days and exposes the EventBridge and FC ARN forms', () => {
  let queue: DeadLetterQueue | undefined;
  const template = synthStack((stack) => {
    queue = new DeadLetterQueue(stack, 'Dlq', { queueName: 'ops-dlq' });
  });
  assert.deepEqual(template.Resources.Dlq, {
    Type: 'ALIYUN::MNS::Queue',
    Properties: { QueueName: 'ops-dlq', MessageRetentionPeriod: 604800, VisibilityTimeout: 60, LoggingEnabled: false },
  });
  assert.ok(queue);
  assert.match(queue.arn, /\$\{Token/);
});

test('a dead-letter queue refuses an invalid name or visibility timeout', () => {
  assert.throws(
    () => synthStack((stack) => new DeadLetterQueue(stack, 'Dlq', { queueName: '1-starts-with-digit' })),
    /queueName "1-starts-with-digit" is not valid: 1 to 120 letters/,
  );
  assert.throws(
    () => synthStack((stack) => new DeadLetterQueue(stack, 'Dlq', { queueName: 'q', visibilityTimeoutSeconds: 0 })),
    /visibilityTimeoutSeconds 0 is not an integer from 1 to 43200/,
  );
});
