import * as fs from 'node:fs';
import * as path from 'node:path';
import { readAssembly, resourceStrings } from '../lib/assembly';
import { loadProjectConfig } from '../lib/config/project';

/**
 * What an operator tool knows about the app it operates, read the way synth reads it: the configuration from
 * cdk.json, cdk.context.json and `-c` pairs (lib/config/project.ts, the same deep merge), and the resources of the
 * synthesized cloud assembly. Names come from here, never from a second hard-coded list.
 */
export interface AppFacts {
  /** The `namePrefix` of `region` (its region block, else the top-level one). */
  readonly namePrefix: string;
  /**
   * The dead-letter queue names of the stack of `region` (`ALIYUN::MNS::Queue` `QueueName`), or undefined when the
   * assembly is missing or has no stack for the region.
   */
  readonly deadLetterQueues?: readonly string[];
}

/** Reads {@link AppFacts} for `region` from the project in `projectRoot` and the assembly in `assemblyDir`. */
export function readAppFacts(
  projectRoot: string,
  contextPairs: Readonly<Record<string, string>>,
  region: string | undefined,
  assemblyDir: string = path.join(projectRoot, 'cdk.out'),
): AppFacts {
  const config = loadProjectConfig(projectRoot, contextPairs);
  const block = config.regions.find((r) => r.region === region);
  let deadLetterQueues: string[] | undefined;
  if (region !== undefined && fs.existsSync(path.join(assemblyDir, 'manifest.json'))) {
    const stack = readAssembly(assemblyDir).stacks.find((s) => s.region === region);
    if (stack !== undefined) deadLetterQueues = resourceStrings(stack.template, 'ALIYUN::MNS::Queue', 'QueueName');
  }
  return { namePrefix: block?.namePrefix ?? config.namePrefix, deadLetterQueues };
}
