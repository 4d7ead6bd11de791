/**
 * Endpoint overrides of the cloud services a handler or an operator tool calls (tests and local runs point them at
 * the fake cloud). Each value must pass the rule of contract/endpoints.ts.
 */
export const ENDPOINT_ENV = {
  ecs: 'EEO_ECS_ENDPOINT',
  slb: 'EEO_SLB_ENDPOINT',
  /** Application Load Balancer. */
  alb: 'EEO_ALB_ENDPOINT',
  /** Network Load Balancer. */
  nlb: 'EEO_NLB_ENDPOINT',
  /** Auto Scaling. */
  ess: 'EEO_ESS_ENDPOINT',
  oss: 'EEO_OSS_ENDPOINT',
  mns: 'EEO_MNS_ENDPOINT',
  /** OOS (secret parameters). */
  oos: 'EEO_OOS_ENDPOINT',
  kms: 'EEO_KMS_ENDPOINT',
  /** STS (the operator tools' GetCallerIdentity). */
  sts: 'EEO_STS_ENDPOINT',
  /** EventBridge (drill, rules:verify). */
  eventbridge: 'EEO_EVENTBRIDGE_ENDPOINT',
  /** Function Compute (drill). */
  fc: 'EEO_FC_ENDPOINT',
  /** SLS log queries (trace). */
  sls: 'EEO_SLS_ENDPOINT',
} as const;

/** A service whose endpoint can be overridden. */
export type EndpointService = keyof typeof ENDPOINT_ENV;

/** The variables for `overrides` (service -> `scheme://host[:port]`), e.g. for a handler run against a fake cloud. */
export function formatEndpointEnv(overrides: Partial<Record<EndpointService, string>>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [service, url] of Object.entries(overrides) as [EndpointService, string | undefined][]) {
    if (url !== undefined) env[ENDPOINT_ENV[service]] = url;
  }
  return env;
}
