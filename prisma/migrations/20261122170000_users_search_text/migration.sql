-- The admin users search: one trigram index over email and lowered name
-- (one index scan instead of two OR-ed). Prisma's schema cannot declare an
-- expression index; its diff leaves this one alone.
CREATE INDEX "users_search_trgm_idx" ON "users" USING GIN (("email_canonical" || ' ' || lower(coalesce("name", ''))) gin_trgm_ops);

-- DropIndex
DROP INDEX "users_email_canonical_trgm_idx";

-- DropIndex
DROP INDEX "users_name_trgm_idx";
