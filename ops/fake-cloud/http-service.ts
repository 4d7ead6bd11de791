import type { IncomingHttpHeaders } from 'node:http';
import type { Fault } from './fake-cloud';

/**
 * The contract between {@link FakeCloud} and the fakes of products that are not RPC-style (MNS, EventBridge's data
 * plane, Function Compute): each one recognises its own requests, checks their signature and answers. The fake
 * cloud records the call and writes the response, so every product shows up in `cloud.calls()` the same way.
 */

/** A request as the fake cloud received it. */
export interface FakeHttpRequest {
  readonly method: string;
  /** Parsed URL (decoded). */
  readonly url: URL;
  /** The request target exactly as sent (path and query, not decoded), for signatures over the raw resource. */
  readonly rawUrl: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** What a product fake needs from the fake cloud. */
export interface FakeHttpContext {
  /** The secret of an AccessKey id, or undefined when the fake does not know the id. */
  readonly secretFor: (accessKeyId: string) => string | undefined;
  /** The STS token every request must carry, if the fake's credentials have one. */
  readonly securityToken?: string;
  /** The next injected fault of `action`, if any (see `FakeCloud.failNext`). */
  readonly takeFault: (action: string) => Fault | undefined;
}

/** The answer of a product fake, with what to record. */
export interface FakeHttpAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly action: string;
  readonly params: Readonly<Record<string, string>>;
  readonly signed: boolean;
  readonly securityToken?: string;
}

/** A non-RPC product served by the fake cloud. */
export interface FakeHttpService {
  /** Name recorded in `RecordedCall.service`. */
  readonly service: 'mns' | 'eventbridge' | 'fc' | 'sls';
  /** Whether the request is for this product (by its Authorization scheme or path). */
  accepts(request: FakeHttpRequest): boolean;
  handle(request: FakeHttpRequest, context: FakeHttpContext): FakeHttpAnswer;
}

/** The first value of a header. */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** XML text escaping. */
export function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
