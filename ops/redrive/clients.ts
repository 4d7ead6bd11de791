import EventBridge, * as $EventBridge from '@alicloud/eventbridge';
import FunctionCompute, * as $FC from '@alicloud/fc-open20210406';
import MNSClient from '@alicloud/mns';
import * as $OpenApi from '@alicloud/openapi-client';
import * as $Util from '@alicloud/tea-util';
import { type CredentialProvider, resolveCredentials } from '../drill/cloud';
import type { FunctionTarget } from './dead-letter';

/**
 * The three services redrive talks to, each through Alibaba's official SDK, behind small interfaces the core uses
 * (and tests may replace):
 * - MNS queue (`@alicloud/mns`): `https://<account>.mns.<region>.aliyuncs.com`;
 * - EventBridge PutEvents (`@alicloud/eventbridge`): `https://<account>.eventbridge.<region>.aliyuncs.com`;
 * - Function Compute 2.0 InvokeFunction (`@alicloud/fc-open20210406`): `https://<account>.<region>.fc.aliyuncs.com`.
 */

/** A message received from (or peeked at in) a queue. */
export interface QueueMessage {
  readonly messageId: string;
  readonly body: string;
  /** Set when received (not when peeked); needed to delete. */
  readonly receiptHandle?: string;
  readonly dequeueCount?: number;
  /** Epoch ms. */
  readonly enqueueTime?: number;
}

/** A dead-letter queue. */
export interface DeadLetterQueue {
  /** Up to `count` (1-16) visible messages, made invisible for the queue's visibility timeout; [] when empty. */
  receive(count: number): Promise<QueueMessage[]>;
  /** Up to `count` (1-16) messages, without changing anything; [] when empty. */
  peek(count: number): Promise<QueueMessage[]>;
  delete(receiptHandle: string): Promise<void>;
}

/** Publishes an event to an event bus; rejects when the event was not accepted (also a failed entry). */
export interface EventPublisher {
  publish(event: Readonly<Record<string, unknown>>, bus: string): Promise<void>;
}

/** Invokes a function asynchronously; rejects when FC did not accept the invocation. */
export interface FunctionInvoker {
  invokeAsync(target: FunctionTarget, payload: string): Promise<void>;
}

/** What every client needs. */
export interface ClientOptions {
  readonly accountId: string;
  readonly region: string;
  readonly credentials: CredentialProvider;
  /** Endpoint override (tests): scheme, host and port. */
  readonly endpoint?: URL;
}

/** An MNS call failed. */
export class QueueError extends Error {
  override readonly name = 'QueueError';
}

/** The MNS queue `queueName`. Credentials are resolved now; session credentials are refreshed by the SDK. */
export async function createDeadLetterQueue(
  options: ClientOptions & { readonly queueName: string },
): Promise<DeadLetterQueue> {
  const credentials = await resolveCredentials(options.credentials);
  const client = new MNSClient(options.accountId, {
    ...credentials,
    region: options.region,
    // The SDK defaults to plain HTTP for the region endpoint.
    secure: true,
    endpoint: options.endpoint?.origin,
    refreshSTSToken:
      credentials.securityToken === undefined ? undefined : () => resolveCredentials(options.credentials),
  });
  const toMessages = (items: unknown): QueueMessage[] =>
    (Array.isArray(items) ? items : [])
      .filter((m): m is Record<string, string> => typeof m === 'object' && m !== null)
      .map((m) => ({
        messageId: m.MessageId,
        body: m.MessageBody ?? '',
        receiptHandle: m.ReceiptHandle,
        dequeueCount: m.DequeueCount === undefined ? undefined : Number(m.DequeueCount),
        enqueueTime: m.EnqueueTime === undefined ? undefined : Number(m.EnqueueTime),
      }));
  const call = async <T>(action: string, run: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await run();
    } catch (error) {
      // The SDK names errors `MNS<Code>Error`; an empty queue is `MessageNotExist`.
      if ((error as Error).name === 'MNSMessageNotExistError') return undefined;
      const code = (error as Error).name.replace(/^MNS(.+)Error$/, '$1');
      throw new QueueError(
        `mns:${action} on queue "${options.queueName}" failed (${code}): ${(error as Error).message}`,
        { cause: error },
      );
    }
  };
  return {
    async receive(count) {
      const response = await call('BatchReceiveMessage', () => client.batchReceiveMessage(options.queueName, count));
      return toMessages(response?.body);
    },
    async peek(count) {
      const response = await call('BatchPeekMessage', () => client.batchPeekMessage(options.queueName, count));
      return toMessages(response?.body);
    },
    async delete(receiptHandle) {
      // Passed as received, like the SDK's own examples: MNS handles are URL-safe in practice (UNCONFIRMED for all).
      await call('DeleteMessage', () => client.deleteMessage(options.queueName, receiptHandle));
    },
  };
}

