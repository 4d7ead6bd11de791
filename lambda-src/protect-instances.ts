import { idPattern } from '../contract/ids';
import { type EndpointOverrides, type Env, loadEndpointOverrides } from './commons/config';
import type { FcContext, JsonValue } from './commons/context';
import { INSTANCE_ID, isRecord } from './commons/envelope';
import {
  ForeignEventError,
  HandlerError,
  isRetryable,
  MalformedEventError,
  PermanentError,
  RetryableError,
} from './commons/errors';
import { type EssApi, essApiFor } from './commons/ess-api';
import { outboundUrl, redactedUrl, sendJson } from './commons/http';
import { consoleSink, type LogSink, writeLog } from './commons/logger';
import { DEFAULT_RETRY_SCOPE, deadlineOf, withRetryScope } from './commons/retry';

/**
 * protect-instances: the provider of a ROS custom resource (`ALIYUN::ROS::CustomResource`, `ServiceToken` = this
 * function) that protects instances of an EXISTING Auto Scaling group from scale-in. ROS has no resource for that
 * (`ALIYUN::ESS::ScalingGroup.ProtectedInstances` only applies to a group created by the same template).
 *
 * Parameters (`ResourceProperties`): `ScalingGroupId` (`asg-…`), `InstanceIds` (list of `i-…`), `RegionId`
 * (optional; default: the function's region).
 * - Create: checks that every instance is in the group (`DescribeScalingInstances`), then
 *   `SetInstancesProtection` with `ProtectedFromScaleIn` true (20 per call), skipping instances already protected.
 *   `PhysicalResourceId` = `protection/<ScalingGroupId>`.
 * - Update: protects the new list (checked first, so a refused update changes nothing), then unprotects the
 *   instances removed from the list; when the group changed, unprotects every old instance in the old group.
 *   `PhysicalResourceId` is copied from the request (ROS requires it on Update and Delete).
 * - Delete: unprotects the instances still in the group; an instance or group that is gone is fine.
 *   A Delete of a resource whose Create failed (`protection-failed/…`) does nothing, so a rollback never
 *   unprotects instances this resource did not protect.
 * A request of a stack owned by another account (`ResourceOwnerId`, sent by ROS with every request, is not the
 * function's `context.accountId`), or one without `ResourceOwnerId`, is refused before anything else, and not answered:
 * its response URL came from a caller we do not trust, so even posting to it would be acting on a foreign request.
 * The invocation fails with a ForeignEventError, and the payload ends in the dead-letter queue.
 * Every other request is answered, SUCCESS or FAILED with a Reason such as
 * `instance i-… is not in scaling group asg-…`, even on unexpected errors: without an answer the stack waits for
 * the custom resource's timeout. Throttling and 5xx are retried in the invocation (3 attempts) before FAILED.
 * Every step is idempotent, so a request ROS resends (or FC retries after a failed answer) has the effect of one.
 *
 * The answer is POSTed as JSON with `Content-Type: application/json` and `Date`, at most 4096 bytes, to
 * `ResponseURL` (then `IntranetResponseURL` if the public one cannot be reached).
 * @see https://www.alibabacloud.com/help/en/ros/user-guide/create
 * @see https://www.alibabacloud.com/help/doc-detail/145909.htm (response fields)
 * @see https://www.alibabacloud.com/help/en/ros/developer-reference/aliyun-fc-function (example provider: POST)
 */

/** A parsed custom-resource request. */
export interface CustomResourceRequest {
  readonly requestType: 'Create' | 'Update' | 'Delete';
  readonly responseUrl: URL;
  readonly intranetResponseUrl?: URL;
  readonly stackId: string;
  /** The account that owns the stack (`ResourceOwnerId`); checked against the function's own account. */
  readonly resourceOwnerId?: string;
  readonly requestId: string;
  readonly logicalResourceId: string;
  readonly physicalResourceId?: string;
  readonly resourceProperties: unknown;
  readonly oldResourceProperties?: unknown;
}

/** What this resource protects. */
export interface ProtectionProperties {
  readonly scalingGroupId: string;
  readonly instanceIds: readonly string[];
  readonly regionId?: string;
}

