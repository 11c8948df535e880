// RFC 8707 §2: `resource` names the API a token is for; it becomes the `aud`.
import { InvalidTarget } from '../../http/errors.ts';

export function parseResource(raw: unknown): string | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (Array.isArray(raw)) {
    if (raw.length > 1) throw new InvalidTarget('only one resource per request is supported');
    return parseResource(raw[0]);
  }
  if (typeof raw !== 'string' || raw.length > 2000) throw new InvalidTarget('resource must be an absolute URI');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InvalidTarget('resource must be an absolute URI');
  }
  if (url.hash || raw.includes('#')) throw new InvalidTarget('resource must not have a fragment');
  return raw;
}
