#!/usr/bin/env node
/**
 * `npx tsx tools/deploy-plan.ts stacks [--assembly cdk.out]` and
 * `npx tsx tools/deploy-plan.ts parameters --template <file> --out <file>`: what the deploy workflow needs from a
 * cloud assembly (see ops/deploy-plan.ts). Called by `.github/workflows/deploy.yml` under this path.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defineTool, runMain, UsageError } from '../ops/cli';
import { DeployPlanError, parameterArguments, readTemplate, stackRegions } from '../ops/deploy-plan';

const ROOT = path.resolve(__dirname, '..');

/** The deploy-plan tool: `stacks` prints JSON (always), `parameters` writes the NUL-separated arguments file. */
export const deployPlanTool = defineTool({
  name: 'deploy-plan',
  summary: 'Prints the stacks of a cloud assembly with their regions, or writes the NoEcho parameter arguments.',
  usage: 'stacks [--assembly <dir>] | parameters --template <file> --out <file>',
  examples: [
    'npm run deploy-plan -- stacks --assembly cdk.out',
    'npx tsx tools/deploy-plan.ts stacks --assembly cdk.out',
    'npx tsx tools/deploy-plan.ts parameters --template cdk.out/ecs-event-ops-cn-hangzhou.template.json --out /tmp/p',
  ],
  json: true,
  notes:
    '"stacks" prints JSON with or without --json (the workflow reads it); "parameters --json" prints ' +
    '{"parameters": [names]} instead of the sentence (never a value).\n' +
    'Exit codes: 0 done; 1 an unreadable assembly or a missing secret; 2 a usage error.',
  failures: [DeployPlanError],
  configure: (command) =>
    command
      .argument('<command>', '"stacks" or "parameters"')
      .option('--assembly <dir>', 'the cloud assembly, for stacks (default: cdk.out)')
      .option('--template <file>', 'the stack template, for parameters')
      .option('--out <file>', 'where to write the arguments, for parameters'),
  run: (context) => {
    const [command] = context.args;
    if (command === 'stacks') {
      const plan = stackRegions(path.resolve(context.options.string('assembly') ?? path.join(ROOT, 'cdk.out')));
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
      `"${command}" with these options is not a command: expected "stacks [--assembly <dir>]" or ` +
        '"parameters --template <file> --out <file>"',
    ]);
  },
});

if (require.main === module) runMain(deployPlanTool);
