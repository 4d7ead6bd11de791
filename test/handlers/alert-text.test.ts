import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { createFcHandler } from '../../lambda-src/commons/handler';
import { clearSecretCache } from '../../lambda-src/commons/secrets';
import { markdownText, plainLine } from '../../lambda-src/commons/text';
import { spec } from '../../lambda-src/notify';
import type { FakeCloud } from '../../ops/fake-cloud';
import {
  context,
  fixture,
  INSTANCE_ID,
  payload,
  secretEnv,
  seedSecrets,
  startCloud,
  variantOf,
  world,
} from '../support/harness';
import { HttpSink } from '../support/http-sink';

/** Everything a renamed instance could try in DingTalk markdown. */
const HOSTILE =
  'web-01\n### PWNED\n> quoted [click](http://evil.example/a) <a href="https://evil.example">x</a> ' +
  '![img](https://evil.example/i.png) <https://evil.example> www.evil.example @all **bold** _it_ `code` | t |\u2028- list';

/** What must never appear in channel text built from {@link HOSTILE}. */
function assertInert(text: string): void {
  assert.doesNotMatch(text, /\]\(/, 'a link or image');
  assert.doesNotMatch(text, /<\s*a\b|<https?:/i, 'HTML or an autolink');
  assert.doesNotMatch(text, /https?:\/\//, 'a bare URL');
  assert.doesNotMatch(text, /www\.evil/, 'a www. autolink');
  assert.doesNotMatch(text, /@all/, 'a mention');
  assert.doesNotMatch(text, /\*\*bold|`code`/, 'emphasis or code from the value');
  assert.doesNotMatch(text, /[\u2028\u2029]/, 'a Unicode line separator');
}

describe('alert text escaping', () => {
  it('turns every markdown construct of a value into inert, readable text on one line', () => {
    const text = markdownText(HOSTILE);

    assertInert(text);
    assert.ok(!text.includes('\n'));
    assert.match(text, /PWNED/);
    assert.match(text, /［click］（http:／／evil\.example\/a）/);
    assert.match(text, /＠all/);
  });

  it('leaves ordinary ids, regions, types and times unchanged', () => {
    for (const value of [
      'i-bp1abcdefghij0123456',
      'cn-hangzhou',
      'ecs:Instance:StateChange',
      '2026-11-25T01:01:01.000Z',
    ]) {
      assert.equal(markdownText(value), value);
    }
  });

  it('keeps titles on one line and cuts very long values', () => {
    assert.equal(plainLine('a\r\nb\u0000c'), 'a b c');
    assert.equal(plainLine('x'.repeat(1000)).length, 301);
  });
});

describe('notify with hostile values', () => {
  let cloud: FakeCloud | undefined;
  let robot: HttpSink | undefined;
  afterEach(async () => {
    await cloud?.stop();
    await robot?.stop();
    cloud = undefined;
    robot = undefined;
  });

  async function setup(instanceName: string) {
    robot = await HttpSink.start({ status: 200, body: '{"errcode":0,"errmsg":"ok"}' });
    clearSecretCache();
    const secrets = { DINGTALK_WEBHOOK_URL: robot.url('/robot/send?access_token=t') };
    const started = await startCloud(
      world({ instances: [{ id: INSTANCE_ID, status: 'Running', tags: {}, name: instanceName }] }),
      secretEnv(secrets),
    );
    seedSecrets(started.cloud, secrets);
    cloud = started.cloud;
    return createFcHandler(spec, started.env, { log: () => {} });
  }

  it('escapes a hostile instance name in the DingTalk message, keeping it readable', async () => {
    const handler = await setup(HOSTILE);

    await handler(payload(fixture('acs.ecs', 'instance-systemmaintenance-reboot')), context('notify'));

    const { markdown } = JSON.parse(robot?.requests[0].body ?? '{}') as { markdown: { title: string; text: string } };
    assertInert(markdown.text);
    assert.equal(markdown.text.split('\n').filter((line) => line.startsWith('#')).length, 1, 'one heading');
    assert.ok(markdown.text.split('\n').every((line) => line === '' || /^(### |- \*\*)/.test(line)));
    assert.match(markdown.text, /\(web-01 ＃＃＃ PWNED ＞ quoted ［click］/);
    assert.ok(!markdown.title.includes('\n'));
  });

  it('escapes an event field quoted in the recommended action', async () => {
    const handler = await setup('web-01');

    await handler(
      variantOf('acs.ecs', 'instance-performancemodechange', (e) => {
        (e.data as Record<string, unknown>).creditSpecification = '[x](http://evil.example) @all';
      }),
      context('notify'),
    );

    const { markdown } = JSON.parse(robot?.requests[0].body ?? '{}') as { markdown: { text: string } };
    assertInert(markdown.text);
    assert.match(markdown.text, /［x］（http:／／evil\.example）/);
  });
});
