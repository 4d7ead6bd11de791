import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the sink received. */
export interface SinkRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A canned answer. */
export interface SinkAnswer {
  readonly status: number;
  readonly body: string;
}

/**
 * A loopback HTTP server that records every request and answers from a queue (then with the default answer):
 * stands in for a DingTalk robot, a webhook, or a ROS response URL.
 */
export class HttpSink {
  readonly requests: SinkRequest[] = [];
  private readonly queue: SinkAnswer[] = [];
  private port = 0;

  private constructor(
    private readonly server: Server,
    private readonly defaultAnswer: SinkAnswer,
  ) {}

  /** Starts a sink on an ephemeral loopback port. */
  static async start(defaultAnswer: SinkAnswer = { status: 200, body: '{}' }): Promise<HttpSink> {
    let sink: HttpSink | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const s = sink as HttpSink;
        s.requests.push({
          method: req.method ?? 'GET',
          url: new URL(req.url ?? '/', `http://127.0.0.1:${s.port}`),
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        });
        const answer = s.queue.shift() ?? s.defaultAnswer;
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(answer.body);
      });
    });
    sink = new HttpSink(server, defaultAnswer);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    sink.port = (server.address() as AddressInfo).port;
    return sink;
  }

  /** `http://127.0.0.1:<port>` + path. */
  url(path = '/'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Answers the next request with `answer` (queue several by calling repeatedly). */
  answerNext(answer: SinkAnswer): void {
    this.queue.push(answer);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.server.close((e) => (e ? reject(e) : resolve())));
  }
}
