import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { displayLines, REPLACEMENT_PROPERTIES, replacementSource, unifiedDiff } from '../../ops/diff';

describe('unifiedDiff', () => {
  test('shows one changed line of a policy with three lines of context', () => {
    const before = { Version: '1', Statement: [{ Effect: 'Allow', Action: ['oss:GetObject'], Resource: ['*'] }] };
    const after = { Version: '1', Statement: [{ Effect: 'Allow', Action: ['oss:PutObject'], Resource: ['*'] }] };

    assert.equal(
      unifiedDiff(before, after),
      [
        '@@ -4,7 +4,7 @@',
        '     {',
        '       "Effect": "Allow",',
        '       "Action": [',
        '-        "oss:GetObject"',
        '+        "oss:PutObject"',
        '       ],',
        '       "Resource": [',
        '         "*"',
      ].join('\n'),
    );
  });

  test('splits changes far apart into separate hunks', () => {
    const before = Array.from({ length: 20 }, (_, i) => `line ${i}`).join('\n');
    const after = before.replace('line 1\n', 'line one\n').replace('line 18', 'line eighteen');

    const hunks = unifiedDiff(before, after)
      .split('\n')
      .filter((l) => l.startsWith('@@'));

    assert.deepEqual(hunks, ['@@ -1,5 +1,5 @@', '@@ -16,5 +16,5 @@']);
  });

  test('shows an absent value as all lines added, and equal values as no diff', () => {
    assert.equal(unifiedDiff(undefined, { a: 1 }), ['@@ -0,0 +1,3 @@', '+{', '+  "a": 1', '+}'].join('\n'));
    assert.equal(unifiedDiff({ a: [1, 2] }, { a: [1, 2] }), '');
  });

  test('pretty-prints a pattern passed as a JSON string', () => {
    assert.deepEqual(displayLines('{"source":["acs.ecs"]}'), ['{', '  "source": [', '    "acs.ecs"', '  ]', '}']);
    assert.deepEqual(displayLines('not {json'), ['not {json']);
  });
});

describe('REPLACEMENT_PROPERTIES', () => {
  test('lists the properties ROS cannot update in place, each with its reference page', () => {
    const required: [string, string][] = [
      ['ALIYUN::OSS::Bucket', 'BucketName'],
      ['ALIYUN::EventBridge::Rule', 'RuleName'],
      ['ALIYUN::EventBridge::Rule', 'EventBusName'],
      ['ALIYUN::MNS::Queue', 'QueueName'],
      ['ALIYUN::FC::Service', 'ServiceName'],
      ['ALIYUN::FC::Function', 'FunctionName'],
      ['ALIYUN::FC::Function', 'ServiceName'],
      ['ALIYUN::RAM::Role', 'RoleName'],
      ['ALIYUN::SLS::Project', 'Name'],
      ['ALIYUN::SLS::Logstore', 'LogstoreName'],
      ['ALIYUN::SLS::Logstore', 'ProjectName'],
    ];
    for (const [type, property] of required) assert.ok(replacementSource(type, property), `${type}.${property}`);
    for (const [type, properties] of Object.entries(REPLACEMENT_PROPERTIES)) {
      const page = `aliyun-${type.split('::').slice(1).join('-').toLowerCase()}`;
      for (const url of Object.values(properties)) {
        assert.equal(url, `https://www.alibabacloud.com/help/en/ros/developer-reference/${page}`);
      }
    }
  });

  test('says nothing for a property that can be updated, or an inherited key', () => {
    assert.equal(replacementSource('ALIYUN::OSS::Bucket', 'LifecycleConfiguration'), undefined);
    assert.equal(replacementSource('ALIYUN::OSS::Bucket', 'toString'), undefined);
    assert.equal(replacementSource('ALIYUN::ECS::Instance', 'InstanceType'), undefined);
  });
});
