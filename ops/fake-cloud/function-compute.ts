import { randomUUID } from 'node:crypto';
import type { FakeHttpAnswer, FakeHttpContext, FakeHttpRequest, FakeHttpService } from './http-service';
import { headerValue } from './http-service';
import { verifyAcs3 } from './signatures';

/**
 * A fake of Function Compute 2.0 `InvokeFunction` (API 2021-04-06) as `@alicloud/fc-open20210406` calls it:
 * `POST /2021-04-06/services/<service>/functions/<function>/invocations[?qualifier=q]`, the event as the body,
 * `X-Fc-Invocation-Type: Async` for an asynchronous invocation (answered 202 with `X-Fc-Request-Id`, no body).
 *
 * Signature: the SDK signs through `@alicloud/openapi-client`'s generic path, i.e. ACS3-HMAC-SHA256 (verified by
 * {@link verifyAcs3}), not FC's own `FC <id>:<signature>` scheme.
 * @see https://www.alibabacloud.com/help/en/sdk/product-overview/v3-request-structure-and-signature
 * @see https://www.alibabacloud.com/help/en/functioncompute/fc-2-0/developer-reference/api-fc-open-2021-04-06-invokefunction
 */

/** One invocation the fake accepted. */
export interface FakeInvocation {
  readonly service: string;
  readonly function: string;
  readonly qualifier?: string;
  readonly invocationType: string;
  readonly payload: string;
}

/** The Function Compute fake; reachable as `cloud.functionCompute`. */
export class FakeFunctionCompute implements FakeHttpService {
  readonly service = 'fc' as const;
  /** `<service>/<function>` names that exist; any other answers 404 FunctionNotFound. */
  readonly functions = new Set<string>();
  /** Invocations accepted, in order. */
  readonly invocations: FakeInvocation[] = [];

  accepts(request: FakeHttpRequest): boolean {
    return request.url.pathname.startsWith('/2021-04-06/services/');
  }

  handle(request: FakeHttpRequest, context: FakeHttpContext): FakeHttpAnswer {
    const match = /^\/2021-04-06\/services\/([^/]+)\/functions\/([^/]+)\/invocations$/.exec(request.url.pathname);
    const action = match === null ? request.url.pathname : 'InvokeFunction';
    const service = match === null ? '' : decodeURIComponent(match[1]);
    const fn = match === null ? '' : decodeURIComponent(match[2]);
    const qualifier = request.url.searchParams.get('qualifier') ?? undefined;
    const invocationType = headerValue(request.headers, 'x-fc-invocation-type') ?? 'Sync';
    const check = verifyAcs3(
      {
        method: request.method,
        pathname: request.url.pathname,
        query: request.url.searchParams,
        headers: request.headers,
        body: request.body,
      },
      context.secretFor,
    );
    const securityToken = headerValue(request.headers, 'x-acs-security-token');
    const params: Record<string, string> = { service, function: fn, invocationType };
    if (qualifier !== undefined) params.qualifier = qualifier;
    const requestId = randomUUID();
    const reply = (status: number, body: string, headers: Record<string, string> = {}): FakeHttpAnswer => ({
      status,
      headers: { 'x-fc-request-id': requestId, ...headers },
      body,
      action,
      params,
      signed: check.ok,
      securityToken,
    });
    // FC 2.0 errors are JSON `{ ErrorCode, ErrorMessage }`.
    const error = (status: number, code: string, message: string) =>
      reply(status, JSON.stringify({ ErrorCode: code, ErrorMessage: message, RequestId: requestId }), {
        'content-type': 'application/json',
      });

    if (!check.ok) return error(403, 'SignatureNotMatch', `signature check failed: ${check.reason}`);
    if (context.securityToken !== undefined && securityToken !== context.securityToken) {
      return error(403, 'InvalidSecurityToken', 'x-acs-security-token missing or wrong');
    }
    if (match === null || request.method !== 'POST') {
      return error(404, 'NotFound', `the fake does not serve ${request.method} ${request.url.pathname}`);
    }
    if (!this.functions.has(`${service}/${fn}`)) {
      return error(404, 'FunctionNotFound', `function '${fn}' does not exist in service '${service}'`);
    }
    const fault = context.takeFault(action);
    if (fault !== undefined) return error(fault.status, fault.code, fault.message ?? `injected ${fault.code}`);
    this.invocations.push({ service, function: fn, qualifier, invocationType, payload: request.body.toString('utf8') });
    return invocationType === 'Async' ? reply(202, '') : reply(200, '"ok"', { 'content-type': 'application/json' });
  }
}
