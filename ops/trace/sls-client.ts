import Sls, { GetLogsRequest } from '@alicloud/sls20201230';
import type { CredentialProvider } from '../drill/cloud';

/**
 * Log queries through the official SLS SDK (`@alicloud/sls20201230`, `getLogs` = `GET /logstores/<logstore>?type=log`),
 * behind a small interface the trace core uses.
 * @see https://www.alibabacloud.com/help/en/sls/developer-reference/api-sls-2020-12-30-getlogs
 */

/** One log as GetLogs returns it: its fields plus `__time__` (epoch seconds, as a string). */
export type LogEntry = Readonly<Record<string, string>>;

/** A search over one logstore. */
export interface LogSearch {
  readonly project: string;
  readonly logstore: string;
  /** A search statement (no SQL): `line`/`offset` paging applies only to those. */
  readonly query: string;
  /** Epoch seconds, inclusive. */
  readonly from: number;
  /** Epoch seconds, exclusive. */
  readonly to: number;
}

/** Reads logs. */
export interface LogReader {
  /** Every log of the search, oldest first; [] when the project or logstore does not exist. */
  search(search: LogSearch): Promise<LogEntry[]>;
}

/** An SLS query failed; the message names the project, logstore, query and the SLS error code. */
export class LogQueryError extends Error {
  override readonly name = 'LogQueryError';
}

/** GetLogs returns at most 100 logs per call (`line` 0-100). */
const PAGE = 100;
/** Pages read at most per search: a trace is about one event or one instance, never a bulk export. */
const MAX_PAGES = 50;

/** SLS error codes meaning "nothing here" rather than a failure: the trace then falls back to the OSS archive. */
const ABSENT = new Set(['ProjectNotExist', 'LogStoreNotExist', 'IndexConfigNotExist']);

/**
 * A {@link LogReader} on the official SDK, for `region` (public endpoint `<region>.log.aliyuncs.com`) or an endpoint
 * override. With a loopback override (the fake cloud) the SDK's host `<project>.127.0.0.1:<port>` cannot resolve, so
 * its gateway is wrapped: the request is built and signed by the SDK unchanged, then sent to the endpoint with the
 * SDK's host moved to `x-forwarded-host` (the host is not part of the v1 signature); the fake reads the project there.
 */
export function createSlsReader(options: {
  readonly region: string;
  readonly credentials: CredentialProvider;
  readonly endpoint?: URL;
}): LogReader {
  const { endpoint } = options;
  const client = new Sls({
    credential: options.credentials,
    regionId: options.region,
    endpoint: endpoint?.host,
    protocol: endpoint === undefined || endpoint.protocol === 'https:' ? 'https' : 'http',
    connectTimeout: 5000,
    readTimeout: 20_000,
  } as ConstructorParameters<typeof Sls>[0]);
  if (endpoint !== undefined) {
    const sdkGateway = client._spi;
    const gateway: typeof sdkGateway = Object.create(sdkGateway);
    gateway.modifyRequest = async (context, attributes) => {
      await sdkGateway.modifyRequest(context, attributes);
      const headers = context.request.headers ?? {};
      headers['x-forwarded-host'] = headers.host;
      headers.host = endpoint.host;
      context.request.headers = headers;
    };
    client.setGatewayClient(gateway);
  }
  return {
    async search(search) {
      const entries: LogEntry[] = [];
      for (let page = 0; page < MAX_PAGES; page++) {
        let body: unknown;
        try {
          const response = await client.getLogs(
            search.project,
            search.logstore,
            new GetLogsRequest({
              from: search.from,
              to: search.to,
              query: search.query,
              line: PAGE,
              offset: page * PAGE,
              reverse: false,
            }),
          );
          body = response.body;
        } catch (error) {
          const code = (error as { code?: unknown }).code;
          if (typeof code === 'string' && ABSENT.has(code)) return [];
          throw new LogQueryError(
            `sls:GetLogs on project "${search.project}", logstore "${search.logstore}", query "${search.query}" failed: ${typeof code === 'string' ? `${code}: ` : ''}${(error as Error).message}`,
            { cause: error },
          );
        }
        const logs = (Array.isArray(body) ? body : []).filter(
          (log): log is Record<string, unknown> => typeof log === 'object' && log !== null,
        );
        for (const log of logs) {
          entries.push(Object.fromEntries(Object.entries(log).map(([key, value]) => [key, String(value)])));
        }
        if (logs.length < PAGE) break;
      }
      return entries;
    },
  };
}
