import { isRecord } from '../template';
import type { Finding, PolicyRule } from '../types';

/** Function resource types whose `EnvironmentVariables` anyone with read access to the function can see. */
const FUNCTION_TYPES = new Set(['ALIYUN::FC::Function', 'ALIYUN::FC3::Function']);

/** Parameters named in a `Fn::Sub` string: `${Name}`, not `${!Literal}` and not `${Resource.Attribute}`. */
function subReferences(text: string): string[] {
  return [...text.matchAll(/\$\{(?!!)([^}.]+)\}/g)].map((m) => m[1].trim());
}

/**
 * The parameters that `value` references, with where: `Ref`, and the `${Name}` of `Fn::Sub`, at any depth (inside
 * `Fn::Join`, `Fn::Sub` variable maps, `Fn::If`, …).
 */
export function parameterReferences(value: unknown, path: string): { name: string; path: string }[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => parameterReferences(v, `${path}[${i}]`));
  if (!isRecord(value)) return [];
  const found: { name: string; path: string }[] = [];
  for (const [key, v] of Object.entries(value)) {
    if (key === 'Ref' && typeof v === 'string') found.push({ name: v, path });
    else if (key === 'Fn::Sub') {
      const [text, variables] = Array.isArray(v) ? v : [v, undefined];
      const bound = isRecord(variables) ? Object.keys(variables) : [];
      if (typeof text === 'string') {
        for (const name of subReferences(text)) if (!bound.includes(name)) found.push({ name, path });
      }
      found.push(...parameterReferences(variables, `${path}.Fn::Sub`));
    } else found.push(...parameterReferences(v, `${path}.${key}`));
  }
  return found;
}

/**
 * No function's `EnvironmentVariables` references a `NoEcho` parameter, directly or inside an intrinsic: NoEcho hides
 * a value in ROS, but a function's configuration is readable by anyone with FC read access. A secret goes to a secret
 * store (an OOS secret parameter or a KMS secret); the function gets its name and reads it at run time.
 *
 * @see https://www.alibabacloud.com/help/en/ros/user-guide/parameters (NoEcho)
 */
export const noSecretInFunctionEnvironment: PolicyRule = {
  id: 'no-secret-in-function-environment',
  description:
    'No function environment variable references a NoEcho parameter; secrets are read from a secret store at run time.',
  check({ stack, template }) {
    const noEcho = new Set(
      Object.entries(template.Parameters ?? {})
        .filter(([, p]) => p.NoEcho === true || p.NoEcho === 'true')
        .map(([name]) => name),
    );
    const findings: Finding[] = [];
    if (noEcho.size === 0) return findings;
    for (const [id, resource] of Object.entries(template.Resources ?? {})) {
      if (!FUNCTION_TYPES.has(resource.Type)) continue;
      const environment = resource.Properties?.EnvironmentVariables;
      for (const ref of parameterReferences(environment, 'EnvironmentVariables')) {
        if (!noEcho.has(ref.name)) continue;
        findings.push({
          rule: this.id,
          stack,
          resource: id,
          message: `${ref.path} references the NoEcho parameter ${ref.name}: its value would be readable in the function configuration; keep it in a secret store (OOS secret parameter or KMS secret) and pass the secret's name`,
        });
      }
    }
    return findings;
  },
};