/** The answer to ROS. */
export interface CustomResourceResponse {
  readonly Status: 'SUCCESS' | 'FAILED';
  readonly Reason?: string;
  readonly PhysicalResourceId: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly Data?: Readonly<Record<string, string>>;
}

/** A request this resource refuses (FAILED with this message as the Reason); never retried. */
export class ProtectionRefused extends PermanentError {}

/** Dependencies of {@link handle}. */
export interface ProtectDeps {
  /** ESS in a region (built lazily: the region comes from the request). */
  readonly ess: (region: string) => EssApi;
  /** The function's region, the default of `RegionId`. */
  readonly region: string;
  /** @default 3 */
  readonly attempts?: number;
  /** Waits between attempts. */
  readonly sleep: (ms: number) => Promise<void>;
}

/** Result of the work behind a SUCCESS. */
export interface ProtectionResult {
  readonly physicalResourceId: string;
  readonly protected: readonly string[];
  readonly unprotected: readonly string[];
  readonly note?: string;
}

const SCALING_GROUP_ID = idPattern('scalingGroup');
const REGION_ID = /^[a-z]{2}(-[a-z0-9]+)+$/;
/** PhysicalResourceId prefix of a resource whose Create failed. */
export const FAILED_PREFIX = 'protection-failed/';
const MAX_BODY_BYTES = 4096;

/** Parses the invocation payload; throws MalformedEventError when ROS cannot even be answered. */
export function parseRequest(payload: Buffer | string): CustomResourceRequest {
  let json: unknown;
  try {
    json = JSON.parse(typeof payload === 'string' ? payload : payload.toString('utf8'));
  } catch (error) {
    throw new MalformedEventError(`custom resource request is not valid JSON (${(error as Error).message})`, {
      cause: error,
    });
  }
  if (!isRecord(json)) throw new MalformedEventError('custom resource request must be a JSON object');
  const text = (key: string, required: boolean): string | undefined => {
    const value = json[key];
    if (value === undefined || value === null || value === '') {
      if (required) throw new MalformedEventError(`custom resource request: field "${key}" is missing`);
      return undefined;
    }
    if (typeof value !== 'string')
      throw new MalformedEventError(`custom resource request: field "${key}" must be a string`);
    return value;
  };
  const requestType = text('RequestType', true);
  if (requestType !== 'Create' && requestType !== 'Update' && requestType !== 'Delete') {
    throw new MalformedEventError(
      `custom resource request: field "RequestType": "${requestType}" is not one of Create, Update, Delete`,
    );
  }
  const url = (key: string, required: boolean): URL | undefined => {
    const raw = text(key, required);
    if (raw === undefined) return undefined;
    try {
      return outboundUrl(key, raw, `custom resource request field "${key}"`);
    } catch (error) {
      throw new MalformedEventError((error as Error).message, { cause: error });
    }
  };
  return {
    requestType,
    responseUrl: url('ResponseURL', true) as URL,
    intranetResponseUrl: url('IntranetResponseURL', false),
    stackId: text('StackId', true) as string,
    resourceOwnerId: text('ResourceOwnerId', false),
    requestId: text('RequestId', true) as string,
    logicalResourceId: text('LogicalResourceId', true) as string,
    physicalResourceId: text('PhysicalResourceId', false),
    resourceProperties: json.ResourceProperties,
    oldResourceProperties: json.OldResourceProperties,
  };
}

