import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as envelope from '../../lambda-src/commons/envelope';
import { findEventType, SYSTEM_EVENT_STATUSES } from '../../lib/events/catalogue';
import { INSTANCE_STATES } from '../../lib/events/ecs-patterns';

// Handlers never import lib/, so the few event facts they need are declared again on their side. These tests keep
// both declarations in step: a change on one side fails here until the other follows.

test('handlers know the same system-event statuses as the catalogue', () => {
  assert.deepEqual([...envelope.SYSTEM_EVENT_STATUSES], [...SYSTEM_EVENT_STATUSES]);
});

test('handlers accept every documented instance state (plus Created, seen in older samples)', () => {
  assert.deepEqual(envelope.INSTANCE_STATES.filter((s) => s !== 'Created').sort(), [...INSTANCE_STATES].sort());
});

test('the event types handlers name are catalogue types', () => {
  const types = [
    envelope.INSTANCE_STATE_CHANGE,
    envelope.PREEMPTIBLE_INSTANCE_INTERRUPTION,
    envelope.CREATE_SNAPSHOT_COMPLETED,
    ...envelope.INSTANCE_NOTICES.map((n) => `ecs:Instance:${n}`),
    ...envelope.DISK_NOTICES.map((n) => `ecs:Disk:${n}`),
  ];
  assert.deepEqual(
    types.filter((t) => findEventType(t) === undefined),
    [],
  );
});
