import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { REGION_IDS } from '../../lib/config';
import {
  bufferIo,
  colourEnabled,
  createStyle,
  defineTool,
  EXIT,
  flagOf,
  flagOption,
  Interrupted,
  parseContextPairs,
  regionOption,
  runTool,
  type SignalSource,
  safeWriter,
  startHeartbeat,
  type ToolContext,
  ToolFailure,
  trapTerminationSignals,
  UsageError,
} from '../../ops/cli';

const ROOT = join(__dirname, '..', '..');

/** A tool whose behaviour the test picks with `--mode`. */
const sample = defineTool({
  name: 'sample',
  summary: 'A tool for testing the kit.',
  usage: '--mode <mode> [--color] [--json]',
  examples: ['npm run sample -- --mode ok', 'npm run sample -- --mode ok --json'],
  json: true,
  notes: 'Exit codes: 0 ok, 1 failure, 2 usage.',
  configure: (command) => command.requiredOption('--mode <mode>', 'what to do').option('--color', 'a flag'),
  run: (context: ToolContext) => {
    const mode = context.options.string('mode');
    context.progress('working');
    if (mode === 'usage') throw new UsageError(['--mode "usage" is not allowed', '--other is missing']);
    if (mode === 'failure') throw new ToolFailure('the queue "q" does not exist\nanywhere');
    if (mode === 'bug') throw new TypeError('cannot read properties of undefined');
    if (context.json) context.printJson({ mode, colour: context.style.enabled });
    else context.io.stdout(`${context.style.green('done')}\n`);
    return EXIT.ok;
  },
});

async function run(argv: string[], options: Parameters<typeof runTool>[3] = {}) {
  const io = bufferIo();
  const code = await runTool(sample, argv, io, { env: {}, ...options });
  return { code, out: io.out(), err: io.err() };
}

