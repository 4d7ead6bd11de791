#!/usr/bin/env node
/**
 * `npm run rules:verify -- --cloud --region R [--assembly cdk.out] [--json]`: every synthesized pattern of the
 * region's stack against every sample event, asked of EventBridge's TestEventPattern and of the local matcher;
 * exit 1 when they disagree. See ops/rules-verify/.
 */
import { runMain } from '../ops/cli';
import { createRulesVerifyTool } from '../ops/rules-verify';

// The credential chain and HTTP agents may hold handles open once the run is done: exit then.
if (require.main === module) runMain(createRulesVerifyTool(), { exitWhenDone: true });