/** CloudEvent attributes the model has fields for; the rest are extension attributes. */
const CORE_ATTRIBUTES = new Set([
  'id',
  'source',
  'specversion',
  'type',
  'datacontenttype',
  'dataschema',
  'subject',
  'time',
  'data',
]);
/**
 * Extension attributes the bus sets when it accepts an event; copying the old values would claim a publish time
 * and address that are not true. UNCONFIRMED which attributes the service overwrites or refuses.
 */
const BUS_SET_ATTRIBUTES = new Set([
  'aliyunpublishtime',
  'aliyunpublishaddr',
  'aliyuneventbusname',
  'aliyunoriginalaccountid',
]);

/**
 * The official EventBridge data-plane client (`<account>.eventbridge.<region>.aliyuncs.com`, or the endpoint override),
 * for PutEvents here and TestEventPattern in rules:verify.
 */
export function eventBridgeClient(options: ClientOptions): EventBridge {
  const { endpoint } = options;
  return new EventBridge(
    new $EventBridge.Config({
      credential: options.credentials,
      endpoint: endpoint?.host ?? `${options.accountId}.eventbridge.${options.region}.aliyuncs.com`,
      // The SDK's default protocol for the data plane is plain HTTP.
      protocol: endpoint === undefined || endpoint.protocol === 'https:' ? 'HTTPS' : 'HTTP',
      regionId: options.region,
      connectTimeout: 5000,
      readTimeout: 10_000,
    }),
  );
}

/** An EventBridge publisher. */
export function createEventPublisher(options: ClientOptions): EventPublisher {
  const client = eventBridgeClient(options);
  return {
    async publish(event, bus) {
      const extensions: Record<string, unknown> = { aliyuneventbusname: bus };
      for (const [key, value] of Object.entries(event)) {
        if (!CORE_ATTRIBUTES.has(key) && !BUS_SET_ATTRIBUTES.has(key)) extensions[key] = value;
      }
      const text = (key: string) => (typeof event[key] === 'string' ? (event[key] as string) : undefined);
      const cloudEvent = new $EventBridge.CloudEvent({
        id: text('id'),
        source: text('source'),
        specversion: text('specversion'),
        type: text('type'),
        datacontenttype: text('datacontenttype') ?? 'application/json',
        dataschema: text('dataschema'),
        subject: text('subject'),
        time: text('time'),
        extensions,
        data: event.data === undefined ? undefined : Buffer.from(JSON.stringify(event.data)),
      });
      let response: $EventBridge.PutEventsResponse;
      try {
        response = await client.putEventsWithOptions([cloudEvent], new $Util.RuntimeOptions({ autoretry: false }));
      } catch (error) {
        throw new Error(`eventbridge:PutEvents failed: ${(error as Error).message}`, { cause: error });
      }
      const failed = response.failedEntryCount ?? 0;
      if (failed > 0) {
        const entry = response.entryList?.find((e) => e.errorCode !== undefined && e.errorCode !== '');
        throw new Error(
          `eventbridge:PutEvents refused the event (${entry?.errorCode ?? 'no code'}): ${entry?.errorMessage ?? 'no message'} (request id ${response.requestId})`,
        );
      }
    },
  };
}

/** A Function Compute 2.0 invoker. */
export function createFunctionInvoker(options: ClientOptions): FunctionInvoker {
  const { endpoint } = options;
  const client = new FunctionCompute(
    new $OpenApi.Config({
      credential: options.credentials,
      endpoint: endpoint?.host ?? `${options.accountId}.${options.region}.fc.aliyuncs.com`,
      protocol: endpoint === undefined || endpoint.protocol === 'https:' ? 'HTTPS' : 'HTTP',
      regionId: options.region,
      connectTimeout: 5000,
      readTimeout: 10_000,
    }),
  );
  return {
    async invokeAsync(target, payload) {
      // Through commonHeaders: the SDK's typed `xFcInvocationType` header is JSON-encoded (`"Async"` with quotes).
      const headers = new $FC.InvokeFunctionHeaders({ commonHeaders: { 'X-Fc-Invocation-Type': 'Async' } });
      const request = new $FC.InvokeFunctionRequest({ body: Buffer.from(payload), qualifier: target.qualifier });
      try {
        await client.invokeFunctionWithOptions(
          target.service,
          target.function,
          request,
          headers,
          new $Util.RuntimeOptions({ autoretry: false }),
        );
      } catch (error) {
        const data = (error as { data?: Record<string, unknown> }).data ?? {};
        const code = data.ErrorCode ?? data.Code ?? (error as { code?: unknown }).code;
        const text = data.ErrorMessage ?? data.Message ?? (error as Error).message;
        throw new Error(
          `fc:InvokeFunction ${target.service}/${target.function}${target.qualifier ? `.${target.qualifier}` : ''} failed (${String(code ?? 'no code')}): ${String(text)}`,
          { cause: error },
        );
      }
    },
  };
}
