#!/usr/bin/env node
/**
 * `npm run fleet -- status|drift|wait|plan [--region R] [--json]`: the fleet's ROS stack group by account and region,
 * drift detection on it, waiting for one of its operations (the deploy workflow), and the rollout plan. See ops/fleet/.
 */
import { runMain } from '../ops/cli';
import { createFleetTool } from '../ops/fleet';

// The credential chain and HTTP agents may hold handles open once the run is done: exit then.
if (require.main === module) runMain(createFleetTool(), { exitWhenDone: true });
