/**
 * Resource types that hold data: replacing or deleting one loses it, so the report calls them out first.
 */
export const STATEFUL_TYPES: ReadonlySet<string> = new Set([
  'ALIYUN::OSS::Bucket',
  'ALIYUN::MNS::Queue',
  'ALIYUN::SLS::Project',
  'ALIYUN::SLS::Logstore',
]);