describe('the CLI kit', () => {
  it('answers --help with the usage line, the options and every example, exit 0', async () => {
    const { code, out, err } = await run(['--help']);

    assert.equal(code, 0);
    assert.equal(err, '');
    assert.match(out, /^Usage: npm run sample -- --mode <mode> \[--color\] \[--json\]/);
    assert.match(out, /--json +write the report as JSON/);
    assert.match(out, /Examples:\n {2}npm run sample -- --mode ok\n {2}npm run sample -- --mode ok --json/);
    assert.match(out, /Exit codes: 0 ok/);
  });

  it('refuses an unknown flag with exit 2 and one error line that suggests the nearest flag', async () => {
    const { code, out, err } = await run(['--mode', 'ok', '--colour']);

    assert.equal(code, 2);
    assert.equal(out, '');
    assert.equal(err, "error: unknown option '--colour' (did you mean --color?) (see npm run sample -- --help)\n");
  });

  it('refuses a missing required option and a missing value with exit 2 and one line', async () => {
    const missing = await run([]);
    const noValue = await run(['--mode']);

    assert.equal(missing.code, 2);
    assert.match(missing.err, /^error: required option '--mode <mode>' not specified/);
    assert.equal(missing.err.split('\n').length, 2);
    assert.equal(noValue.code, 2);
    assert.match(noValue.err, /^error: option '--mode <mode>' argument missing/);
  });

  it('refuses an unexpected positional argument with exit 2', async () => {
    const { code, err } = await run(['--mode', 'ok', 'extra']);

    assert.equal(code, 2);
    assert.match(err, /^error: too many arguments/);
  });

  it('prints each problem of a UsageError as its own error line, exit 2', async () => {
    const { code, err } = await run(['--mode', 'usage']);

    assert.equal(code, 2);
    assert.equal(err, 'working\nerror: --mode "usage" is not allowed\nerror: --other is missing\n');
  });

  it('prints a ToolFailure as one error line without a stack trace, exit 1', async () => {
    const { code, err } = await run(['--mode', 'failure']);

    assert.equal(code, 1);
    assert.equal(err, 'working\nerror: the queue "q" does not exist; anywhere\n');
  });

  it('prints an unexpected error as one line, with the stack only when EEO_DEBUG is set', async () => {
    const quiet = await run(['--mode', 'bug']);
    const debug = await run(['--mode', 'bug'], { env: { EEO_DEBUG: '1' } });

    assert.equal(quiet.code, 1);
    assert.equal(
      quiet.err,
      'working\nerror: TypeError: cannot read properties of undefined (unexpected; set EEO_DEBUG=1 for the stack trace)\n',
    );
    assert.match(debug.err, /\n {4}at /);
  });

  it('keeps stdout to the JSON report under --json; progress goes to stderr', async () => {
    const { code, out, err } = await run(['--mode', 'ok', '--json']);

    assert.equal(code, 0);
    assert.deepEqual(JSON.parse(out), { mode: 'ok', colour: false });
    assert.equal(err, 'working\n');
  });

  it('colours only a terminal, and never with NO_COLOR', async () => {
    const tty = await run(['--mode', 'ok'], { stdoutIsTTY: true, env: {} });
    const noColor = await run(['--mode', 'ok'], { stdoutIsTTY: true, env: { NO_COLOR: '1' } });
    const pipe = await run(['--mode', 'ok'], { stdoutIsTTY: false, env: {} });

    assert.equal(tty.out, '\u001b[32mdone\u001b[39m\n');
    assert.equal(noColor.out, 'done\n');
    assert.equal(pipe.out, 'done\n');
    assert.equal(colourEnabled({ isTTY: true }, { NO_COLOR: '' }), true, 'an empty NO_COLOR does not count');
    assert.equal(createStyle(false).red('x'), 'x');
  });

  it('parses -c key=value pairs and names a pair without =', () => {
    assert.deepEqual(parseContextPairs(['a=1', 'b=x=y']), { a: '1', b: 'x=y' });
    assert.throws(
      () => parseContextPairs(['a', '=b']),
      (error: unknown) => {
        assert.ok(error instanceof UsageError);
        assert.deepEqual(error.problems, [
          '--context "a" is not valid: expected key=value',
          '--context "=b" is not valid: expected key=value',
        ]);
        return true;
      },
    );
  });
});

describe('safe output', () => {
  it('drops output quietly once the reader of stdout is gone (EPIPE) and keeps the exit code', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'fixtures', 'flood.ts')], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    // Like `| head -1`: read the first chunk, then close the pipe while the tool still writes.
    child.stdout.once('data', () => child.stdout.destroy());

    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));

    assert.equal(stderr, '');
    assert.equal(code, 3);
  });

  it('stops writing after a stream error instead of throwing', () => {
    const stream = new EventEmitter() as EventEmitter & { write: (t: string) => boolean; destroyed: boolean };
    const written: string[] = [];
    stream.destroyed = false;
    stream.write = (text) => {
      written.push(text);
      return true;
    };
    const writer = safeWriter(stream);

    writer.write('a');
    stream.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    writer.write('b');

    assert.deepEqual(written, ['a']);
    assert.equal(writer.closed(), true);
  });
});

