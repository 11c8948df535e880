// Turns a service's HttpError into what a form page shows: one message per
// field (tied to its input with aria-describedby) and a summary.
import { HttpError } from '../../http/errors.ts';

export interface FormErrors {
  summary?: string;
  fields: Record<string, string>;
  strength?: { score: number; warning: string | null; suggestions: string[] };
}

/** null when `err` is not a 4xx the person can fix (let the error handler show it). */
export function formErrors(err: unknown, fallbackField?: string): FormErrors | null {
  if (!(err instanceof HttpError) || err.statusCode >= 500) return null;
  const fields: Record<string, string> = {};
  const details = (err.extra.details as Array<{ field: string; message: string }> | undefined) ?? [];
  for (const d of details) {
    const name = d.field.replace(/^body\./, '');
    fields[name] = fields[name] ? `${fields[name]} ${d.message}` : d.message;
  }
  if (!details.length && fallbackField) fields[fallbackField] = sentence(err.description);
  return { summary: sentence(err.description), fields, strength: err.extra.password_strength as FormErrors['strength'] };
}

function sentence(s: string): string {
  const t = s.replace(/^(new_password|password|email|code): /, '');
  return t.charAt(0).toUpperCase() + t.slice(1) + (/[.!?]$/.test(t) ? '' : '.');
}

export const STRENGTH_LABELS = ['Very weak', 'Weak', 'Fair', 'Strong', 'Very strong'];
