#!/usr/bin/env node
/**
 * `npm run drill -- --region R --instance i-... --type T [--not-before +10m|<UTC time>] [--timeout 15m] [--dry-run]
 * [--json]`: drills the deployed pipeline with a simulated ECS system event and always cancels it. See lib/drill/.
 */
import { runDrillCli } from '../lib/drill';

// First Ctrl-C: stop waiting, cancel the simulated event, report. Second Ctrl-C: leave at once (the event may stay
// pending; the report of the first tells how to cancel it by hand).
const controller = new AbortController();
process.on('SIGINT', () => {
  if (controller.signal.aborted) {
    process.stderr.write('drill: interrupted twice; the simulated event may still be pending\n');
    process.exit(130);
  }
  process.stderr.write('drill: interrupted; canceling the simulated event (Ctrl-C again to leave at once)\n');
  controller.abort();
});

runDrillCli(
  process.argv.slice(2),
  { stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text) },
  { signal: controller.signal },
).then(
  (code) => {
    process.exitCode = code;
    // The credential chain and HTTP agents may hold handles open; the drill is done.
    process.exit(code);
  },
  (error: unknown) => {
    process.stderr.write(`drill: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
