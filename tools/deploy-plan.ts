#!/usr/bin/env node
/**
 * `npx tsx tools/deploy-plan.ts stacks [--assembly cdk.out]`, `npx tsx tools/deploy-plan.ts fleet [--assembly cdk.out]` and
 * `npx tsx tools/deploy-plan.ts parameters --template <file> --out <file>`: what the deploy workflow needs from a
 * cloud assembly (see ops/deploy-plan.ts). Called by `.github/workflows/deploy.yml` under this path.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defineTool, runMain, UsageError } from '../ops/cli';
import { DeployPlanError, fleetDeployment, parameterArguments, readTemplate, stackRegions } from '../ops/deploy-plan';

const ROOT = path.resolve(__dirname, '..');

/**
 * The deploy-plan tool: `stacks` (the region stacks) and `fleet` (the fleet stack) print JSON (always), `parameters`
 * writes the NUL-separated arguments file.
 */
export const deployPlanTool = defineTool({
  name: 'deploy-plan',
  summary:
    'Prints the region stacks of a cloud assembly with their regions, or its fleet stack with its region, or writes ' +
    'the NoEcho parameter arguments.',
  usage: 'stacks [--assembly <dir>] | fleet [--assembly <dir>] | parameters --template <file> --out <file>',
  examples: [
    'npm run deploy-plan -- stacks --assembly cdk.out',
    'npm run deploy-plan -- fleet --assembly cdk.out',
    'npx tsx tools/deploy-plan.ts stacks --assembly cdk.out',
    'npx tsx tools/deploy-plan.ts parameters --template cdk.out/ecs-event-ops-cn-hangzhou.template.json --out /tmp/p',
  ],
  json: true,
  notes:
    '"stacks" prints JSON with or without --json (the workflow reads it): the region stacks, not the fleet stack. ' +
    '"fleet" prints {"configured": true, "stack", "region", "codeSource", "publish"} for the stack declaring the ' +
    'stack group (deployed once, in the region of its StackRegion guard: the canary region), or {"configured": false}. ' +
    '"parameters --json" prints ' +
    '{"parameters": [names]} instead of the sentence (never a value).\n' +
    'Exit codes: 0 done; 1 an unreadable assembly or a missing secret; 2 a usage error.',
  failures: [DeployPlanError],
  configure: (command) =>
    command
      .argument('<command>', '"stacks", "fleet" or "parameters"')
      .option('--assembly <dir>', 'the cloud assembly, for stacks and fleet (default: cdk.out)')
      .option('--template <file>', 'the stack template, for parameters')
      .option('--out <file>', 'where to write the arguments, for parameters'),
  run: (context) => {
    const [command] = context.args;
    const assemblyDir = () => path.resolve(context.options.string('assembly') ?? path.join(ROOT, 'cdk.out'));
    if (command === 'stacks' || command === 'fleet') {
      const plan = command === 'stacks' ? stackRegions(assemblyDir()) : fleetDeployment(assemblyDir());
      if (context.json) context.printJson(plan);
      else context.io.stdout(`${JSON.stringify(plan)}\n`);
      return 0;
    }
    const template = context.options.string('template');
    const out = context.options.string('out');
    if (command === 'parameters' && template !== undefined && out !== undefined) {
      const { names, args } = parameterArguments(readTemplate(template), context.env);
      fs.writeFileSync(out, args.map((a) => `${a}\0`).join(''), { mode: 0o600 });
      if (context.json) context.printJson({ parameters: names });
      else context.io.stdout(`NoEcho parameters passed: ${names.length > 0 ? names.join(', ') : 'none'}\n`);
      return 0;
    }
    throw new UsageError([
      `"${command}" with these options is not a command: expected "stacks [--assembly <dir>]", ` +
        '"fleet [--assembly <dir>]" or "parameters --template <file> --out <file>"',
    ]);
  },
});

if (require.main === module) runMain(deployPlanTool);
