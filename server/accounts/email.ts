// Email normalisation: trim, lower-case the domain (the local part is kept for
// display), and a canonical lower-case form for unique, case-insensitive lookup.
export function normalizeEmail(raw: string): string {
  const email = raw.trim().normalize('NFC');
  const at = email.lastIndexOf('@');
  if (at < 1) return email;
  return email.slice(0, at) + '@' + email.slice(at + 1).toLowerCase();
}

export function canonicalEmail(raw: string): string {
  return normalizeEmail(raw).toLowerCase();
}

// RFC 5321 limits; deliberately simple: the verification mail is the real check
const EMAIL = /^[^\s@<>()[\]\\,;:"]{1,64}@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:".]{2,}$/u;

export function isValidEmail(raw: string): boolean {
  const e = normalizeEmail(raw);
  return e.length <= 254 && EMAIL.test(e);
}
