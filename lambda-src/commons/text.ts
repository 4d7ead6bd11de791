/**
 * Escaping of untrusted text (anything that comes from the cloud or from an event: instance names, ids, types,
 * regions, descriptions) for the alert channels. Every formatting function that builds channel text puts each such
 * value through {@link markdownText} (markdown bodies) or {@link plainLine} (one-line titles); our own words and
 * markup are written around them.
 *
 * DingTalk's markdown is a small dialect (headings, quotes, bold, italics, links, images, lists) and documents no
 * escape character, so a backslash escape may be shown as is or ignored (UNCONFIRMED either way). Markup characters
 * are therefore replaced by their full-width look-alikes, which every renderer shows as plain text: a value reads
 * the same to a person but can never open a link (`[x](http://evil)`, `<a href>`, `<http://…>`), an image
 * (`![](…)`), emphasis, a table, or a new line that starts a heading, quote or list. `@` is replaced too: DingTalk
 * notifies people only through the message's `at` field, which we never send, but a value should not even look like
 * a mention. Bare URLs are broken (`://`, `www.`) so that no renderer auto-links them.
 * @see https://open.dingtalk.com/document/robots/custom-robot-access (message types, markdown subset, `at`)
 */

/** Longest value kept; longer ones are cut with `…` (an instance name is at most 128 characters). */
export const MAX_VALUE_CHARS = 300;

const FULL_WIDTH: Readonly<Record<string, string>> = {
  '\\': '＼',
  '`': '｀',
  '*': '＊',
  _: '＿',
  '~': '～',
  '#': '＃',
  '[': '［',
  ']': '］',
  '(': '（',
  ')': '）',
  '<': '＜',
  '>': '＞',
  '!': '！',
  '|': '｜',
  '@': '＠',
  '&': '＆',
};

// C0 and C1 controls, DEL, and the Unicode line and paragraph separators: anything that could end a line.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is replaced here
const LINE_BREAKING = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

/** One line of plain text: line breaks and control characters as one space, trimmed, cut at {@link MAX_VALUE_CHARS}. */
export function plainLine(value: string): string {
  const line = value.replace(LINE_BREAKING, ' ').trim();
  return line.length > MAX_VALUE_CHARS ? `${line.slice(0, MAX_VALUE_CHARS)}…` : line;
}

/**
 * An untrusted value as inert markdown: {@link plainLine}, then every markup character as its full-width look-alike,
 * and `://` / `www.` broken so that no URL is auto-linked.
 * @example markdownText('[x](http://evil)') // '［x］（http:／／evil）'
 */
export function markdownText(value: string): string {
  return plainLine(value)
    .replace(/[\\`*_~#[\]()<>!|@&]/g, (c) => FULL_WIDTH[c] ?? c)
    .replace(/:\/\//g, ':／／')
    .replace(/www\./gi, (m) => `${m.slice(0, 3)}．`);
}
