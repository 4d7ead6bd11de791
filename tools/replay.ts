#!/usr/bin/env node
/**
 * `npm run replay -- [--assembly cdk.out] [--region R] [--world world.json] [--json] <event.json ...>`: replays sample
 * events against the synthesized rules and the bundled handlers, with a loopback fake cloud. See lib/replay/.
 */
import { runReplayCli } from '../lib/replay';

runReplayCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`replay: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
