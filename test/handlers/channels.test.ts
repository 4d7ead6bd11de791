import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { afterEach, describe, it } from 'node:test';
import { dingTalkChannel, webhookChannel } from '../../lambda-src/commons/channels';
import { RetryableError } from '../../lambda-src/commons/errors';
import { rejection } from '../support/harness';
import { HttpSink } from '../support/http-sink';

const MESSAGE = { title: 'title', markdown: 'text', json: { a: 1 } };
const TOKEN = 'tok-3f9a1c2b7d';

let sink: HttpSink | undefined;
afterEach(async () => {
  await sink?.stop();
  sink = undefined;
});

/** A loopback port with nothing listening: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('channel failures', () => {
  it('reports a webhook 500 as an HTTP answer with its status and a body excerpt, not as a network error', async () => {
    sink = await HttpSink.start({ status: 500, body: `{"error":"backend down","echo":"Bearer ${TOKEN}"}` });
    const channel = webhookChannel({ url: new URL(sink.url('/hook')), token: TOKEN });

    const error = await rejection(channel.send(MESSAGE));

    assert.ok(error instanceof RetryableError);
    assert.match(error.message, /webhook:POST failed \(HTTP 500, /);
    assert.match(error.message, /answered HTTP 500: \{"error":"backend down"/);
    assert.doesNotMatch(error.message, /network error/);
    assert.doesNotMatch(error.message, new RegExp(TOKEN));
  });

  it('cuts a long error body to a short single-line excerpt', async () => {
    sink = await HttpSink.start({ status: 400, body: `line one\nline two ${'x'.repeat(5000)}` });
    const channel = webhookChannel({ url: new URL(sink.url('/hook')) });

    const error = await rejection(channel.send(MESSAGE));

    assert.match(error.message, /HTTP 400: line one line two x{10}/);
    assert.ok(error.message.length < 600, `message is ${error.message.length} characters`);
  });

  it('reports a DingTalk 502 with its status, without the access token of the robot URL', async () => {
    sink = await HttpSink.start({ status: 502, body: `bad gateway for access_token=${TOKEN}` });
    const channel = dingTalkChannel({ url: new URL(sink.url(`/robot/send?access_token=${TOKEN}`)) }, () => 0);

    const error = await rejection(channel.send(MESSAGE));

    assert.match(error.message, /dingtalk:robot\/send failed \(HTTP 502, /);
    assert.doesNotMatch(error.message, /network error/);
    assert.doesNotMatch(error.message, new RegExp(TOKEN));
  });

  it('reports a refused connection as a network error with its cause', async () => {
    const port = await closedPort();
    const channel = webhookChannel({ url: new URL(`http://127.0.0.1:${port}/hook?token=${TOKEN}`) });

    const error = await rejection(channel.send(MESSAGE));

    assert.ok(error instanceof RetryableError);
    assert.match(error.message, /network error/);
    assert.match(error.message, /ECONNREFUSED/);
    assert.doesNotMatch(error.message, /HTTP \d/);
    assert.doesNotMatch(error.message, new RegExp(TOKEN));
  });
});
