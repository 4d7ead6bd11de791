#!/usr/bin/env node
/**
 * `npm run drill -- --region R --instance i-... --type T [--not-before +10m|<UTC time>] [--timeout 15m] [--dry-run]
 * [--json]`: drills the deployed pipeline with a simulated ECS system event and always cancels it. See lib/drill/.
 */
import { runMain } from '../ops/cli';
import { createDrillTool } from '../ops/drill';

// First SIGINT, SIGTERM or SIGHUP: stop waiting, cancel the simulated event, report. A second one: leave at once.
// The credential chain and HTTP agents may hold handles open once the drill is done: exit then.
if (require.main === module) {
  runMain(createDrillTool(), {
    signals: {
      cleanup: 'canceling the simulated event',
      risk: 'the simulated event may stay pending: aliyun ecs CancelSimulatedSystemEvents --RegionId <region> --EventId.1 <the id printed above>',
    },
    exitWhenDone: true,
  });
}
