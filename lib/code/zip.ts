import { zipSync } from 'fflate';

/**
 * The zip FC receives for a handler: one `index.js`, byte-identical on every machine.
 *
 * The entry time is a fixed local date (1980-01-01 00:00, the earliest a zip can hold): zip stores local calendar
 * fields, and a `Date` built from local fields gives the same fields in every time zone. The entry is marked as a
 * regular Unix file with mode 0644, as `zip` on Linux writes it, so FC's unpacking gives the runtime a readable file.
 *
 * @see https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT (4.4.2 version made by, 4.4.15 external attributes)
 */
export function zipHandlerCode(indexJs: Uint8Array): Buffer {
  const zipped = zipSync(
    { 'index.js': [indexJs, { mtime: new Date(1980, 0, 1, 0, 0, 0), os: 3, attrs: 0o100644 << 16 }] },
    { level: 9 },
  );
  return Buffer.from(zipped.buffer, zipped.byteOffset, zipped.byteLength);
}
