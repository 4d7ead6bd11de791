import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { parseWorld, WorldFileError } from '../../ops/fake-cloud';
import { world } from '../support/harness';

const EXAMPLE = path.join(__dirname, '..', '..', 'examples', 'world.json');

/** A clone of examples/world.json with `change` applied: the way bad worlds are built. */
function exampleWith(change: (w: Record<string, unknown> & { instances: Record<string, unknown>[] }) => void): unknown {
  const w = JSON.parse(fs.readFileSync(EXAMPLE, 'utf8'));
  change(w);
  return w;
}

function problemsOf(json: unknown): readonly string[] {
  try {
    parseWorld(json);
  } catch (error) {
    assert.ok(error instanceof WorldFileError, String(error));
    assert.equal(error.name, 'WorldFileError');
    return error.problems;
  }
  assert.fail('the world was accepted');
}

describe('world files', () => {
  test('accepts examples/world.json and the test harness world', () => {
    const example = parseWorld(JSON.parse(fs.readFileSync(EXAMPLE, 'utf8')));
    const harness = parseWorld(
      world({
        scalingGroups: [
          {
            id: 'asg-1',
            instanceIds: ['i-1'],
            protectedInstanceIds: [],
            activities: [{ id: 'asa-1', instanceIds: ['i-1'], statusCode: 'Warning' }],
          },
        ],
        autoSnapshotPolicies: [{ id: 'sp-1', diskIds: ['d-1'] }],
      }),
    );

    assert.equal(example.instances[0].status, 'Stopped');
    assert.equal(harness.scalingGroups[0].activities?.[0].statusCode, 'Warning');
  });

  test('accepts ALB and NLB server groups and a CLB default server group, and keeps a world without them as it was', () => {
    const without = parseWorld(JSON.parse(fs.readFileSync(EXAMPLE, 'utf8')));
    const withGroups = parseWorld(
      exampleWith((w) => {
        w.loadBalancers = [{ id: 'lb-1', backendServers: [{ serverId: 'i-a', weight: 100 }] }];
        w.albServerGroups = [{ id: 'sgp-alb', servers: [{ serverId: 'i-a', port: 80, weight: 100 }] }];
        w.nlbServerGroups = [
          { id: 'sgp-nlb', servers: [{ serverId: 'i-a', serverType: 'Ecs', port: 443, weight: 50 }] },
        ];
      }),
    );

    assert.equal(without.albServerGroups, undefined);
    assert.equal(without.nlbServerGroups, undefined);
    assert.deepEqual(withGroups.loadBalancers[0].backendServers, [{ serverId: 'i-a', weight: 100 }]);
    assert.equal(withGroups.albServerGroups?.[0].servers[0].port, 80);
    assert.equal(withGroups.nlbServerGroups?.[0].servers[0].serverType, 'Ecs');
  });

  test('fills in optional lists and tags without changing its input', () => {
    const input = { region: 'cn-hangzhou', accountId: '1', instances: [{ id: 'i-a', status: 'Running' }] };
    const before = structuredClone(input);

    const parsed = parseWorld(input);

    assert.deepEqual(parsed.instances[0].tags, {});
    assert.deepEqual(parsed.loadBalancers, []);
    assert.deepEqual(parsed.scalingGroups, []);
    assert.deepEqual(input, before);
  });

  const cases: [string, unknown, string][] = [
    [
      'an unknown status, with the nearest one and the allowed ones',
      exampleWith((w) => {
        w.instances[0].status = 'Runing';
      }),
      'world.instances[0].status: "Runing" is not a known status (did you mean Running?); allowed: Pending, Starting, Running, Stopping, Stopped',
    ],
    [
      'an unknown key of an instance',
      exampleWith((w) => {
        w.instances[0].stauts = 'Running';
      }),
      'world.instances[0]: "stauts" is not a known key (did you mean status?); allowed: id, status, tags, diskIds, name',
    ],
    [
      'an unknown top-level key',
      exampleWith((w) => {
        w.instance = [];
      }),
      'world: "instance" is not a known key (did you mean instances?); allowed: region, accountId, instances, loadBalancers, scalingGroups, autoSnapshotPolicies, stackGroups, albServerGroups, nlbServerGroups',
    ],
    [
      'a null entry in a list',
      exampleWith((w) => {
        w.instances.push(null as unknown as Record<string, unknown>);
      }),
      'world.instances[1]: null is not an object with id, status, tags, diskIds, name',
    ],
    [
      'a port given as a string',
      exampleWith((w) => {
        (
          w.loadBalancers as { vServerGroups: { backendServers: { port: unknown }[] }[] }[]
        )[0].vServerGroups[0].backendServers[0].port = '80';
      }),
      'world.loadBalancers[0].vServerGroups[0].backendServers[0].port: "80" is not an integer from 1 to 65535',
    ],
    [
      'a tag value that is not a string',
      exampleWith((w) => {
        w.instances[0].tags = { 'auto-restart': true };
      }),
      'world.instances[0].tags.auto-restart: true is not a string',
    ],
    [
      'a missing instance id',
      exampleWith((w) => {
        delete w.instances[0].id;
      }),
      'world.instances[0].id: missing',
    ],
    [
      'an unknown scaling activity status code',
      exampleWith((w) => {
        w.scalingGroups = [{ id: 'asg-1', activities: [{ id: 'asa-1', instanceIds: [], statusCode: 'Success' }] }];
      }),
      'world.scalingGroups[0].activities[0].statusCode: "Success" is not a known scaling activity status code',
    ],
    [
      'an ALB server with a weight above 100',
      exampleWith((w) => {
        w.albServerGroups = [{ id: 'sgp-1', servers: [{ serverId: 'i-a', port: 80, weight: 101 }] }];
      }),
      'world.albServerGroups[0].servers[0].weight: 101 is not an integer from 0 to 100',
    ],
    [
      'an NLB server of an unknown type',
      exampleWith((w) => {
        w.nlbServerGroups = [{ id: 'sgp-1', servers: [{ serverId: 'i-a', serverType: 'ecs', port: 80, weight: 1 }] }];
      }),
      'world.nlbServerGroups[0].servers[0].serverType: "ecs" is not a known server type (did you mean Ecs?); allowed: Ecs, Eni, Eci, Ip',
    ],
    [
      'a CLB default-group server with a port',
      exampleWith((w) => {
        w.loadBalancers = [{ id: 'lb-1', backendServers: [{ serverId: 'i-a', port: 80, weight: 1 }] }];
      }),
      'world.loadBalancers[0].backendServers[0]: "port" is not a known key',
    ],
    ['a world that is not an object', null, 'world: null is not an object with region, accountId'],
    [
      'a "__proto__" key',
      JSON.parse('{"region":"cn-hangzhou","accountId":"1","__proto__":{"instances":5}}'),
      'world.__proto__: {"instances":5} is not allowed here: no key named "__proto__"',
    ],
    [
      'a "__proto__" tag key, which a schema alone would drop without a word',
      exampleWith((w) => {
        w.instances[0].tags = JSON.parse('{"__proto__":"x"}');
      }),
      'world.instances[0].tags.__proto__: "x" is not allowed here: no key named "__proto__"',
    ],
  ];
  for (const [name, json, message] of cases) {
    test(`refuses ${name}, naming the path`, () => {
      const problems = problemsOf(json);

      assert.ok(
        problems.some((p) => p.startsWith(message)),
        `expected a problem starting with\n  ${message}\ngot\n  ${problems.join('\n  ')}`,
      );
    });
  }

  test('reports every problem of the file, not only the first', () => {
    const json = exampleWith((w) => {
      w.instances[0].status = 'Runing';
      w.instances[0].tags = 'auto-restart';
      w.accountId = 1234;
    });

    const problems = problemsOf(json);

    assert.deepEqual(
      problems.map((p) => p.split(':')[0]),
      ['world.accountId', 'world.instances[0].status', 'world.instances[0].tags'],
    );
  });

  test('refuses a deeply nested value without overflowing the stack, before the schema reads it', () => {
    const deep = JSON.parse(`${'{"x":'.repeat(100_000)}1${'}'.repeat(100_000)}`);
    const json = exampleWith((w) => {
      w.instances[0].tags = { a: deep };
    });

    const problems = problemsOf(json);

    assert.deepEqual(problems, [
      `world.instances[0].tags.a${'.x'.repeat(28)}: a value nested deeper is not allowed here: at most 32 levels of nesting`,
    ]);
  });
});
