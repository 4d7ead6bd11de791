/**
 * The rule for endpoint overrides (`EEO_*_ENDPOINT`), shared by the handlers and the operator tools, which both send
 * signed requests and STS tokens to whatever endpoint they are given: `https://` to any host, or `http://` only to a
 * loopback host (tests and local runs against the fake cloud), as `scheme://host[:port]` without a path, query,
 * fragment or user info. Dependency-free: imported by lambda-src/ and lib/.
 */

/** What an endpoint override may be, for messages. */
export const ENDPOINT_ALLOWED =
  'https://host[:port], or http://host[:port] with a loopback host (127.0.0.0/8, localhost, [::1]), without a path';

/**
 * Whether a URL host is a loopback address: `localhost`, any address of 127.0.0.0/8, or `[::1]` (hostnames as
 * WHATWG `URL` normalises them: `http://127.1` and `http://0x7f.0.0.1` arrive here as `127.0.0.1`).
 */
export function isLoopbackHost(hostname: string): boolean {
  if (hostname === 'localhost' || hostname === '[::1]') return true;
  const octets = hostname.split('.');
  return (
    octets.length === 4 &&
    octets[0] === '127' &&
    octets.every((octet) => /^\d{1,3}$/.test(octet) && Number(octet) <= 255)
  );
}

/** Parses an endpoint override: the URL, or why it is refused (to be put after the variable and its value). */
export function parseEndpoint(raw: string): { readonly url: URL } | { readonly problem: string } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { problem: 'is not a URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { problem: `has scheme "${url.protocol}"` };
  if (url.pathname.length > 1 || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    return { problem: 'is not an endpoint URL (it has a path, query, fragment or user info)' };
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    return { problem: `uses http:// to the non-loopback host "${url.hostname}"` };
  }
  return { url };
}
