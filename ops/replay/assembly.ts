import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  type AssemblyStack as CloudAssemblyStack,
  readAssembly as readCloudAssembly,
  type TemplateResource,
} from '../../lib/assembly';
import type { CodeObject } from '../../lib/code/manifest';
import { CodeManifestError, unpackedCodeFolder } from '../../lib/code/read';
import { REGION_IDS } from '../../lib/config';
import { AssemblyError } from './errors';

/**
 * What replay makes of a cloud assembly (the `cdk.out` folder written by `npm run synth`): a layer over the one
 * assembly reader (lib/assembly), which reads the manifest, the templates and each stack's code manifest. Replay
 * interprets the templates: the rules of the default bus with their targets, and the functions with their code
 * folders (each function's `Code.OssObjectName` names a zip of the assembly, unpacked once into a temporary folder
 * to run).
 */

/** A rule target, as far as replay interprets it. */
export interface AssemblyTarget {
  /** Target `Id`. */
  readonly id: string;
  /** e.g. `acs.fc.function`, `acs.mns.queue`, `https`. */
  readonly type: string;
  /** ParamList `serviceName` / `functionName` of an `acs.fc.function` target. */
  readonly serviceName?: string;
  readonly functionName?: string;
  /** ParamList `Body` form; `ORIGINAL` (or unset) is the only one replay delivers. */
  readonly bodyForm?: string;
  /** `EXPONENTIAL_DECAY_RETRY` | `BACKOFF_RETRY` | undefined. */
  readonly pushRetryStrategy?: string;
  readonly hasDeadLetterQueue: boolean;
  /** `QueueName` of the target's dead-letter queue, when it is a queue of the stack (or a literal ARN). */
  readonly deadLetterQueue?: string;
}

/** An `ALIYUN::EventBridge::Rule` of the default bus. */
export interface AssemblyRule {
  readonly logicalId: string;
  readonly ruleName: string;
  readonly pattern: unknown;
  readonly targets: readonly AssemblyTarget[];
}

/** An `ALIYUN::FC::Function` whose code is an asset of the assembly. */
export interface AssemblyFunction {
  readonly serviceName: string;
  readonly functionName: string;
  /** Absolute path of the bundled handler file, e.g. `<tmp>/ecs-event-ops-code/<sha256>/index.js`. */
  readonly handlerFile: string;
  /** The exported function, `handler` for `index.handler`. */
  readonly handlerExport: string;
  /** `EnvironmentVariables` as synthesized: strings or ROS intrinsics (`Fn::GetAtt`, `Ref`, `Fn::Join`). */
  readonly environment: Readonly<Record<string, unknown>>;
  /** `AsyncConfiguration.MaxAsyncRetryAttempts`, when configured. */
  readonly maxAsyncRetryAttempts?: number;
  /** `AsyncConfiguration.Destination.OnFailure` is set. */
  readonly hasFailureDestination: boolean;
  /** `QueueName` of the MNS queue `OnFailure` points at, when it is a queue of the stack. */
  readonly failureQueue?: string;
}

/** One region stack, as replay interprets it. */
export interface AssemblyStack {
  readonly name: string;
  readonly region: string;
  readonly rules: readonly AssemblyRule[];
  readonly functions: readonly AssemblyFunction[];
  /** The template's resources, for resolving intrinsics. */
  readonly resources: Readonly<Record<string, TemplateResource>>;
}

type Json = Readonly<Record<string, unknown>>;

/** Runs `read`, reporting a damaged code manifest or zip as an {@link AssemblyError} (replay's failure class). */
function asAssemblyError<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof CodeManifestError) throw new AssemblyError(error.message, { cause: error });
    throw error;
  }
}

/**
 * The stacks of the assembly in `dir`, in manifest order, read with lib/assembly's `readAssembly` and interpreted
 * for replay.
 *
 * @throws AssemblyError naming the file and field when the assembly is not what `npm run synth` writes.
 */
export function readAssembly(dir: string): AssemblyStack[] {
  const assembly = asAssemblyError(() => readCloudAssembly(dir));
  const objects = new Map<string, CodeObject>();
  for (const stack of assembly.stacks) for (const object of stack.code?.objects ?? []) objects.set(object.key, object);
  const codeFolder = (key: string): string | undefined => {
    const object = objects.get(key);
    return object === undefined ? undefined : asAssemblyError(() => unpackedCodeFolder(assembly.dir, object));
  };
  return assembly.stacks.map((stack) => interpretStack(stack, codeFolder));
}

