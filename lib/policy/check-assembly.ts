import { readAssembly } from '../assembly';
import { checkStacks, type PolicyReport, type Suppression } from './index';

/**
 * What the policy needs from the configuration (a structural slice of lib/config `AppConfig`, so that lib/policy
 * does not import lib/config, which imports the rule ids from here).
 */
export interface PolicyConfig {
  readonly regions: readonly { readonly region: string; readonly functions: { readonly bundleBudgetKb: number } }[];
  readonly policySuppressions: readonly Suppression[];
  /** The settings of a stack group's template (the `fleet` block), for its bundle budget. @default - none */
  readonly fleet?: { readonly template: { readonly functions: { readonly bundleBudgetKb: number } } };
}

/** The bundle budget of a stack whose region has no configuration block (the configuration's own default). */
const FALLBACK_BUNDLE_BUDGET_KB = 350;

/**
 * Runs the policy over every stack of the cloud assembly in `dir` (read by lib/assembly), with the bundle budgets of
 * each stack's region and the suppressions of `config`. Used at the end of synth (bin/app.ts) and by `npm run policy`.
 */
export function checkAssembly(dir: string, config: PolicyConfig): PolicyReport {
  const budgets = new Map(config.regions.map((r) => [r.region, r.functions.bundleBudgetKb]));
  // The template of a stack group is checked like a stack: it is deployed to every target account and region.
  const stacks = readAssembly(dir, { groupTemplates: true }).stacks.map((stack) => ({
    stack: stack.name,
    template: stack.template,
    bundleBudgetKb:
      (stack.groupOf !== undefined
        ? config.fleet?.template.functions.bundleBudgetKb
        : stack.region === undefined
          ? undefined
          : budgets.get(stack.region)) ?? FALLBACK_BUNDLE_BUDGET_KB,
  }));
  return checkStacks(stacks, dir, config.policySuppressions);
}
