import { createHmac } from 'node:crypto';

/**
 * The OSS V1 header signature, written once for the handlers (lambda-src/commons/oss.ts) and the operator tools
 * (ops/drill/archive-reader.ts). Node built-ins only.
 * @see https://www.alibabacloud.com/help/en/oss/developer-reference/include-signatures-in-the-authorization-header
 */

/** Inputs of the V1 string-to-sign. Header names in `ossHeaders` may be in any case. */
export interface OssSignatureInput {
  readonly verb: string;
  readonly contentMd5: string;
  readonly contentType: string;
  readonly date: string;
  readonly ossHeaders: Readonly<Record<string, string>>;
  /** `/<bucket>/<key>` plus signed sub-resources, e.g. `/bucket/?continuation-token=abc`. */
  readonly canonicalizedResource: string;
}

/**
 * Builds the V1 string to sign:
 * `VERB\nContent-MD5\nContent-Type\nDate\n` + CanonicalizedOSSHeaders + CanonicalizedResource, where
 * CanonicalizedOSSHeaders are the `x-oss-*` headers, lower-cased, sorted, `name:value\n` each.
 */
export function ossStringToSign(input: OssSignatureInput): string {
  const headers = Object.entries(input.ossHeaders)
    .map(([name, value]) => [name.toLowerCase(), value.trim()] as const)
    .filter(([name]) => name.startsWith('x-oss-'))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${name}:${value}\n`)
    .join('');
  return `${input.verb}\n${input.contentMd5}\n${input.contentType}\n${input.date}\n${headers}${input.canonicalizedResource}`;
}

/** `OSS <AccessKeyId>:<base64(HMAC-SHA1(secret, stringToSign))>`. */
export function ossAuthorization(accessKeyId: string, accessKeySecret: string, input: OssSignatureInput): string {
  const signature = createHmac('sha1', accessKeySecret).update(ossStringToSign(input), 'utf8').digest('base64');
  return `OSS ${accessKeyId}:${signature}`;
}
