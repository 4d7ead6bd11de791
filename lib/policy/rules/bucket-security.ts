import { isRecord, resourcesOfType } from '../template';
import type { PolicyRule } from '../types';

/** Buckets are private, block public access, are encrypted and versioned. */
export const bucketSecurity: PolicyRule = {
  id: 'bucket-security',
  description: 'Every OSS bucket is private, blocks public access, is encrypted at rest and versioned.',
  check({ stack, template }) {
    return resourcesOfType(template, 'ALIYUN::OSS::Bucket').flatMap(([id, bucket]) => {
      const p = bucket.Properties ?? {};
      const problems = [
        ...(p.AccessControl === undefined || p.AccessControl === 'private'
          ? []
          : [`AccessControl is ${String(p.AccessControl)}, not private`]),
        ...(p.BlockPublicAccess === true ? [] : ['BlockPublicAccess is not true']),
        ...(isRecord(p.ServerSideEncryptionConfiguration) &&
        typeof p.ServerSideEncryptionConfiguration.SSEAlgorithm === 'string'
          ? []
          : ['no server-side encryption']),
        ...(isRecord(p.VersioningConfiguration) && p.VersioningConfiguration.Status === 'Enabled'
          ? []
          : ['versioning is not enabled']),
      ];
      return problems.map((message) => ({ rule: this.id, stack, resource: id, message }));
    });
  },
};
