import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Assembly, AssemblyStack } from '../../lib/assembly';
import type { VerifyEvent, VerifyRule } from '../../lib/patterns/rules-verify';
import { ToolFailure } from '../cli';
import { parseEventText } from '../replay/event-format';

/**
 * What `rules:verify` checks: the patterns of a region's stack, read from the synthesized assembly, and the sample
 * events of `test/fixtures/events/`.
 */

/** The stack of `region` in `assembly` (its `StackRegion` parameter). */
export function stackOfRegion(assembly: Assembly, region: string): AssemblyStack {
  const stack = assembly.stacks.find((s) => s.region === region);
  if (stack === undefined) {
    const regions = assembly.stacks.flatMap((s) => (s.region === undefined ? [] : [s.region]));
    throw new ToolFailure(
      `--region "${region}": the cloud assembly ${assembly.dir} has no stack of that region; ` +
        `its regions: ${regions.join(', ') || 'none'} (synthesize it with "npm run synth")`,
    );
  }
  return stack;
}

/** Every `ALIYUN::EventBridge::Rule` of `stack` with its `FilterPattern` (a JSON string or an object), in template order. */
export function rulesOfStack(stack: AssemblyStack): VerifyRule[] {
  return Object.entries(stack.template.Resources ?? {})
    .filter(([, resource]) => resource.Type === 'ALIYUN::EventBridge::Rule')
    .map(([logicalId, resource]) => {
      const ruleName = resource.Properties?.RuleName;
      let pattern = resource.Properties?.FilterPattern;
      if (typeof pattern === 'string') {
        try {
          pattern = JSON.parse(pattern);
        } catch (cause) {
          throw new ToolFailure(`stack ${stack.name}, rule ${logicalId}: FilterPattern is a string that is not JSON`, {
            cause,
          });
        }
      }
      return { stack: stack.name, ruleName: typeof ruleName === 'string' ? ruleName : logicalId, pattern };
    });
}

/**
 * Every `*.json` under `dir` (recursively, sorted) as a CloudEvent; a Cloud Monitor file (`*.cms.json`) becomes the
 * CloudEvent EventBridge makes of it (ops/replay/event-format.ts), since the service matches CloudEvents. Named by
 * its path under `dir` without `.json`: `acs.ecs/instance-statechange-stopped`.
 */
export function fixtureEvents(dir: string): VerifyEvent[] {
  let files: string[];
  try {
    files = fs
      .readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.json'))
      .sort();
  } catch (cause) {
    throw new ToolFailure(`cannot read the sample events in ${dir}: ${(cause as Error).message}`, { cause });
  }
  if (files.length === 0) throw new ToolFailure(`no sample event (*.json) under ${dir}`);
  return files.map((file) => {
    try {
      const { event } = parseEventText(fs.readFileSync(path.join(dir, file), 'utf8'));
      return { name: file.slice(0, -'.json'.length).split(path.sep).join('/'), event };
    } catch (cause) {
      throw new ToolFailure(`sample event ${path.join(dir, file)}: ${(cause as Error).message}`, { cause });
    }
  });
}
