import { isRecord, resourcesOfType, roleStatements } from '../template';
import type { Finding, PolicyRule } from '../types';

/**
 * Write actions allowed on `Resource: "*"` because the API has no resource-level permission, each with its source.
 * Reads (`Describe*`, `List*`, `Get*`, `Query*`) may use `*`: several, like ecs:DescribeInstances, have no
 * resource-level permission, and they change nothing.
 */
export const WILDCARD_RESOURCE_WRITES: Readonly<Record<string, string>> = {
  // No write action of this project needs it today. Add an entry, with the API reference page that says the action
  // has no resource-level permission, when one does.
};

const READ = /^[a-z0-9-]+:(Describe|List|Get|Query)/;

/** A condition key on the tags of the requested resource: `acs:ResourceTag/<key>`, or the older `<service>:tag/<key>`. */
const RESOURCE_TAG_KEY = /^(acs:ResourceTag|[a-z0-9-]+:tag)\//;

/**
 * Problems of an Allow statement's `Condition`: a resource-tag key under a negated operator (`StringNotEquals`,
 * `StringNotLike`…) allows every resource that lacks the tag, the opposite of a tag scope; a key with no value never
 * matches, so the statement grants nothing and hides a mistake.
 * @see https://www.alibabacloud.com/help/en/ram/conditional-operator
 */
function conditionProblems(condition: unknown): string[] {
  if (condition === undefined) return [];
  if (!isRecord(condition)) return [`Condition ${JSON.stringify(condition)} is not an object of operators`];
  const problems: string[] = [];
  for (const [operator, keys] of Object.entries(condition)) {
    if (!isRecord(keys)) {
      problems.push(`condition ${operator} ${JSON.stringify(keys)} is not an object of condition keys`);
      continue;
    }
    for (const [key, value] of Object.entries(keys)) {
      if (RESOURCE_TAG_KEY.test(key) && operator.includes('Not')) {
        problems.push(
          `condition ${operator} "${key}" allows every resource without that tag; scope to the tag with StringEquals`,
        );
      }
      const values = ([] as unknown[]).concat(value);
      if (values.length === 0 || values.some((v) => v === '' || v === null)) {
        problems.push(`condition ${operator} "${key}" has no value, so the statement never applies`);
      }
    }
  }
  return problems;
}

/** No `*` or `service:*` action; `Resource: "*"` only for reads and the listed writes. */
export const ramLeastPrivilege: PolicyRule = {
  id: 'ram-least-privilege',
  description:
    'No RAM statement allows "*" or "service:*"; "Resource: *" only for reads and writes without resource-level permission; conditions narrow (no negated resource-tag condition, no empty value).',
  check({ stack, template }) {
    const findings: Finding[] = [];
    for (const [id, role] of resourcesOfType(template, 'ALIYUN::RAM::Role')) {
      for (const statement of roleStatements(role)) {
        if (statement.Effect === 'Deny') continue;
        for (const problem of conditionProblems(statement.Condition)) {
          findings.push({ rule: this.id, stack, resource: id, message: problem });
        }
        const actions = ([] as unknown[]).concat(statement.Action ?? []).map(String);
        const resources = ([] as unknown[]).concat(statement.Resource ?? []);
        for (const action of actions) {
          if (action === '*' || /^[a-z0-9-]+:\*$/i.test(action)) {
            findings.push({
              rule: this.id,
              stack,
              resource: id,
              message: `action "${action}" grants every action; name the actions`,
            });
          } else if (resources.includes('*') && !READ.test(action) && WILDCARD_RESOURCE_WRITES[action] === undefined) {
            findings.push({
              rule: this.id,
              stack,
              resource: id,
              message: `write action "${action}" on Resource "*"; scope it to ARNs`,
            });
          }
        }
      }
    }
    return findings;
  },
};
