-- DropForeignKey
ALTER TABLE "refresh_tokens" DROP CONSTRAINT "refresh_tokens_replaced_by_id_fkey";

-- DropIndex
DROP INDEX "refresh_tokens_replaced_by_id_key";

-- Room on every page for the rotated version of a row: a refresh then updates
-- its token in place (HOT) instead of inserting into all five indexes again.
ALTER TABLE "refresh_tokens" SET (fillfactor = 80);
