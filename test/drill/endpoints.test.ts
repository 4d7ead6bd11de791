import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EndpointOverrideError, endpointsFromEnv } from '../../ops/drill/cloud';

describe('operator tools endpoint overrides', () => {
  test('accept https to any host and http to loopback only, like the handlers', () => {
    const endpoints = endpointsFromEnv({
      EEO_ECS_ENDPOINT: 'https://ecs.example.com',
      EEO_OSS_ENDPOINT: 'http://127.0.0.1:9000',
      EEO_MNS_ENDPOINT: 'http://[::1]:9001',
    });
    assert.equal(endpoints.ecs?.host, 'ecs.example.com');
    assert.equal(endpoints.oss?.port, '9000');
    assert.equal(endpoints.mns?.hostname, '[::1]');
  });

  test('refuse http to another host, and a path, naming the variable', () => {
    assert.throws(
      () => endpointsFromEnv({ EEO_STS_ENDPOINT: 'http://sts.example.com' }),
      (error: Error) =>
        error instanceof EndpointOverrideError &&
        /EEO_STS_ENDPOINT: "http:\/\/sts\.example\.com" uses http:\/\/ to the non-loopback host/.test(error.message),
    );
    assert.throws(() => endpointsFromEnv({ EEO_FC_ENDPOINT: 'https://fc.example.com/x' }), /has a path/);
  });
});
