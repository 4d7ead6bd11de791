/**
 * Event times as Alibaba events carry them, parsed once for the handlers (lambda-src/commons/envelope.ts) and the
 * operator tools (ops/drill/archive.ts).
 */

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const CMS_TIME = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\.\d+)?([+-]\d{2})(\d{2})$/;
const ZONE_NAME_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?([A-Za-z][A-Za-z_/+-]*)$/;

/**
 * Parses the event time formats seen in Alibaba events, best effort:
 * RFC 3339 (`2020-11-19T21:04:41+08:00`), CMS compact (`20181226T220114.058+0800`) and ISO local time followed by
 * a time-zone name (`2020-08-17T16:04:46.149Asia/Shanghai`, `...179PRC`).
 *
 * @returns epoch milliseconds, or undefined when the string matches none of these.
 */
export function parseEventTime(time: string): number | undefined {
  if (RFC3339.test(time)) return Date.parse(time);
  const cms = CMS_TIME.exec(time);
  if (cms !== null) {
    const [, y, mo, d, h, mi, s, frac, oh, om] = cms;
    return Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}${frac ?? ''}${oh}:${om}`);
  }
  const zoned = ZONE_NAME_TIME.exec(time);
  if (zoned !== null) {
    const [, local, frac, zone] = zoned;
    const asUtc = Date.parse(`${local}${frac ?? ''}Z`);
    const offset = zoneOffsetMs(zone, asUtc);
    return offset === undefined ? undefined : asUtc - offset;
  }
  return undefined;
}

/**
 * The wall-clock fields (`year`, `month`, `day`, `hour`, `minute`, `second`, as two-digit text but the year) of an
 * instant in an IANA zone, via Intl (Node ships full ICU); undefined for a zone Intl does not know.
 *
 * `UTC` is computed without Intl: the first `Intl.DateTimeFormat` of a process loads ICU's time-zone data, about
 * 15 ms, which a handler would otherwise pay at every cold start for the default zone (measured by `npm run bench`).
 */
export function zoneParts(zone: string, instant: number): Record<string, string> | undefined {
  if (zone === 'UTC') return utcParts(instant);
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
  } catch {
    return undefined;
  }
  const parts: Record<string, string> = {};
  for (const part of format.formatToParts(instant)) parts[part.type] = part.value;
  return parts;
}

function utcParts(instant: number): Record<string, string> | undefined {
  const date = new Date(instant);
  if (Number.isNaN(date.getTime())) return undefined;
  const two = (n: number) => String(n).padStart(2, '0');
  return {
    year: String(date.getUTCFullYear()),
    month: two(date.getUTCMonth() + 1),
    day: two(date.getUTCDate()),
    hour: two(date.getUTCHours()),
    minute: two(date.getUTCMinutes()),
    second: two(date.getUTCSeconds()),
  };
}

/** Offset of an IANA zone from UTC at the given instant. */
function zoneOffsetMs(zone: string, instant: number): number | undefined {
  const parts = zoneParts(zone, instant);
  if (parts === undefined) return undefined;
  const [year, month, day, hour, minute, second] = ['year', 'month', 'day', 'hour', 'minute', 'second'].map((k) =>
    Number(parts[k]),
  );
  const wallClock = Date.UTC(year, month - 1, day, hour, minute, second);
  return wallClock - Math.floor(instant / 1000) * 1000;
}
