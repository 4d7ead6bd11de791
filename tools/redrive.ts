#!/usr/bin/env node
/**
 * `npm run redrive -- --region R --queue <dlq> [--max N] [--dry-run] [--to target|eventbridge] [--max-age-hours H]
 * [--json]`: lists dead-lettered events with their age, re-delivers them (by default to the automation that failed)
 * unless they are older than its age limit (stale: kept and listed; `--max-age-hours` acts on them deliberately), and
 * deletes each message only after its re-delivery succeeded. See ops/redrive/.
 */
import { runMain } from '../ops/cli';
import { createRedriveTool } from '../ops/redrive';

// The credential chain and HTTP agents may hold handles open once the run is done: exit then.
if (require.main === module) runMain(createRedriveTool(), { exitWhenDone: true });
