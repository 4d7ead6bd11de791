import { isRecord, leastNumber, referencedIds, resourcesOfType } from '../template';
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
      // A stack group's template takes the timeout as a parameter: its least allowed value is what must pass.
      const least = leastNumber(template, timeout);
      if (least === undefined || least <= PLATFORM_DEFAULT_TIMEOUT) {
        const shown =
          typeof timeout === 'object' && timeout !== null ? JSON.stringify(timeout) : String(timeout ?? 'the default');
        findings.push({
          rule: this.id,
          stack,
          resource: id,
          message: `Timeout is ${shown}${least !== undefined && least !== timeout ? ` (as low as ${least})` : ''}; set more than ${PLATFORM_DEFAULT_TIMEOUT} s`,
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
