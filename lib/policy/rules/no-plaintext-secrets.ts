import { isIntrinsic, isRecord } from '../template';
import type { Finding, PolicyRule } from '../types';

/** Names that hold secrets. */
const SECRET_NAME = /(password|passwd|secret|token|webhook|api[-_]?key|access[-_]?key)/i;
/** Values that are secrets whatever their key: a DingTalk robot URL with its token, an AccessKey secret. */
const SECRET_VALUE = [/access_token=[A-Za-z0-9]{16,}/, /^Bearer\s+[A-Za-z0-9._~+/=-]{12,}$/];

function scan(value: unknown, path: string, found: { path: string; why: string }[]): void {
  if (typeof value === 'string') {
    if (SECRET_VALUE.some((p) => p.test(value))) found.push({ path, why: 'holds a secret-looking value' });
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      scan(v, `${path}[${i}]`, found);
    });
    return;
  }
  if (!isRecord(value) || isIntrinsic(value)) return;
  for (const [key, v] of Object.entries(value)) {
    if (SECRET_NAME.test(key) && typeof v === 'string' && v !== '')
      found.push({ path: `${path}.${key}`, why: 'is a plaintext secret' });
    else scan(v, `${path}.${key}`, found);
  }
}

/** No secret in the template: secret-looking parameters are NoEcho and no property carries a literal secret. */
export const noPlaintextSecrets: PolicyRule = {
  id: 'no-plaintext-secrets',
  description:
    'Parameters that look like tokens, passwords or webhooks are NoEcho; no property holds a literal secret.',
  check({ stack, template }) {
    const findings: Finding[] = [];
    for (const [name, parameter] of Object.entries(template.Parameters ?? {})) {
      if (SECRET_NAME.test(name) && parameter.NoEcho !== true) {
        findings.push({
          rule: this.id,
          stack,
          resource: name,
          message: `parameter ${name} looks like a secret and is not NoEcho`,
        });
      }
      if (parameter.Default !== undefined && SECRET_NAME.test(name)) {
        findings.push({
          rule: this.id,
          stack,
          resource: name,
          message: `parameter ${name} has a Default value; secrets are passed at deploy time`,
        });
      }
    }
    for (const [id, resource] of Object.entries(template.Resources ?? {})) {
      const found: { path: string; why: string }[] = [];
      scan(resource.Properties, 'Properties', found);
      for (const f of found)
        findings.push({
          rule: this.id,
          stack,
          resource: id,
          message: `${f.path} ${f.why}; pass it as a NoEcho parameter`,
        });
    }
    return findings;
  },
};
