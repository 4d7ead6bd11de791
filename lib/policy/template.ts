import type { RosTemplate, TemplateResource } from './types';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The resources of `template` of `type`, as [logicalId, resource] pairs. */
export function resourcesOfType(template: RosTemplate, type: string): [string, TemplateResource][] {
  return Object.entries(template.Resources ?? {}).filter(([, r]) => r.Type === type);
}

/** Logical ids referenced anywhere in `value` through `Ref` or `Fn::GetAtt`. */
export function referencedIds(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(referencedIds);
  if (!isRecord(value)) return [];
  const found: string[] = [];
  if (typeof value.Ref === 'string' && !value.Ref.startsWith('ALIYUN::')) found.push(value.Ref);
  const getAtt = value['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') found.push(getAtt[0]);
  for (const [key, v] of Object.entries(value))
    if (key !== 'Ref' && key !== 'Fn::GetAtt') found.push(...referencedIds(v));
  return found;
}

/** Whether `value` is an intrinsic function (a value ROS computes at deploy time). */
export function isIntrinsic(value: unknown): boolean {
  return isRecord(value) && Object.keys(value).length === 1 && /^(Ref|Fn::)/.test(Object.keys(value)[0]);
}

/**
 * The least number `value` can be at deploy time: the number itself, or for a `Ref` to a template parameter (a stack
 * group's template takes per-region settings as parameters) the parameter's `MinValue`, else the least of its
 * `AllowedValues`; undefined when it cannot be known.
 */
export function leastNumber(template: RosTemplate, value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (!isRecord(value) || typeof value.Ref !== 'string') return undefined;
  const parameter = template.Parameters?.[value.Ref];
  if (!isRecord(parameter)) return undefined;
  if (typeof parameter.MinValue === 'number') return parameter.MinValue;
  const allowed = Array.isArray(parameter.AllowedValues) ? parameter.AllowedValues.map(Number) : [];
  return allowed.length > 0 && allowed.every(Number.isFinite) ? Math.min(...allowed) : undefined;
}

/** The statements of every inline policy of a RAM role resource. */
export function roleStatements(
  role: TemplateResource,
): { Action?: unknown; Resource?: unknown; Effect?: unknown; Condition?: unknown }[] {
  const policies = role.Properties?.Policies;
  if (!Array.isArray(policies)) return [];
  return policies.flatMap((p) => {
    const statements = isRecord(p) && isRecord(p.PolicyDocument) ? p.PolicyDocument.Statement : undefined;
    return Array.isArray(statements) ? statements.filter(isRecord) : [];
  });
}

export { isRecord };
