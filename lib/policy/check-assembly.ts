import * as cxapi from '@alicloud/ros-cdk-cxapi';
import type { AppConfig } from '../config';
import { checkStacks, type PolicyReport, type RosTemplate } from './index';

/**
 * Runs the policy over every stack of the cloud assembly in `dir`, with the bundle budgets and suppressions of
 * `config`. Used at the end of synth (bin/app.ts) and by `npm run policy`.
 */
export function checkAssembly(dir: string, config: AppConfig): PolicyReport {
  const assembly = new cxapi.CloudAssembly(dir);
  const budgets = new Map(config.regions.map((r) => [`${r.namePrefix}-${r.region}`, r.functions.bundleBudgetKb]));
  const stacks = assembly.stacks.map((stack) => ({
    stack: stack.stackName,
    template: stack.template as RosTemplate,
    bundleBudgetKb: budgets.get(stack.stackName) ?? 350,
  }));
  return checkStacks(stacks, dir, config.policySuppressions);
}
