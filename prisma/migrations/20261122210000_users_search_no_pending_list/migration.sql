-- New users go straight into the search's trigram index instead of its pending
-- list. Every search scans the whole pending list, and autovacuum empties it
-- only after thousands of sign-ups: 200 pending users already cost a fifth of
-- Postgres's CPU per search. An insert now costs a little more instead.
ALTER INDEX "users_search_trgm_idx" SET (fastupdate = off);
