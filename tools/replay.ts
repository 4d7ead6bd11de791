#!/usr/bin/env node
/**
 * `npm run replay -- [--assembly cdk.out] [--region R] [--world world.json] [--json] [--events-from list.txt]
 * [<event.json | folder> ...]`: replays sample events against the synthesized rules and the bundled handlers, with a
 * loopback fake cloud. See lib/replay/ and `npm run replay -- --help`.
 */
import { runMain } from '../ops/cli';
import { createReplayTool } from '../ops/replay';

if (require.main === module) runMain(createReplayTool());
