#!/usr/bin/env node
/**
 * `npm run redrive -- --region R --queue <dlq> [--max N] [--dry-run] [--to target|eventbridge] [--json]`: lists
 * dead-lettered events with their age, re-delivers them (by default to the automation that failed) and deletes each
 * message only after its re-delivery succeeded. See lib/redrive/.
 */
import { runMain } from '../ops/cli';
import { createRedriveTool } from '../ops/redrive';

// The credential chain and HTTP agents may hold handles open once the run is done: exit then.
if (require.main === module) runMain(createRedriveTool(), { exitWhenDone: true });
