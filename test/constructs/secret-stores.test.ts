import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as ros from '@alicloud/ros-cdk-core';
import { RosKmsSecret } from '../../lib/constructs/kms-secret';
import { RosOosSecretParameter, type RosOosSecretParameterProps } from '../../lib/constructs/oos-secret-parameter';
import { synthStack } from '../support/synth';

const token = (stack: ros.Stack) =>
  new ros.RosParameter(stack, 'Token', { type: ros.RosParameterType.STRING, noEcho: true }).valueAsString;

describe('RosOosSecretParameter', () => {
  test('renders every property under its ROS name, and exposes SecretParameterName as an attribute', () => {
    let name = '';
    const template = synthStack((stack) => {
      const secret = new RosOosSecretParameter(stack, 'Secret', {
        secretParameterName: 'eeo-webhook-token',
        value: token(stack),
        keyId: 'key-hzz6xxxxxxxx',
        constraints: { allowedValues: ['a', 'b'], allowedPattern: '^[ab]$', minLength: 1, maxLength: 1 },
        description: 'a token',
        resourceGroupId: 'rg-acfmxsn4m4xxxxx',
        tags: [{ key: 'team', value: 'ops' }, { key: 'empty' }],
      });
      name = stack.resolve(secret.attrSecretParameterName) as unknown as string;
    });
    assert.deepEqual(template.Resources.Secret, {
      Type: 'ALIYUN::OOS::SecretParameter',
      Properties: {
        SecretParameterName: 'eeo-webhook-token',
        Value: { Ref: 'Token' },
        KeyId: 'key-hzz6xxxxxxxx',
        Constraints: { AllowedValues: ['a', 'b'], AllowedPattern: '^[ab]$', MinLength: 1, MaxLength: 1 },
        Description: 'a token',
        ResourceGroupId: 'rg-acfmxsn4m4xxxxx',
        Tags: [
          { Key: 'team', Value: 'ops' },
          { Key: 'empty', Value: '' },
        ],
      },
    });
    assert.deepEqual(name, { 'Fn::GetAtt': ['Secret', 'SecretParameterName'] });
  });

  test('refuses names, descriptions, constraints and tags outside the documented ranges, naming the value', () => {
    const cases: [Partial<RosOosSecretParameterProps>, RegExp][] = [
      [
        { secretParameterName: 'OOS-token' },
        /secretParameterName "OOS-token" is not valid: .*not starting with ALIYUN/,
      ],
      [{ secretParameterName: 'aliyun_x' }, /secretParameterName "aliyun_x" is not valid/],
      [{ secretParameterName: 'a/b' }, /secretParameterName "a\/b" is not valid: at most 180 letters/],
      [{ secretParameterName: 'x'.repeat(181) }, /is not valid: at most 180/],
      [{ value: '' }, /value has 0 characters; allowed: 1 to 4096/],
      [{ description: 'd'.repeat(201) }, /description has 201 characters .*allowed: at most 200/],
      [{ constraints: { maxLength: 5000 } }, /constraints.maxLength 5000 is not valid: an integer from 0 to 4096/],
      [{ constraints: { minLength: 5, maxLength: 2 } }, /minLength 5 is above constraints.maxLength 2/],
      [{ tags: Array.from({ length: 21 }, (_, i) => ({ key: `k${i}` })) }, /21 tags; allowed: at most 20/],
      [{ tags: [{ key: 'acs:x' }] }, /tags\[0\].key "acs:x" is not valid/],
    ];
    for (const [props, message] of cases) {
      assert.throws(
        () =>
          synthStack((stack) => {
            new RosOosSecretParameter(stack, 'Secret', { secretParameterName: 'ok', value: 'v', ...props });
          }),
        message,
      );
    }
  });

  test('leaves tokens to ROS: a name given as a parameter reference is not checked at synth', () => {
    const template = synthStack((stack) => {
      const value = token(stack);
      new RosOosSecretParameter(stack, 'Secret', { secretParameterName: value, value });
    });
    assert.deepEqual(template.Resources.Secret.Properties, {
      SecretParameterName: { Ref: 'Token' },
      Value: { Ref: 'Token' },
    });
  });
});

describe('RosKmsSecret', () => {
  test('renders a generic text secret and refuses a name under acs/', () => {
    const template = synthStack((stack) => {
      new RosKmsSecret(stack, 'Secret', { secretName: 'eeo-token', secretData: token(stack), versionId: 'v1' });
    });
    assert.deepEqual(template.Resources.Secret.Properties, {
      SecretName: 'eeo-token',
      SecretData: { Ref: 'Token' },
      SecretDataType: 'text',
      SecretType: 'Generic',
      VersionId: 'v1',
      ForceDeleteWithoutRecovery: false,
    });
    assert.throws(
      () =>
        synthStack((stack) => {
          new RosKmsSecret(stack, 'Secret', { secretName: 'acs/token', secretData: 'x', versionId: 'v1' });
        }),
      /secretName "acs\/token" is not valid: .*not starting with "acs\/"/,
    );
  });
});
