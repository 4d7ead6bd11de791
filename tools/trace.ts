#!/usr/bin/env node
/**
 * `npm run trace -- (--event-id <id> | --instance <i-…>) [--since 24h] [--until …] [--region R] [--store dir] [--json]`:
 * one timeline of what happened to an event or an instance. See ops/trace/ and `npm run trace -- --help`.
 */
import { runMain } from '../ops/cli';
import { createTraceTool } from '../ops/trace';

if (require.main === module) runMain(createTraceTool());
