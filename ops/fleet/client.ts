import Ros, * as $Ros from '@alicloud/ros20190910';
import * as $Util from '@alicloud/tea-util';
import { sdkFailure } from '../../contract/api-failure';
import { CloudApiError, type CredentialProvider } from '../drill/cloud';

/**
 * The ROS stack-group calls of the fleet tool, through the official SDK `@alicloud/ros20190910` (ROS API 2019-09-10,
 * endpoint `ros.aliyuncs.com`, or the loopback override of the tests). Every list is read to its last page.
 * @see https://www.alibabacloud.com/help/en/ros/developer-reference/api-ros-2019-09-10-liststackinstances
 */

/** A stack instance: the stack of one account (or folder member) in one region. */
export interface StackInstance {
  readonly accountId: string;
  readonly regionId: string;
  readonly rdFolderId?: string;
  /** `CURRENT` (up to date with the group) or `OUTDATED` (failed, stopped or not yet updated). */
  readonly status: string;
  readonly statusReason?: string;
  /** Returned only in the `CURRENT` state. */
  readonly stackId?: string;
  /** `DRIFTED`, `IN_SYNC` or `NOT_CHECKED` (also when the API leaves it out: no detection yet). */
  readonly driftStatus: string;
  readonly driftDetectionTime?: string;
}

/** A stack group operation as GetStackGroupOperation reports it. */
export interface StackGroupOperation {
  readonly operationId: string;
  /** `CREATE`, `UPDATE`, `DELETE` or `DETECT_DRIFT`. */
  readonly action: string;
  /** `RUNNING`, `SUCCEEDED`, `FAILED`, `STOPPING` or `STOPPED`. */
  readonly status: string;
  readonly createTime?: string;
  /** Drift detections only. */
  readonly drift?: {
    readonly detectionStatus?: string;
    readonly groupDriftStatus?: string;
    readonly drifted?: number;
    readonly inSync?: number;
    readonly failed?: number;
    readonly total?: number;
  };
}

/** The result of an operation in one account and region (ListStackGroupOperationResults). */
export interface OperationResult {
  readonly accountId: string;
  readonly regionId: string;
  readonly rdFolderId?: string;
  readonly status: string;
  readonly statusReason?: string;
}

/** A drifted resource of a stack (ListStackResourceDrifts). */
export interface ResourceDrift {
  readonly logicalResourceId: string;
  readonly resourceType: string;
  readonly physicalResourceId?: string;
  /** `MODIFIED` or `DELETED` (the tool asks for these two only). */
  readonly status: string;
  /** Property paths that differ, e.g. `/Description`. */
  readonly propertyPaths: readonly string[];
}

/** The ROS calls the fleet tool makes (tests may pass another implementation; the CLI tests use the real one). */
export interface FleetApi {
  listStackInstances(stackGroupName: string): Promise<StackInstance[]>;
  /** Starts drift detection on the whole group; resolves to the operation id. */
  detectStackGroupDrift(stackGroupName: string): Promise<string>;
  getStackGroupOperation(operationId: string): Promise<StackGroupOperation>;
  /** The group's operations (newest first as the API returns them), with their create times. */
  listStackGroupOperations(stackGroupName: string): Promise<StackGroupOperation[]>;
  listStackGroupOperationResults(operationId: string): Promise<OperationResult[]>;
  /** Drifted resources of one stack; `region` is the stack's region. */
  listStackResourceDrifts(stackId: string, region: string): Promise<ResourceDrift[]>;
}

/** What the client needs. */
export interface FleetApiOptions {
  /** The region of the stack group (where the fleet stack is deployed). */
  readonly region: string;
  readonly credentials: CredentialProvider;
  /** Endpoint override (tests): scheme, host and port. */
  readonly endpoint?: URL;
}

/** The page size of the list calls: the largest the API takes (1 to 50). */
const PAGE_SIZE = 50;

