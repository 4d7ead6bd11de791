import { isRecord, resourcesOfType } from '../template';
import type { Finding, PolicyRule } from '../types';

/** Every handler bundle in the assembly is within the budget. */
export const bundleBudget: PolicyRule = {
  id: 'bundle-budget',
  description: 'Every FC code bundle in the assembly is within the handler bundle budget.',
  check({ stack, template, codeBytes, bundleBudgetKb }) {
    const findings: Finding[] = [];
    for (const [id, fn] of resourcesOfType(template, 'ALIYUN::FC::Function')) {
      const code = fn.Properties?.Code;
      const object = isRecord(code) ? code.OssObjectName : undefined;
      if (typeof object !== 'string') continue;
      const bytes = codeBytes(object);
      if (bytes === undefined) {
        findings.push({ rule: this.id, stack, resource: id, message: `code object ${object} is not in the assembly` });
      } else if (bytes > bundleBudgetKb * 1000) {
        findings.push({
          rule: this.id,
          stack,
          resource: id,
          message: `bundle is ${(bytes / 1000).toFixed(1)} KB, over the ${bundleBudgetKb} KB budget`,
        });
      }
    }
    return findings;
  },
};