/** Validates `ResourceProperties` (or `OldResourceProperties`, named by `field`). */
export function parseProperties(raw: unknown, field: string): ProtectionProperties {
  if (!isRecord(raw)) throw new ProtectionRefused(`${field} must be an object with ScalingGroupId and InstanceIds`);
  const group = raw.ScalingGroupId;
  if (typeof group !== 'string' || !SCALING_GROUP_ID.test(group)) {
    throw new ProtectionRefused(`${field}.ScalingGroupId: ${JSON.stringify(group)} is not a scaling group id (asg-…)`);
  }
  const ids = raw.InstanceIds;
  if (!Array.isArray(ids) || ids.length === 0) {
    throw new ProtectionRefused(`${field}.InstanceIds must be a non-empty list of instance ids (i-…)`);
  }
  const bad = ids.find((id) => typeof id !== 'string' || !INSTANCE_ID.test(id));
  if (bad !== undefined) {
    throw new ProtectionRefused(`${field}.InstanceIds: ${JSON.stringify(bad)} is not an ECS instance id (i-…)`);
  }
  const region = raw.RegionId;
  if (
    region !== undefined &&
    region !== null &&
    region !== '' &&
    (typeof region !== 'string' || !REGION_ID.test(region))
  ) {
    throw new ProtectionRefused(`${field}.RegionId: ${JSON.stringify(region)} is not a region id such as cn-hangzhou`);
  }
  return {
    scalingGroupId: group,
    instanceIds: [...new Set(ids as string[])],
    regionId: typeof region === 'string' && region !== '' ? region : undefined,
  };
}

/** Protects `props.instanceIds`, after checking that every one is in the group. Returns the ids newly protected. */
async function protect(ess: EssApi, props: ProtectionProperties): Promise<string[]> {
  const members = await ess.scalingInstances(props.scalingGroupId, { instanceIds: props.instanceIds });
  const memberIds = new Set(members.map((m) => m.instanceId));
  const missing = props.instanceIds.filter((id) => !memberIds.has(id));
  if (missing.length > 0) {
    const more =
      missing.length > 1 ? ` (nor are ${missing.slice(1, 6).join(', ')}${missing.length > 6 ? ', …' : ''})` : '';
    throw new ProtectionRefused(`instance ${missing[0]} is not in scaling group ${props.scalingGroupId}${more}`);
  }
  const toProtect = members.filter((m) => m.lifecycleState !== 'Protected').map((m) => m.instanceId);
  if (toProtect.length > 0) await ess.setProtection(props.scalingGroupId, toProtect, true);
  return toProtect;
}

/** Unprotects those of `instanceIds` still protected in the group; gone instances and a gone group are fine. */
async function unprotect(ess: EssApi, scalingGroupId: string, instanceIds: readonly string[]): Promise<string[]> {
  if (instanceIds.length === 0) return [];
  let members: Awaited<ReturnType<EssApi['scalingInstances']>>;
  try {
    members = await ess.scalingInstances(scalingGroupId, { instanceIds });
  } catch (error) {
    if (error instanceof HandlerError && error.api?.code === 'InvalidScalingGroupId.NotFound') return [];
    throw error;
  }
  const toUnprotect = members.filter((m) => m.lifecycleState === 'Protected').map((m) => m.instanceId);
  if (toUnprotect.length > 0) await ess.setProtection(scalingGroupId, toUnprotect, false);
  return toUnprotect;
}

/** Core: does what the request asks; throws ProtectionRefused, or an API error. */
export async function handle(request: CustomResourceRequest, deps: ProtectDeps): Promise<ProtectionResult> {
  const essIn = (props: ProtectionProperties) => deps.ess(props.regionId ?? deps.region);
  switch (request.requestType) {
    case 'Create': {
      const props = parseProperties(request.resourceProperties, 'ResourceProperties');
      const done = await protect(essIn(props), props);
      return { physicalResourceId: `protection/${props.scalingGroupId}`, protected: done, unprotected: [] };
    }
    case 'Update': {
      const physicalResourceId = requiredPhysicalId(request);
      const props = parseProperties(request.resourceProperties, 'ResourceProperties');
      let old: ProtectionProperties | undefined;
      let note: string | undefined;
      try {
        old = parseProperties(request.oldResourceProperties, 'OldResourceProperties');
      } catch (error) {
        // Nothing we can identify was protected by the old configuration; protect the new one all the same.
        note = `old configuration not understood, nothing unprotected: ${(error as Error).message}`;
      }
      const done = await protect(essIn(props), props);
      let undone: string[] = [];
      if (old !== undefined) {
        const sameGroup =
          old.scalingGroupId === props.scalingGroupId &&
          (old.regionId ?? deps.region) === (props.regionId ?? deps.region);
        const removed = sameGroup ? old.instanceIds.filter((id) => !props.instanceIds.includes(id)) : old.instanceIds;
        undone = await unprotect(essIn(old), old.scalingGroupId, removed);
      }
      return { physicalResourceId, protected: done, unprotected: undone, note };
    }
    case 'Delete': {
      const physicalResourceId = requiredPhysicalId(request);
      if (physicalResourceId.startsWith(FAILED_PREFIX)) {
        return { physicalResourceId, protected: [], unprotected: [], note: 'the create had failed: nothing to undo' };
      }
      let props: ProtectionProperties;
      try {
        props = parseProperties(request.resourceProperties, 'ResourceProperties');
      } catch (error) {
        // A configuration that was never valid protected nothing; refusing the delete would only block the stack.
        return {
          physicalResourceId,
          protected: [],
          unprotected: [],
          note: `nothing to undo: ${(error as Error).message}`,
        };
      }
      const undone = await unprotect(essIn(props), props.scalingGroupId, props.instanceIds);
      return { physicalResourceId, protected: [], unprotected: undone };
    }
  }
}

