import { resourcesOfType, roleStatements } from '../template';
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

/** No `*` or `service:*` action; `Resource: "*"` only for reads and the listed writes. */
export const ramLeastPrivilege: PolicyRule = {
  id: 'ram-least-privilege',
  description:
    'No RAM statement allows "*" or "service:*"; "Resource: *" only for reads and writes without resource-level permission.',
  check({ stack, template }) {
    const findings: Finding[] = [];
    for (const [id, role] of resourcesOfType(template, 'ALIYUN::RAM::Role')) {
      for (const statement of roleStatements(role)) {
        if (statement.Effect === 'Deny') continue;
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
