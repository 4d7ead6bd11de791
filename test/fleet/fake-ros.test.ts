import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseWorld, WorldFileError } from '../../ops/fake-cloud';
import { world } from '../support/harness';

describe('fake ROS world files', () => {
  it('keep a world without stackGroups valid, with the key left out', () => {
    const parsed = parseWorld(world());

    assert.equal(parsed.stackGroups, undefined);
  });

  it('name the path, the value and the allowed statuses of a stack instance with an unknown status', () => {
    const bad = {
      ...world(),
      stackGroups: [{ name: 'g', instances: [{ accountId: '1', regionId: 'cn-hangzhou', status: 'CURENT' }] }],
    };

    assert.throws(
      () => parseWorld(bad),
      (error: unknown) =>
        error instanceof WorldFileError &&
        /world\.stackGroups\[0\]\.instances\[0\]\.status: "CURENT" is not a known stack instance status \(did you mean CURRENT\?\); allowed: CURRENT, OUTDATED/.test(
          error.message,
        ),
    );
  });
});
