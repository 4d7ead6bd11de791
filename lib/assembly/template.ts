/** A ROS resource of a synthesized template, loosely typed for checks and tools. */
export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Readonly<Record<string, unknown>>;
  readonly Metadata?: Readonly<Record<string, unknown>>;
  readonly DependsOn?: unknown;
}

/**
 * A synthesized ROS template: the one template type of the repository (policy, diff, replay, rules report and the
 * operator tools read templates through {@link readAssembly}).
 * @see https://www.alibabacloud.com/help/en/ros/user-guide/template-structure
 */
export interface RosTemplate {
  readonly ROSTemplateFormatVersion?: string;
  readonly Description?: string;
  readonly Parameters?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly Resources?: Readonly<Record<string, TemplateResource>>;
  readonly Outputs?: Readonly<Record<string, unknown>>;
  readonly [section: string]: unknown;
}

/** The `Properties.<key>` strings of every resource of `type`, in template order (unresolved values skipped). */
export function resourceStrings(template: RosTemplate, type: string, key: string): string[] {
  return Object.values(template.Resources ?? {})
    .filter((resource) => resource.Type === type)
    .map((resource) => resource.Properties?.[key])
    .filter((value): value is string => typeof value === 'string');
}
