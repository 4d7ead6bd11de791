/** A string value cut to 80 characters for an error message. */
export function show(value: string): string {
  return value.length > 80 ? `${value.slice(0, 80)}...` : value;
}

/** A received value as an error message names it: its kind, or the (cut) string in quotes. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `"${show(value)}"`;
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}
