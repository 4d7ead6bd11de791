/**
 * Alibaba Cloud RPC-style APIs as both sides call them: the products (service, version, endpoint) and the shape of a
 * generic `callApi` request, for the handlers (lambda-src/commons/openapi.ts) and the operator tools
 * (ops/drill/cloud.ts). Plain data: each side wraps it in `@alicloud/openapi-client` `Params`.
 * @see https://alibabacloud.com/help/en/sdk/developer-reference/generalized-call-node-js
 */

/** Which RPC product a client talks to. */
export interface RpcProduct {
  /** Short name used in logs and errors, e.g. `ecs`. */
  readonly service: string;
  /** API version, e.g. `2014-05-26`. */
  readonly version: string;
  /** Default endpoint host for a region. */
  readonly endpointFor: (region: string) => string;
}

/** ECS, API version 2014-05-26. */
export const ECS: RpcProduct = { service: 'ecs', version: '2014-05-26', endpointFor: (r) => `ecs.${r}.aliyuncs.com` };
/** Classic Server Load Balancer (CLB), API version 2014-05-15. */
export const SLB: RpcProduct = { service: 'slb', version: '2014-05-15', endpointFor: (r) => `slb.${r}.aliyuncs.com` };
/** Auto Scaling (ESS), API version 2014-08-28. */
export const ESS: RpcProduct = { service: 'ess', version: '2014-08-28', endpointFor: (r) => `ess.${r}.aliyuncs.com` };

/** CloudOps Orchestration Service (OOS), API version 2019-06-01: secret parameters. */
export const OOS: RpcProduct = { service: 'oos', version: '2019-06-01', endpointFor: (r) => `oos.${r}.aliyuncs.com` };
/** Key Management Service (KMS), API version 2016-01-20: secrets. */
export const KMS: RpcProduct = { service: 'kms', version: '2016-01-20', endpointFor: (r) => `kms.${r}.aliyuncs.com` };

/** Values accepted as RPC parameters; pass lists through {@link listParam}. */
export type RpcParams = Readonly<Record<string, string | number | boolean | undefined>>;

/** STS, API version 2015-04-01 (the global endpoint). */
export const STS: RpcProduct = { service: 'sts', version: '2015-04-01', endpointFor: () => 'sts.aliyuncs.com' };

/**
 * The fields of a generic RPC call (`new $OpenApi.Params(rpcCall(action, version))`), as Alibaba's generated SDKs
 * build them for every RPC API: HTTPS POST to `/`, form body, AK signature, JSON response. A client's `protocol`
 * setting overrides HTTPS.
 */
export function rpcCall(action: string, version: string) {
  return {
    action,
    version,
    protocol: 'HTTPS',
    pathname: '/',
    method: 'POST',
    authType: 'AK',
    style: 'RPC',
    reqBodyType: 'formData',
    bodyType: 'json',
  } as const;
}

/**
 * Application Load Balancer (ALB), API version 2020-06-16 (the regional endpoint `alb.<region>.aliyuncs.com`).
 * @see https://www.alibabacloud.com/help/en/slb/application-load-balancer/developer-reference/api-alb-2020-06-16-endpoint
 */
export const ALB: RpcProduct = { service: 'alb', version: '2020-06-16', endpointFor: (r) => `alb.${r}.aliyuncs.com` };
/**
 * Network Load Balancer (NLB), API version 2022-04-30 (the regional endpoint `nlb.<region>.aliyuncs.com`).
 * @see https://www.alibabacloud.com/help/en/slb/network-load-balancer/developer-reference/api-nlb-2022-04-30-endpoint
 */
export const NLB: RpcProduct = { service: 'nlb', version: '2022-04-30', endpointFor: (r) => `nlb.${r}.aliyuncs.com` };