/** The region of a stack named `<namePrefix>-<region>`: the longest known region id the name ends with. */
export function regionOfStack(name: string): string | undefined {
  return [...REGION_IDS].sort((a, b) => b.length - a.length).find((region) => name.endsWith(`-${region}`));
}

/** The local folder of a code object, by object key; undefined when the assembly has no such object. */
type CodeFolder = (objectKey: string) => string | undefined;

function interpretStack(stack: CloudAssemblyStack, codeFolder: CodeFolder): AssemblyStack {
  const { name } = stack;
  // The stack's StackRegion parameter, else (an assembly without the region guard) the end of its name.
  const region = stack.region ?? regionOfStack(name);
  if (region === undefined) {
    throw new AssemblyError(`stack ${name}: the name does not end with a region id (<namePrefix>-<region>)`);
  }
  const resources = stack.template.Resources ?? {};
  const typeOf = (id: string) => resources[id]?.Type;
  const rules: AssemblyRule[] = [];
  const functions: AssemblyFunction[] = [];
  for (const [logicalId, resource] of Object.entries(resources)) {
    const props = resource.Properties ?? {};
    const where = `stack ${name}, resource ${logicalId}`;
    if (resource.Type === 'ALIYUN::EventBridge::Rule') {
      // Only the default bus receives the events ECS publishes; a disabled rule matches nothing.
      if ((props.EventBusName ?? 'default') !== 'default' || props.Status === 'DISABLE') continue;
      rules.push(readRule(logicalId, props, where, resources));
    } else if (resource.Type === 'ALIYUN::FC::Function') {
      functions.push(readFunction(props, where, codeFolder, (id) => typeOf(id) === 'ALIYUN::FC::Service', resources));
    }
  }
  return { name, region, rules, functions, resources };
}

/**
 * The `QueueName` of the `ALIYUN::MNS::Queue` an ARN value refers to: a `Fn::GetAtt` of the queue, possibly inside a
 * `Fn::Join` (FC's destination form `<queue ARN>/messages`), or the name in a literal `…/queues/<name>[/messages]`.
 */
export function queueNameOf(value: unknown, resources: Readonly<Record<string, TemplateResource>>): string | undefined {
  if (typeof value === 'string') return /\/queues\/([^/]+)/.exec(value)?.[1];
  if (!isRecord(value)) return undefined;
  const getAtt = value['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') {
    const queue = resources[getAtt[0]];
    const name = queue?.Type === 'ALIYUN::MNS::Queue' ? queue.Properties?.QueueName : undefined;
    return typeof name === 'string' ? name : undefined;
  }
  const join = value['Fn::Join'];
  if (Array.isArray(join) && Array.isArray(join[1])) {
    for (const part of join[1] as unknown[]) {
      const name = typeof part === 'string' ? undefined : queueNameOf(part, resources);
      if (name !== undefined) return name;
    }
  }
  return undefined;
}

function readRule(
  logicalId: string,
  props: Json,
  where: string,
  resources: Readonly<Record<string, TemplateResource>>,
): AssemblyRule {
  if (typeof props.RuleName !== 'string') throw new AssemblyError(`${where}: RuleName is not a string`);
  let pattern = props.FilterPattern;
  if (typeof pattern === 'string') {
    try {
      pattern = JSON.parse(pattern);
    } catch (error) {
      throw new AssemblyError(`${where}: FilterPattern is a string that is not JSON`, { cause: error });
    }
  }
  const targets = (Array.isArray(props.Targets) ? props.Targets : []).map((raw, i): AssemblyTarget => {
    const t = isRecord(raw) ? raw : {};
    const params = Array.isArray(t.ParamList) ? t.ParamList.filter(isRecord) : [];
    const param = (key: string) => params.find((p) => p.ResourceKey === key);
    const value = (key: string) => {
      const v = param(key)?.Value;
      return typeof v === 'string' ? v : undefined;
    };
    const form = param('Body')?.Form;
    return {
      id: typeof t.Id === 'string' ? t.Id : `target-${i + 1}`,
      type: typeof t.Type === 'string' ? t.Type : 'unknown',
      serviceName: value('serviceName'),
      functionName: value('functionName'),
      bodyForm: typeof form === 'string' ? form : undefined,
      pushRetryStrategy: typeof t.PushRetryStrategy === 'string' ? t.PushRetryStrategy : undefined,
      hasDeadLetterQueue: isRecord(t.DeadLetterQueue) && t.DeadLetterQueue.Arn !== undefined,
      deadLetterQueue: isRecord(t.DeadLetterQueue) ? queueNameOf(t.DeadLetterQueue.Arn, resources) : undefined,
    };
  });
  return { logicalId, ruleName: props.RuleName, pattern, targets };
}

