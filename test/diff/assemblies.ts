import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BUILT_IN_UNITS } from '../../lib/automations';
import { loadConfig } from '../../lib/config';
import { RegionStack } from '../../lib/stacks/region-stack';
import { testApp } from '../support/synth';

/** The stack of the default configuration. */
export const STACK = 'ecs-event-ops-cn-hangzhou';

/** A template open for edits in a test. */
export type MutableTemplate = {
  Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
  Outputs?: Record<string, Record<string, unknown>>;
  Description?: string;
};

/** Synthesizes the app in-process for `config` (the `ecs-event-ops` context) and returns the assembly folder. */
export function synthAssembly(config: unknown = {}): string {
  const app = testApp();
  const parsed = loadConfig(config);
  for (const region of parsed.regions) {
    new RegionStack(app, { config: region, assetsQualifier: parsed.assetsQualifier, units: BUILT_IN_UNITS });
  }
  return app.synth().directory;
}

/** A copy of the assembly in `dir`, in a new temporary folder. */
export function copyAssembly(dir: string): string {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'eeo-diff-test-'));
  fs.cpSync(dir, copy, { recursive: true });
  return copy;
}

/** A copy of the assembly in `dir` with `edit` applied to the template of `stack`: how negative cases are built. */
export function editedCopy(dir: string, edit: (template: MutableTemplate) => void, stack = STACK): string {
  const copy = copyAssembly(dir);
  const file = path.join(copy, `${stack}.template.json`);
  const template = JSON.parse(fs.readFileSync(file, 'utf8')) as MutableTemplate;
  edit(template);
  fs.writeFileSync(file, JSON.stringify(template, null, 2));
  return copy;
}

/** Runs the CLI in-process and returns its exit code and output. */
export function capture(run: (io: { stdout: (t: string) => void; stderr: (t: string) => void }) => number): {
  code: number;
  stdout: string;
  stderr: string;
} {
  let stdout = '';
  let stderr = '';
  const code = run({ stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}
