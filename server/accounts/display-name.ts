// A person's display name as typed: NFC (one stored form for "Zoë" however it
// was composed), trimmed, at most 200 characters, and free of control
// characters and lone surrogates (Postgres refuses NUL; the others hide text).
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export type NameCheck = { ok: true; name: string | null } | { ok: false; message: string };

export function cleanDisplayName(raw: string | null | undefined): NameCheck {
  const name = (raw ?? '').normalize('NFC').trim();
  if (!name) return { ok: true, name: null };
  if (FORBIDDEN.test(name)) return { ok: false, message: 'Use letters, digits, spaces and punctuation only.' };
  if ([...name].length > 200) return { ok: false, message: 'Use at most 200 characters.' };
  return { ok: true, name };
}