function readFunction(
  props: Json,
  where: string,
  codeFolder: CodeFolder,
  isService: (id: string) => boolean,
  resources: Readonly<Record<string, TemplateResource>>,
): AssemblyFunction {
  if (typeof props.FunctionName !== 'string') throw new AssemblyError(`${where}: FunctionName is not a string`);
  // ServiceName is a Fn::GetAtt [<service>, ServiceName] in our templates; a plain string is accepted too.
  let serviceName: string | undefined;
  const service = props.ServiceName;
  if (typeof service === 'string') serviceName = service;
  else if (isRecord(service) && Array.isArray(service['Fn::GetAtt'])) {
    const [id] = service['Fn::GetAtt'] as unknown[];
    const serviceProps = typeof id === 'string' && isService(id) ? resources[id].Properties : undefined;
    if (isRecord(serviceProps) && typeof serviceProps.ServiceName === 'string') serviceName = serviceProps.ServiceName;
  }
  if (serviceName === undefined) {
    throw new AssemblyError(`${where}: ServiceName is neither a string nor a Fn::GetAtt to an ALIYUN::FC::Service`);
  }
  const code = isRecord(props.Code) ? props.Code : {};
  const object = typeof code.OssObjectName === 'string' ? code.OssObjectName : '';
  const folder = codeFolder(object);
  if (folder === undefined) {
    throw new AssemblyError(
      `${where}: Code.OssObjectName "${object}" names no code object of the assembly (none in its <stack>.code.json)`,
    );
  }
  const handler = typeof props.Handler === 'string' ? props.Handler : 'index.handler';
  const dot = handler.lastIndexOf('.');
  const handlerFile = path.join(folder, `${handler.slice(0, dot)}.js`);
  if (dot <= 0 || !fs.existsSync(handlerFile)) {
    throw new AssemblyError(`${where}: Handler "${handler}" has no file ${handlerFile}`);
  }
  const async = isRecord(props.AsyncConfiguration) ? props.AsyncConfiguration : undefined;
  const destination = async !== undefined && isRecord(async.Destination) ? async.Destination : undefined;
  return {
    serviceName,
    functionName: props.FunctionName,
    handlerFile,
    handlerExport: handler.slice(dot + 1),
    environment: isRecord(props.EnvironmentVariables) ? props.EnvironmentVariables : {},
    maxAsyncRetryAttempts: typeof async?.MaxAsyncRetryAttempts === 'number' ? async.MaxAsyncRetryAttempts : undefined,
    hasFailureDestination: destination?.OnFailure !== undefined,
    failureQueue: queueNameOf(destination?.OnFailure, resources),
  };
}

/** What intrinsics resolve to when replaying a stack. */
export interface ResolveContext {
  readonly stack: AssemblyStack;
  readonly accountId: string;
}

/**
 * Resolves a synthesized value for the local run: `Fn::GetAtt [<bucket>, Name]` becomes a fake bucket name
 * `<stack>-archive`, `Ref ALIYUN::Region` / `ALIYUN::AccountId` the stack's region and the world's account, `Fn::Join`
 * joins, anything else becomes a placeholder string naming the token.
 */
export function resolveValue(value: unknown, context: ResolveContext): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (isRecord(value)) {
    const getAtt = value['Fn::GetAtt'];
    if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') {
      const [id, attribute] = getAtt as [string, unknown];
      if (context.stack.resources[id]?.Type === 'ALIYUN::OSS::Bucket' && attribute === 'Name') {
        return `${context.stack.name}-archive`.toLowerCase();
      }
      return `replay-placeholder-${id}-${String(attribute)}`;
    }
    const ref = value.Ref;
    if (ref === 'ALIYUN::Region') return context.stack.region;
    if (ref === 'ALIYUN::AccountId') return context.accountId;
    if (typeof ref === 'string') return `replay-placeholder-${ref.replace(/[^A-Za-z0-9-]/g, '-')}`;
    const join = value['Fn::Join'];
    if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
      return (join[1] as unknown[]).map((part) => resolveValue(part, context)).join(join[0]);
    }
  }
  return 'replay-placeholder';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
