// Page-based pagination shared by every admin list: `?page=&per_page=` in,
// `{items, total, page, per_page}` out (DESIGN §5).
import { Type, type TSchema, type Static } from '@sinclair/typebox';

export const MAX_PER_PAGE = 100;

export const PageQuery = Type.Object({
  page: Type.Integer({ minimum: 1, maximum: 100_000, default: 1 }),
  per_page: Type.Integer({ minimum: 1, maximum: MAX_PER_PAGE, default: 20 }),
});
export type PageQuery = Static<typeof PageQuery>;

export const listOf = <T extends TSchema>(item: T) =>
  Type.Object({
    items: Type.Array(item),
    total: Type.Integer(),
    page: Type.Integer(),
    per_page: Type.Integer(),
  });

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  per_page: number;
}

export function pageArgs(q: { page?: number; per_page?: number }): { skip: number; take: number; page: number; per_page: number } {
  const page = Math.max(1, Math.floor(q.page ?? 1));
  const per_page = Math.min(MAX_PER_PAGE, Math.max(1, Math.floor(q.per_page ?? 20)));
  return { skip: (page - 1) * per_page, take: per_page, page, per_page };
}

/** Escapes LIKE wildcards so a search for `a_b` or `50%` matches literally. */
export function likeEscape(term: string): string {
  return term.replace(/[\\%_]/g, (c) => `\\${c}`);
}
