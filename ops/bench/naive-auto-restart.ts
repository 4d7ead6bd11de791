/**
 * Benchmark baseline: the auto-restart logic written the way most users would, with the full ECS SDK
 * (`@alicloud/ecs20140526`). Only bundled and loaded by `npm run bench`, never deployed.
 */
import Ecs, * as $Ecs from '@alicloud/ecs20140526';
import * as $OpenApi from '@alicloud/openapi-client';

interface Context {
  readonly region: string;
  readonly credentials: {
    readonly accessKeyId: string;
    readonly accessKeySecret: string;
    readonly securityToken?: string;
  };
}

export const handler = async (event: Buffer, context: Context): Promise<string> => {
  const body = JSON.parse(event.toString()) as { data: { resourceId: string; state: string } };
  if (body.data.state !== 'Stopped') return 'skipped';
  const client = new Ecs(
    new $OpenApi.Config({
      ...context.credentials,
      regionId: context.region,
      endpoint: `ecs.${context.region}.aliyuncs.com`,
    }),
  );
  const described = await client.describeInstances(
    new $Ecs.DescribeInstancesRequest({
      regionId: context.region,
      instanceIds: JSON.stringify([body.data.resourceId]),
    }),
  );
  const instance = described.body?.instances?.instance?.[0];
  const optedIn = instance?.tags?.tag?.some((t) => t.tagKey === 'auto-restart' && t.tagValue === 'true');
  if (!instance || !optedIn || instance.status !== 'Stopped') return 'skipped';
  await client.startInstance(new $Ecs.StartInstanceRequest({ instanceId: body.data.resourceId }));
  return 'started';
};
