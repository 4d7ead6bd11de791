import { createHash } from 'node:crypto';
import {
  AssemblyError,
  type AssemblyStack,
  type RosTemplate,
  readAssembly as readCloudAssembly,
  STACK_GROUP_TYPE,
} from '../../lib/assembly';

export { AssemblyError };

/** A ROS template as the diff reads it: the one template type (lib/assembly). */
export type Template = RosTemplate;

/** The stacks of a cloud assembly: templates by stack name. */
export type AssemblyTemplates = ReadonlyMap<string, Template>;

/**
 * What the diff shows in place of a stack group's inline `TemplateBody`: the name under which the template itself is
 * compared (`<stack>-template`), and its digest, so that a change to it is one short path on the group resource and
 * the details are in the template's own section.
 */
export interface GroupTemplateMarker {
  readonly GroupTemplate: string;
  readonly Sha256: string;
}

/** Whether `value` is a {@link GroupTemplateMarker}. */
export function isGroupTemplateMarker(value: unknown): value is GroupTemplateMarker {
  const v = value as Partial<GroupTemplateMarker> | null;
  return typeof v === 'object' && v !== null && typeof v.GroupTemplate === 'string' && typeof v.Sha256 === 'string';
}

/** The names of the stack groups' templates among `templates` (those a {@link GroupTemplateMarker} points at). */
export function groupTemplateNames(templates: AssemblyTemplates): Set<string> {
  const names = new Set<string>();
  for (const template of templates.values()) {
    for (const resource of Object.values(template.Resources ?? {})) {
      const body = resource.Type === STACK_GROUP_TYPE ? resource.Properties?.TemplateBody : undefined;
      if (isGroupTemplateMarker(body)) names.add(body.GroupTemplate);
    }
  }
  return names;
}

/** The template of a stack that declares stack groups, with each group's body replaced by its marker. */
function withMarkers(stack: AssemblyStack, groups: readonly AssemblyStack[]): Template {
  const mine = groups.filter((g) => g.groupOf?.stack === stack.name);
  if (mine.length === 0) return stack.template;
  const resources = { ...(stack.template.Resources ?? {}) };
  for (const group of mine) {
    const id = group.groupOf?.logicalId ?? '';
    const resource = resources[id];
    if (resource === undefined) continue;
    const marker: GroupTemplateMarker = {
      GroupTemplate: group.name,
      Sha256: createHash('sha256').update(JSON.stringify(group.template)).digest('hex'),
    };
    resources[id] = { ...resource, Properties: { ...resource.Properties, TemplateBody: marker } };
  }
  return { ...stack.template, Resources: resources };
}

/**
 * The template of every ROS stack of the cloud assembly in `dir`, by stack name, read by lib/assembly; the template
 * each stack group deploys is one more entry (`<stack>-template`), and the group's own `TemplateBody` is replaced by
 * a {@link GroupTemplateMarker}.
 *
 * @throws AssemblyError when the folder, its manifest.json or a template is missing or not valid JSON.
 * @example readAssembly('cdk.out').get('ecs-event-ops-cn-hangzhou')?.Resources
 */
export function readAssembly(dir: string): AssemblyTemplates {
  const stacks = readCloudAssembly(dir, { groupTemplates: true }).stacks;
  const groups = stacks.filter((s) => s.groupOf !== undefined);
  return new Map(
    stacks.map((stack) => [stack.name, stack.groupOf !== undefined ? stack.template : withMarkers(stack, groups)]),
  );
}
