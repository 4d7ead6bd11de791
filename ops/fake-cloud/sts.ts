import { randomUUID } from 'node:crypto';
import type { RpcAction } from './rpc-actions';

/**
 * STS 2015-04-01 `GetCallerIdentity`, enough for tools that derive resource names from the account id.
 * Signed like every RPC call of the fake (ACS3-HMAC-SHA256).
 * @see https://www.alibabacloud.com/help/en/ram/developer-reference/api-sts-2015-04-01-getcalleridentity
 */

/** The STS API version. */
export const STS_VERSION = '2015-04-01';

/** STS actions. */
export const STS_ACTIONS: Readonly<Record<string, RpcAction>> = {
  GetCallerIdentity(world) {
    return {
      RequestId: randomUUID().toUpperCase(),
      AccountId: world.accountId,
      UserId: '200000000000000001',
      PrincipalId: '200000000000000001',
      IdentityType: 'RAMUser',
      Arn: `acs:ram::${world.accountId}:user/drill-operator`,
    };
  },
};