function requiredPhysicalId(request: CustomResourceRequest): string {
  if (request.physicalResourceId === undefined) {
    throw new ProtectionRefused(`${request.requestType} request without PhysicalResourceId`);
  }
  return request.physicalResourceId;
}

/** Runs `work`, retrying retryable failures `attempts` times in all, with 1 s, 2 s, … between. */
async function withRetries<T>(
  work: () => Promise<T>,
  attempts: number,
  sleep: (ms: number) => Promise<void>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= attempts || !isRetryable(error) || error instanceof ProtectionRefused) throw error;
      await sleep(1000 * attempt);
    }
  }
}

/** The response body, cut to ROS's 4096-byte limit by shortening the Reason. */
export function responseBody(response: CustomResourceResponse): string {
  let body = JSON.stringify(response);
  if (Buffer.byteLength(body) <= MAX_BODY_BYTES) return body;
  const { Data: _dropped, ...withoutData } = response;
  body = JSON.stringify(withoutData);
  const reason = response.Reason ?? '';
  const excess = Buffer.byteLength(body) - MAX_BODY_BYTES;
  if (excess <= 0) return body;
  return JSON.stringify({
    ...withoutData,
    Reason: `${reason.slice(0, Math.max(0, reason.length - excess - 16))} …(cut)`,
  });
}

/** Sends the answer: ResponseURL, then IntranetResponseURL; each tried `attempts` times. */
async function respond(
  request: CustomResourceRequest,
  response: CustomResourceResponse,
  attempts: number,
  sleep: (ms: number) => Promise<void>,
): Promise<void> {
  const body = responseBody(response);
  const urls = [
    request.responseUrl,
    ...(request.intranetResponseUrl === undefined ? [] : [request.intranetResponseUrl]),
  ];
  const errors: string[] = [];
  for (const url of urls) {
    try {
      await withRetries(
        async () => {
          const answer = await sendJson(url, body, {
            method: 'POST',
            headers: { date: new Date().toUTCString() },
            target: 'ROS response',
          });
          if (answer.status < 200 || answer.status >= 300) {
            const text = `ROS answered HTTP ${answer.status} at ${redactedUrl(url)}: ${answer.body.slice(0, 200)}`;
            throw answer.status === 429 || answer.status >= 500 ? new RetryableError(text) : new PermanentError(text);
          }
        },
        attempts,
        sleep,
      );
      return;
    } catch (error) {
      errors.push((error as Error).message);
    }
  }
  // FC's asynchronous retry runs the (idempotent) request again and answers then.
  throw new RetryableError(`could not deliver the custom resource response: ${errors.join('; ')}`);
}