/** Builds {@link FleetApi} on the official ROS SDK. */
export function createFleetApi(options: FleetApiOptions): FleetApi {
  const { endpoint, region } = options;
  // The SDK client reads the fields of its config only (constructor of @alicloud/openapi-core's client.js), so a plain
  // object with the documented fields is enough; it spares an import of @alicloud/openapi-core, which package.json
  // does not declare.
  const config = {
    credential: options.credentials,
    regionId: region,
    endpoint: endpoint?.host ?? 'ros.aliyuncs.com',
    protocol: endpoint === undefined || endpoint.protocol === 'https:' ? 'HTTPS' : 'HTTP',
    connectTimeout: 5000,
    readTimeout: 10_000,
  } as unknown as ConstructorParameters<typeof Ros>[0];
  const client = new Ros(config);
  // No SDK-internal retries: the waits poll anyway, and a refused call should stop the tool with its message.
  const runtime = new $Util.RuntimeOptions({ autoretry: false });

  const call = async <T>(action: string, run: () => Promise<{ body?: T }>): Promise<T> => {
    let response: { body?: T };
    try {
      response = await run();
    } catch (error) {
      const { failure, message } = sdkFailure('ros', action, error);
      throw new CloudApiError(failure, message, { cause: error });
    }
    if (response.body === undefined) throw new Error(`ros:${action} returned no body`);
    return response.body;
  };

  /** Reads every page of a PageNumber/PageSize list. */
  const allPages = async <T>(
    read: (pageNumber: number) => Promise<{ items: T[]; totalCount?: number }>,
  ): Promise<T[]> => {
    const items: T[] = [];
    for (let pageNumber = 1; ; pageNumber++) {
      const page = await read(pageNumber);
      items.push(...page.items);
      const total = page.totalCount ?? items.length;
      if (page.items.length < PAGE_SIZE || items.length >= total) return items;
    }
  };

  return {
    listStackInstances: (stackGroupName) =>
      allPages(async (pageNumber) => {
        const body = await call('ListStackInstances', () =>
          client.listStackInstancesWithOptions(
            new $Ros.ListStackInstancesRequest({ regionId: region, stackGroupName, pageNumber, pageSize: PAGE_SIZE }),
            runtime,
          ),
        );
        return {
          totalCount: body.totalCount,
          items: (body.stackInstances ?? []).map((i) => ({
            accountId: i.accountId ?? '',
            regionId: i.regionId ?? '',
            ...(i.rdFolderId ? { rdFolderId: i.rdFolderId } : {}),
            status: i.status ?? 'UNKNOWN',
            ...(i.statusReason ? { statusReason: i.statusReason } : {}),
            ...(i.stackId ? { stackId: i.stackId } : {}),
            driftStatus: i.stackDriftStatus || 'NOT_CHECKED',
            ...(i.driftDetectionTime ? { driftDetectionTime: i.driftDetectionTime } : {}),
          })),
        };
      }),

    async detectStackGroupDrift(stackGroupName) {
      const body = await call('DetectStackGroupDrift', () =>
        client.detectStackGroupDriftWithOptions(
          new $Ros.DetectStackGroupDriftRequest({ regionId: region, stackGroupName }),
          runtime,
        ),
      );
      if (!body.operationId) throw new Error('ros:DetectStackGroupDrift returned no OperationId');
      return body.operationId;
    },

    async getStackGroupOperation(operationId) {
      const body = await call('GetStackGroupOperation', () =>
        client.getStackGroupOperationWithOptions(
          new $Ros.GetStackGroupOperationRequest({ regionId: region, operationId }),
          runtime,
        ),
      );
      const op = body.stackGroupOperation;
      if (op === undefined)
        throw new Error(`ros:GetStackGroupOperation returned no StackGroupOperation for ${operationId}`);
      const drift = op.stackGroupDriftDetectionDetail;
      return {
        operationId: op.operationId ?? operationId,
        action: op.action ?? 'UNKNOWN',
        status: op.status ?? 'UNKNOWN',
        ...(op.createTime ? { createTime: op.createTime } : {}),
        ...(drift === undefined
          ? {}
          : {
              drift: {
                detectionStatus: drift.driftDetectionStatus,
                groupDriftStatus: drift.stackGroupDriftStatus,
                drifted: drift.driftedStackInstancesCount,
                inSync: drift.inSyncStackInstancesCount,
                failed: drift.failedStackInstancesCount,
                total: drift.totalStackInstancesCount,
              },
            }),
      };
    },

    listStackGroupOperations: (stackGroupName) =>
      allPages(async (pageNumber) => {
        const body = await call('ListStackGroupOperations', () =>
          client.listStackGroupOperationsWithOptions(
            new $Ros.ListStackGroupOperationsRequest({
              regionId: region,
              stackGroupName,
              pageNumber,
              pageSize: PAGE_SIZE,
            }),
            runtime,
          ),
        );
        return {
          totalCount: body.totalCount,
          items: (body.stackGroupOperations ?? []).map((o) => ({
            operationId: o.operationId ?? '',
            action: o.action ?? 'UNKNOWN',
            status: o.status ?? 'UNKNOWN',
            ...(o.createTime ? { createTime: o.createTime } : {}),
          })),
        };
      }),

    listStackGroupOperationResults: (operationId) =>
      allPages(async (pageNumber) => {
        const body = await call('ListStackGroupOperationResults', () =>
          client.listStackGroupOperationResultsWithOptions(
            new $Ros.ListStackGroupOperationResultsRequest({
              regionId: region,
              operationId,
              pageNumber,
              pageSize: PAGE_SIZE,
            }),
            runtime,
          ),
        );
        return {
          totalCount: body.totalCount,
          items: (body.stackGroupOperationResults ?? []).map((r) => ({
            accountId: r.accountId ?? '',
            regionId: r.regionId ?? '',
            ...(r.rdFolderId ? { rdFolderId: r.rdFolderId } : {}),
            status: r.status ?? 'UNKNOWN',
            ...(r.statusReason ? { statusReason: r.statusReason } : {}),
          })),
        };
      }),

    async listStackResourceDrifts(stackId, stackRegion) {
      const drifts: ResourceDrift[] = [];
      let nextToken: string | undefined;
      do {
        const body = await call('ListStackResourceDrifts', () =>
          client.listStackResourceDriftsWithOptions(
            new $Ros.ListStackResourceDriftsRequest({
              regionId: stackRegion,
              stackId,
              resourceDriftStatus: ['MODIFIED', 'DELETED'],
              maxResults: 50,
              nextToken,
            }),
            runtime,
          ),
        );
        for (const d of body.resourceDrifts ?? []) {
          drifts.push({
            logicalResourceId: d.logicalResourceId ?? '',
            resourceType: d.resourceType ?? '',
            ...(d.physicalResourceId ? { physicalResourceId: d.physicalResourceId } : {}),
            status: d.resourceDriftStatus ?? 'MODIFIED',
            propertyPaths: (d.propertyDifferences ?? []).flatMap((p) => (p.propertyPath ? [p.propertyPath] : [])),
          });
        }
        nextToken = body.nextToken || undefined;
      } while (nextToken !== undefined);
      return drifts;
    },
  };
}
