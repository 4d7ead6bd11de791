import { AssemblyError, type RosTemplate, readAssembly as readCloudAssembly } from '../../lib/assembly';

export { AssemblyError };

/** A ROS template as the diff reads it: the one template type (lib/assembly). */
export type Template = RosTemplate;

/** The stacks of a cloud assembly: templates by stack name. */
export type AssemblyTemplates = ReadonlyMap<string, Template>;

/**
 * The template of every ROS stack of the cloud assembly in `dir`, by stack name, read by lib/assembly.
 *
 * @throws AssemblyError when the folder, its manifest.json or a template is missing or not valid JSON.
 * @example readAssembly('cdk.out').get('ecs-event-ops-cn-hangzhou')?.Resources
 */
export function readAssembly(dir: string): AssemblyTemplates {
  return new Map(readCloudAssembly(dir).stacks.map((stack) => [stack.name, stack.template]));
}
