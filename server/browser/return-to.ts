// `return_to` may only name a path on this server: anything else would turn
// /login into an open redirector (RFC 9700 §4.11, OWASP unvalidated redirects).
// Refused: absolute URLs, scheme-relative `//evil.com`, `/\evil.com` (browsers
// read `\` as `/`), control characters, anything that resolves off-origin, and
// dot-segment tricks (`/.//evil.com`) whose normalised form is scheme-relative.
export const DEFAULT_RETURN_TO = '/account';

export function safeReturnTo(value: unknown, issuer: string): string | null {
  if (typeof value !== 'string' || value.length === 0 || value.length > 4096) return null;
  if (!value.startsWith('/') || value.startsWith('//')) return null;
  // eslint-disable-next-line no-control-regex
  if (/[\\\u0000-\u001f\u007f]/.test(value)) return null;
  let url: URL;
  try {
    url = new URL(value, issuer);
  } catch {
    return null;
  }
  if (url.origin !== new URL(issuer).origin) return null;
  const out = url.pathname + url.search;
  // dot segments can normalise into a scheme-relative URL: `/.//evil.com` → `//evil.com`
  if (out.startsWith('//') || out.includes('\\')) return null;
  return out;
}

export function returnToOrDefault(value: unknown, issuer: string): string {
  return safeReturnTo(value, issuer) ?? DEFAULT_RETURN_TO;
}