/** Test seams of {@link createProtectHandler}. */
export interface ProtectHandlerOptions {
  /** @default stdout, line by line (consoleSink) */
  readonly log?: LogSink;
  /** @default Date.now */
  readonly now?: () => number;
  /** @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Builds the FC handler. The custom resource needs no environment beyond the optional `ENDPOINT_ENV.ess`. */
export function createProtectHandler(env: Env, options: ProtectHandlerOptions = {}) {
  const sink = options.log ?? consoleSink;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let endpoints: EndpointOverrides | undefined;
  let configError: HandlerError | undefined;
  try {
    endpoints = loadEndpointOverrides(env);
  } catch (error) {
    configError = error as HandlerError;
  }

  return (payload: Buffer, context: FcContext): Promise<Record<string, JsonValue>> => {
    const started = now();
    // Each cloud call retries throttling and 5xx inside the invocation (commons/retry.ts) before `withRetries` below
    // retries the whole operation.
    const scope = { ...DEFAULT_RETRY_SCOPE, now, sleep, deadline: deadlineOf(started, context.function.timeout) };
    return withRetryScope(scope, () => invoke(payload, context, started));
  };

  async function invoke(payload: Buffer, context: FcContext, started: number): Promise<Record<string, JsonValue>> {
    const base = { handler: 'protect-instances', requestId: context.requestId, region: context.region };
    let request: CustomResourceRequest;
    try {
      request = parseRequest(payload);
      if (request.resourceOwnerId !== context.accountId) {
        throw new ForeignEventError(
          request.resourceOwnerId === undefined
            ? `custom resource request ${request.requestId} has no "ResourceOwnerId"; this function only serves stacks of account ${context.accountId}`
            : `custom resource request ${request.requestId} field "ResourceOwnerId" names account "${request.resourceOwnerId}", but this function belongs to account ${context.accountId}; it only serves stacks of its own account`,
        );
      }
    } catch (error) {
      // Without a response URL (or with one from a foreign stack) there is nobody to answer: fail, so the payload ends
      // in the dead-letter queue.
      writeLog(sink, {
        ...base,
        level: 'error',
        durationMs: now() - started,
        errorName: (error as Error).name,
        errorMessage: (error as Error).message,
        retryable: false,
      });
      throw error;
    }
    const attempts = 3;
    let response: CustomResourceResponse;
    let result: ProtectionResult | undefined;
    const common = {
      StackId: request.stackId,
      RequestId: request.requestId,
      LogicalResourceId: request.logicalResourceId,
    };
    try {
      if (endpoints === undefined) throw configError ?? new PermanentError('configuration missing');
      const fixedEndpoints = endpoints;
      const deps: ProtectDeps = {
        region: context.region,
        sleep,
        ess: (region) => essApiFor(context, fixedEndpoints.ess, region),
      };
      const done = await withRetries(() => handle(request, deps), attempts, sleep);
      result = done;
      response = {
        Status: 'SUCCESS',
        PhysicalResourceId: done.physicalResourceId,
        ...common,
        Data: { ScalingGroupId: done.physicalResourceId.slice(done.physicalResourceId.indexOf('/') + 1) },
      };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      response = {
        Status: 'FAILED',
        Reason: reason,
        // ROS wants the id of the request on Update/Delete; a failed Create gets a marker its rollback Delete knows.
        PhysicalResourceId: request.physicalResourceId ?? `${FAILED_PREFIX}${request.requestId}`.slice(0, 255),
        ...common,
      };
    }
    const fields = {
      ...base,
      rosRequestId: request.requestId,
      requestType: request.requestType,
      stackId: request.stackId,
      logicalResourceId: request.logicalResourceId,
      physicalResourceId: response.PhysicalResourceId,
      status: response.Status,
      reason: response.Reason,
      protected: result === undefined ? undefined : [...result.protected],
      unprotected: result === undefined ? undefined : [...result.unprotected],
      note: result?.note,
    };
    try {
      await respond(request, response, attempts, sleep);
    } catch (error) {
      writeLog(sink, {
        ...fields,
        level: 'error',
        outcome: 'response-failed',
        durationMs: now() - started,
        errorName: (error as Error).name,
        errorMessage: (error as Error).message,
        retryable: true,
      });
      throw error;
    }
    writeLog(sink, {
      ...fields,
      level: response.Status === 'SUCCESS' ? 'info' : 'warn',
      outcome: response.Status === 'SUCCESS' ? 'ok' : 'failed-responded',
      durationMs: now() - started,
    });
    return { status: response.Status, physicalResourceId: response.PhysicalResourceId };
  }
}

/** FC entry point (`index.handler`). */
export const handler = createProtectHandler(process.env);
