/**
 * Colour for people, never for machines: only when the stream is a terminal and `NO_COLOR` is unset or empty.
 * @see https://no-color.org/
 */

/** Text styles; each is the identity when colour is off. */
export interface Style {
  readonly enabled: boolean;
  readonly bold: (text: string) => string;
  readonly red: (text: string) => string;
  readonly green: (text: string) => string;
  readonly yellow: (text: string) => string;
  readonly dim: (text: string) => string;
}

/**
 * Whether to colour a stream: it is a TTY and `NO_COLOR` is absent or empty ("when present and not an empty
 * string", no-color.org).
 */
export function colourEnabled(stream: { readonly isTTY?: boolean }, env: Readonly<Record<string, string | undefined>>) {
  const noColor = env.NO_COLOR;
  if (noColor !== undefined && noColor !== '') return false;
  return stream.isTTY === true;
}

const sgr = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;
const identity = (text: string) => text;

/**
 * The styles for a stream.
 *
 * @example const style = createStyle(colourEnabled(process.stdout, process.env)); style.green('PASS')
 */
export function createStyle(enabled: boolean): Style {
  if (!enabled) return { enabled, bold: identity, red: identity, green: identity, yellow: identity, dim: identity };
  return { enabled, bold: sgr(1, 22), red: sgr(31, 39), green: sgr(32, 39), yellow: sgr(33, 39), dim: sgr(2, 22) };
}
