/**
 * Shapes of the Alibaba Cloud resource ids that appear in configuration. Ids are lowercase letters and digits after
 * a fixed prefix; real ids are 17 to 25 characters, so the bounds here are loose on purpose.
 */
export const ID_FORMATS = {
  instance: { label: 'an instance', pattern: /^i-[a-z0-9]{8,32}$/, example: 'i-bp1abcdefghij0123456' },
  vServerGroup: { label: 'a vServer group', pattern: /^rsp-[a-z0-9]{8,32}$/, example: 'rsp-bp1abcdefghij0123' },
  scalingGroup: { label: 'a scaling group', pattern: /^asg-[a-z0-9]{8,32}$/, example: 'asg-bp1abcdefghij0123' },
  disk: { label: 'a disk', pattern: /^d-[a-z0-9]{8,32}$/, example: 'd-bp1abcdefghij0123456' },
} as const;

/** The kinds of resource id the configuration knows. */
export type IdKind = keyof typeof ID_FORMATS;

/**
 * Why `value` is not a well-formed id of `kind`, or undefined when it is.
 *
 * @example idProblem('instance', 'sg-123') // 'expected an instance id like i-bp1abcdefghij0123456'
 */
export function idProblem(kind: IdKind, value: unknown): string | undefined {
  const format = ID_FORMATS[kind];
  if (typeof value === 'string' && format.pattern.test(value)) return undefined;
  const prefix = format.example.slice(0, format.example.indexOf('-') + 1);
  return `expected ${format.label} id like ${format.example} ("${prefix}" then 8 to 32 lowercase letters or digits)`;
}
