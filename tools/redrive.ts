#!/usr/bin/env node
/**
 * `npm run redrive -- --region R --queue <dlq> [--max N] [--dry-run] [--to eventbridge|target] [--json]`: re-delivers
 * dead-lettered events and deletes each message only after its re-delivery succeeded. See lib/redrive/.
 */
import { runRedriveCli } from '../lib/redrive';

runRedriveCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
}).then(
  (code) => {
    // The credential chain and HTTP agents may hold handles open; the run is done.
    process.exit(code);
  },
  (error: unknown) => {
    process.stderr.write(`redrive: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
