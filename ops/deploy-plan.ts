/**
 * What the deploy workflow needs from a cloud assembly, for `ros-cdk deploy` (the main is tools/deploy-plan.ts):
 *
 * - `npx tsx tools/deploy-plan.ts stacks [--assembly cdk.out]` prints `[{"stack": …, "region": …}, …]`: every region
 *   stack of the assembly with the region it must be deployed to, read from its `StackRegion` parameter (whose default
 *   is the stack's region; the stack refuses any other region). The workflow sets `REGION_ID` from it, because the CLI
 *   ignores the stack's `env.region`. The fleet stack (the one declaring an `ALIYUN::ROS::StackGroup`) is not listed:
 * - `npx tsx tools/deploy-plan.ts fleet [--assembly cdk.out]` prints `{"configured": true, "stack", "region",
 *   "codeSource", "publish"}` for it, or `{"configured": false}`: it is deployed once, in the region of its own
 *   `StackRegion` guard (the canary region, lib/fleet `fleetStackRegion`), and `publish` says whether its handler code
 *   must be published first (`fleet.codeSource` `shared` or `per-account`, read from its code manifest).
 * - `npx tsx tools/deploy-plan.ts parameters --template <file> --out <file>` writes the `--parameters Name=Value`
 *   arguments for the NoEcho parameters of that template, NUL-separated (for `mapfile -d ''`), taking each value from
 *   the environment variable named by {@link secretName}; it prints the parameter names, never the values. A
 *   parameter that the template does not have (a disabled channel) is not passed; a NoEcho parameter without a value
 *   is an error, because the CLI never reuses a previous value.
 *
 * The CLI splits a `--parameters` value at its first `=` and sends every one to each stack it deploys
 * (`packages/ros-cdk-cli/bin/cdk.ts` in aliyun/Resource-Orchestration-Service-Cloud-Development-Kit).
 */
import * as fs from 'node:fs';
import {
  type Assembly,
  AssemblyError,
  type AssemblyStack,
  readAssembly,
  STACK_GROUP_TYPE,
  STACK_REGION_PARAMETER,
} from '../lib/assembly';
import { CodeManifestError } from '../lib/code/read';

/** The template parameter whose default names a stack's region (added by the region guard); lib/assembly's. */
export { STACK_REGION_PARAMETER };

export class DeployPlanError extends Error {
  override readonly name = 'DeployPlanError';
}

interface TemplateParameter {
  readonly NoEcho?: boolean;
  readonly Default?: unknown;
}

interface TemplateShape {
  readonly Parameters?: Record<string, TemplateParameter>;
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new DeployPlanError(`cannot read ${file}: ${(cause as Error).message}`, { cause });
  }
}

/**
 * The repository secret (and environment variable) that holds a NoEcho parameter's value: the parameter name in
 * upper snake case, e.g. `DingTalkWebhookUrl` → `DING_TALK_WEBHOOK_URL`, `MonitoringToken` → `MONITORING_TOKEN`.
 */
export function secretName(parameter: string): string {
  return parameter
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
    .toUpperCase();
}

function read(assemblyDir: string): Assembly {
  try {
    return readAssembly(assemblyDir);
  } catch (cause) {
    if (cause instanceof AssemblyError || cause instanceof CodeManifestError) {
      throw new DeployPlanError(cause.message, { cause });
    }
    throw cause;
  }
}

/** A stack that declares a stack group: the fleet stack (lib/fleet), deployed once, not per region. */
function isFleetStack(stack: AssemblyStack): boolean {
  return Object.values(stack.template.Resources ?? {}).some((r) => r.Type === STACK_GROUP_TYPE);
}

function regionOf(stack: AssemblyStack, what: string): string {
  if (stack.region === undefined || stack.region === '') {
    throw new DeployPlanError(
      `stack ${stack.name}: parameter ${STACK_REGION_PARAMETER} has default ${JSON.stringify(stack.region)}, expected a region id ` +
        `(only ${what}, which carry the region guard, can be deployed by this workflow)`,
    );
  }
  return stack.region;
}

/** The region stacks of an assembly and their regions, in the order of the manifest (read with lib/assembly). */
export function stackRegions(assemblyDir: string): { stack: string; region: string }[] {
  return read(assemblyDir)
    .stacks.filter((stack) => !isFleetStack(stack))
    .map((stack) => ({ stack: stack.name, region: regionOf(stack, 'region stacks and the fleet stack') }));
}

/** The fleet stack of an assembly, as `deploy-plan fleet` prints it. */
export type FleetDeployment =
  | { readonly configured: false }
  | {
      readonly configured: true;
      readonly stack: string;
      /** Where to deploy it: the default of its `StackRegion` parameter (the canary region). */
      readonly region: string;
      /** `fleet.codeSource`, from its code manifest (none: `inline`). */
      readonly codeSource: 'inline' | 'shared' | 'per-account';
      /** Whether `npm run assets:publish` must run before the deploy. */
      readonly publish: boolean;
    };

/** The fleet stack of an assembly (lib/fleet), or `{configured: false}` when it has none. */
export function fleetDeployment(assemblyDir: string): FleetDeployment {
  const fleets = read(assemblyDir).stacks.filter(isFleetStack);
  if (fleets.length === 0) return { configured: false };
  if (fleets.length > 1) {
    throw new DeployPlanError(
      `the assembly has ${fleets.length} stacks declaring a stack group (${fleets.map((s) => s.name).join(', ')}), expected at most one`,
    );
  }
  const [stack] = fleets;
  const codeSource = stack.code?.fleet?.codeSource ?? 'inline';
  return {
    configured: true,
    stack: stack.name,
    region: regionOf(stack, 'region stacks and the fleet stack'),
    codeSource,
    publish: codeSource !== 'inline',
  };
}

/** The `ros-cdk deploy` arguments for the NoEcho parameters of `template`, values taken from `env`. */
export function parameterArguments(
  template: object,
  env: Readonly<Record<string, string | undefined>>,
): { names: string[]; args: string[] } {
  const names = Object.entries((template as TemplateShape | null)?.Parameters ?? {})
    .filter(([, p]) => p.NoEcho === true)
    .map(([name]) => name)
    .sort();
  const missing = names.filter((name) => !env[secretName(name)]);
  if (missing.length > 0) {
    throw new DeployPlanError(
      `NoEcho parameter(s) without a value: ${missing.map((n) => `${n} (secret ${secretName(n)})`).join(', ')}; ` +
        'set the repository secret(s) and pass them to the deploy step, or turn the channel off',
    );
  }
  const args: string[] = [];
  for (const name of names) {
    const value = env[secretName(name)] as string;
    if (value.includes('\0')) throw new DeployPlanError(`secret ${secretName(name)} holds a NUL character`);
    args.push('--parameters', `${name}=${value}`);
  }
  return { names, args };
}

/** Reads a template file as JSON (for `parameters`). */
export function readTemplate(file: string): object {
  return readJson(file) as object;
}
