import { isRecord } from '../template';
import type { Finding, PolicyRule } from '../types';

/** Names of parameters and properties that may hold a secret. */
const SECRET_NAME = /(password|passwd|secret|token|webhook|api[-_]?key|access[-_]?key)/i;
/**
 * Names that name, identify or describe a secret instead of holding it: `ApiKeyName` (the header that carries the key),
 * `SecretParameterName`, `SecretName`, `EncryptionKeyId`, `SecretDataType`, `IsValueSecret`, the secret-store
 * variables of contract/env/secrets.ts.
 */
const ABOUT_A_SECRET =
  /(name|names|id|ids|arn|type|kind|store|stage|stages|version|versionid|description|pattern|length|enabled|interval|days)$|^is/i;
/** Literal values that are not secrets whatever their key: booleans and numbers. */
const NOT_A_SECRET = /^(true|false|-?\d+(\.\d+)?)$/i;
/** Values that are secrets whatever their key: a DingTalk robot URL with its token, a bearer token, an AccessKey id. */
const SECRET_VALUE = [
  /access_token=[A-Za-z0-9]{16,}/,
  /^Bearer\s+[A-Za-z0-9._~+/=-]{12,}$/,
  /(^|[^A-Za-z0-9])LTAI[A-Za-z0-9]{12,30}($|[^A-Za-z0-9])/,
];

/** Properties that hold a secret because of their resource type, although their name does not say so. */
const SECRET_PROPERTIES: Readonly<Record<string, readonly string[]>> = {
  'ALIYUN::OOS::SecretParameter': ['Value'],
  'ALIYUN::KMS::Secret': ['SecretData'],
};

/** Whether a property of this name holds a secret (rather than naming or describing one). */
export function holdsSecret(key: string): boolean {
  return SECRET_NAME.test(key) && !ABOUT_A_SECRET.test(key.replace(/[-_]/g, ''));
}

/**
 * Scans a property tree. A value is judged, not only its key: a literal string is a finding when it looks like a
 * secret anywhere (also inside `Fn::Join` or `Fn::Sub`), or when it is the literal value of a key that holds a secret
 * (not a boolean or a number). A value computed at deploy time (`Ref`, `Fn::GetAtt`, …) under such a key is fine:
 * that is how a NoEcho parameter or a secret store is referenced.
 */
function scan(value: unknown, path: string, found: { path: string; why: string }[], secretKey = false): void {
  if (typeof value === 'string') {
    if (SECRET_VALUE.some((p) => p.test(value))) found.push({ path, why: 'holds a secret-looking value' });
    else if (secretKey && value !== '' && !NOT_A_SECRET.test(value)) found.push({ path, why: 'is a plaintext secret' });
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      scan(v, `${path}[${i}]`, found, secretKey);
    });
    return;
  }
  if (!isRecord(value)) return;
  for (const [key, v] of Object.entries(value)) {
    if (/^(Ref|Fn::)/.test(key)) {
      // Inside an intrinsic: only literal values that look like secrets count (`Fn::Join ["", ["Bearer ", {Ref}]]`
      // is how a NoEcho token becomes a header value).
      scan(v, `${path}.${key}`, found, false);
    } else {
      scan(v, `${path}.${key}`, found, holdsSecret(key));
    }
  }
}

/** No secret in the template: secret-looking parameters are NoEcho and no property carries a literal secret. */
export const noPlaintextSecrets: PolicyRule = {
  id: 'no-plaintext-secrets',
  description:
    'Parameters that look like tokens, passwords or webhooks are NoEcho; no property holds a literal secret value.',
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
      const properties = resource.Properties ?? {};
      for (const key of SECRET_PROPERTIES[resource.Type] ?? []) {
        const value = properties[key];
        if (typeof value === 'string' && value !== '')
          found.push({ path: `Properties.${key}`, why: 'is a plaintext secret' });
      }
      scan(properties, 'Properties', found);
      const seen = new Set<string>();
      for (const f of found.filter((x) => !seen.has(x.path) && seen.add(x.path)))
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