describe('termination signals', () => {
  it('aborts on the first SIGTERM, exits 143 for an interrupted run, and leaves at once on the second', () => {
    const source = new EventEmitter() as EventEmitter & SignalSource;
    const err: string[] = [];
    const exits: number[] = [];
    const trap = trapTerminationSignals({
      name: 'drill',
      stderr: (t) => err.push(t),
      cleanup: 'canceling the simulated event',
      risk: 'the simulated event may stay pending',
      source,
      exit: (code) => exits.push(code),
    });

    source.emit('SIGTERM');
    source.emit('SIGHUP');

    assert.equal(trap.signal.aborted, true);
    assert.ok(trap.signal.reason instanceof Interrupted);
    assert.equal((trap.signal.reason as Interrupted).signal, 'SIGTERM');
    assert.equal(trap.exitCode(EXIT.interrupted), 143);
    assert.equal(trap.exitCode(1), 1);
    assert.deepEqual(exits, [129]);
    assert.match(err[0], /^drill: SIGTERM; canceling the simulated event \(send it again to leave at once\)/);
    assert.match(err[1], /^drill: SIGHUP again; leaving now \(the simulated event may stay pending\)/);
    trap.dispose();
    assert.equal(source.listenerCount('SIGINT'), 0);
  });

  it('traps SIGINT, SIGTERM and SIGHUP alike', () => {
    for (const [name, code] of [
      ['SIGINT', 130],
      ['SIGTERM', 143],
      ['SIGHUP', 129],
    ] as const) {
      const source = new EventEmitter() as EventEmitter & SignalSource;
      const trap = trapTerminationSignals({ name: 't', stderr: () => undefined, source, exit: () => undefined });

      source.emit(name);

      assert.equal(trap.signal.aborted, true, name);
      assert.equal(trap.exitCode(EXIT.interrupted), code, name);
    }
  });
});

describe('progress', () => {
  it('speaks after a while and then periodically, until stopped', async () => {
    const lines: string[] = [];
    const beat = startHeartbeat((line) => lines.push(line), 'bench: synth', { afterMs: 5, everyMs: 5 });

    await new Promise((resolve) => setTimeout(resolve, 40));
    beat.stop();
    const seen = lines.length;
    await new Promise((resolve) => setTimeout(resolve, 20));

    assert.ok(seen >= 2, `lines: ${seen}`);
    assert.equal(lines.length, seen);
    assert.match(lines[0], /^bench: synth \(still running, \d+ s\)$/);
  });
});

describe('options checked by a zod schema', () => {
  const schematic = defineTool({
    name: 'schematic',
    summary: 'A tool whose options are checked by a schema.',
    examples: ['npm run schematic -- --region cn-hangzhou --max 5'],
    configure: (command) =>
      command.option('--region <id>', 'a region').option('--max <n>', 'a count').option('--dry-run', 'a flag'),
    run: (context: ToolContext) => {
      const options = context.options.parse(
        z.object({
          region: regionOption({ required: true }),
          max: z
            .string()
            .regex(/^\d+$/, 'must be a whole number from 1 to 9')
            .transform(Number)
            .pipe(z.number().max(9, 'must be a whole number from 1 to 9'))
            .prefault('1'),
          dryRun: flagOption,
        }),
      );
      context.io.stdout(`${JSON.stringify(options)}\n`);
      return EXIT.ok;
    },
  });

  async function runSchematic(argv: string[]) {
    const io = bufferIo();
    const code = await runTool(schematic, argv, io, { env: {} });
    return { code, out: io.out(), err: io.err() };
  }

  it('hands the tool the converted values, with defaults, when every option is allowed', async () => {
    const { code, out } = await runSchematic(['--region', 'cn-hangzhou', '--dry-run']);

    assert.equal(code, EXIT.ok);
    assert.deepEqual(JSON.parse(out), { region: 'cn-hangzhou', max: 1, dryRun: true });
  });

  it('refuses each bad option with one line naming the flag, the value and what is allowed, exit 2', async () => {
    const { code, out, err } = await runSchematic(['--max', '10', '--region', 'cn-hangzou']);

    assert.equal(code, EXIT.usage);
    assert.equal(out, '');
    assert.deepEqual(err.trimEnd().split('\n'), [
      `error: --region "cn-hangzou" is not an Alibaba Cloud region id (did you mean cn-hangzhou?); known: ${REGION_IDS.join(', ')}`,
      'error: --max "10" must be a whole number from 1 to 9',
    ]);
  });

  it('says that a required option is required, and names it by its flag', async () => {
    const { code, err } = await runSchematic([]);

    assert.equal(code, EXIT.usage);
    assert.match(err, /^error: --region is required; known: cn-/);
    assert.equal(flagOf('notBefore'), '--not-before');
  });
});
