// Redirect URI matching: exact string comparison (RFC 9700 §4.1.3), with the one
// exception RFC 8252 §7.3 requires for native apps: a registered loopback IP
// URI (http://127.0.0.1/... or http://[::1]/..., registered without a port)
// matches the same URI with any port, since the app picks a free port at run time.
import type { Client } from '../db/generated/client.ts';

const LOOPBACK = new Set(['127.0.0.1', '[::1]']);

function withoutPort(uri: string): string | null {
  try {
    const url = new URL(uri);
    if (url.protocol !== 'http:' || !LOOPBACK.has(url.hostname) || !url.port) return null;
    url.port = '';
    return url.href;
  } catch {
    return null;
  }
}

export function redirectUriAllowed(client: Pick<Client, 'redirectUris'>, uri: string): boolean {
  if (client.redirectUris.includes(uri)) return true;
  const portless = withoutPort(uri);
  if (portless === null) return false;
  return client.redirectUris.some((r) => {
    try {
      const registered = new URL(r);
      return !registered.port && registered.href === portless;
    } catch {
      return false;
    }
  });
}
