// Dates in the console: ISO minutes in UTC, unambiguous for operators in any zone.
export const fmt = (iso: string | Date | null | undefined): string => {
  if (!iso) return '—';
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  return d.toISOString().slice(0, 16).replace('T', ' ');
};

/** a URL with the non-empty query values given (for pagination and filter links) */
export function withQuery(path: string, query: Record<string, unknown>): string {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '' && k !== 'page') sp.set(k, String(v));
  const s = sp.toString();
  return s ? `${path}?${s}` : path;
}

/** audit details as one line of JSON with spaces, so table cells can wrap */
export const detailsText = (details: unknown): string =>
  details ? JSON.stringify(details).replace(/,"/g, ', "').replace(/":/g, '": ').slice(0, 400) : '';
