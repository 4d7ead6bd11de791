import { isRecord, referencedIds, resourcesOfType } from '../template';
import type { Finding, PolicyRule } from '../types';

/** FC 2.0's default timeout, seconds: too short for a handler that calls cloud APIs. */
const PLATFORM_DEFAULT_TIMEOUT = 3;

/** Every function logs to SLS (through its service) and has a timeout above the platform default. */
export const functionLoggingTimeout: PolicyRule = {
  id: 'function-logging-timeout',
  description: 'Every FC function has logging configured (its service has an SLS LogConfig) and a timeout above 3 s.',
  check({ stack, template }) {
    const findings: Finding[] = [];
    for (const [id, fn] of resourcesOfType(template, 'ALIYUN::FC::Function')) {
      const timeout = fn.Properties?.Timeout;
      if (typeof timeout !== 'number' || timeout <= PLATFORM_DEFAULT_TIMEOUT) {
        findings.push({
          rule: this.id,
          stack,
          resource: id,
          message: `Timeout is ${String(timeout ?? 'the default')}; set more than ${PLATFORM_DEFAULT_TIMEOUT} s`,
        });
      }
      const [serviceId] = referencedIds(fn.Properties?.ServiceName);
      const logConfig = serviceId === undefined ? undefined : template.Resources?.[serviceId]?.Properties?.LogConfig;
      if (!isRecord(logConfig) || logConfig.Project === undefined || logConfig.Logstore === undefined) {
        findings.push({
          rule: this.id,
          stack,
          resource: id,
          message: `its service ${serviceId ?? '(not in this template)'} has no LogConfig with Project and Logstore`,
        });
      }
    }
    return findings;
  },
};
