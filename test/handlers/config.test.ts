import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isLoopbackHost } from '../../contract/endpoints';
import { loadEndpointOverrides } from '../../lambda-src/commons/config';
import { ConfigurationError } from '../../lambda-src/commons/errors';

const VARIABLES = ['EEO_ECS_ENDPOINT', 'EEO_SLB_ENDPOINT', 'EEO_ESS_ENDPOINT', 'EEO_OSS_ENDPOINT', 'EEO_MNS_ENDPOINT'];

describe('endpoint overrides', () => {
  for (const value of [
    'https://ecs.example.com',
    'https://10.0.0.5:8443',
    'http://127.0.0.1:40123',
    'http://127.8.9.10',
    'http://localhost:9000',
    'http://[::1]:9000',
  ]) {
    it(`accepts ${value} in every EEO_*_ENDPOINT variable`, () => {
      for (const name of VARIABLES) {
        const overrides = loadEndpointOverrides({ [name]: value }) as Record<string, URL | undefined>;
        const key = name.slice('EEO_'.length, -'_ENDPOINT'.length).toLowerCase();
        assert.equal(overrides[key]?.href, new URL(value).href, name);
      }
    });
  }

  for (const value of [
    'http://ecs.example.com',
    'http://10.0.0.5:8080',
    'http://169.254.169.254',
    'http://128.0.0.1',
    'http://127.0.0.1.evil.example',
    'http://localhost.evil.example',
    'http://[::2]',
    'ftp://127.0.0.1',
    'https://ecs.example.com/path',
    'https://user:pass@ecs.example.com',
    'not a url',
  ]) {
    it(`refuses ${value} as a ConfigurationError naming the variable and the value`, () => {
      for (const name of VARIABLES) {
        assert.throws(
          () => loadEndpointOverrides({ [name]: value }),
          (error: unknown) =>
            error instanceof ConfigurationError &&
            error.message.includes(`"${name}"`) &&
            error.message.includes(`"${value}"`),
          `${name}=${value}`,
        );
      }
    });
  }

  it('knows the loopback hosts: 127.0.0.0/8, localhost and [::1] only', () => {
    assert.deepEqual(
      ['127.0.0.1', '127.255.255.254', 'localhost', '[::1]', '126.0.0.1', '127.0.0.256', '127.0.0', 'example.com'].map(
        isLoopbackHost,
      ),
      [true, true, true, true, false, false, false, false],
    );
  });
});
