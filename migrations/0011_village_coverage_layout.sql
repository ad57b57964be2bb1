-- A village's coverage rows (about 8.5 at national scale: any carrier and per
-- carrier, for 4G, 5G and FTTH) together on one heap page. An edit reads and
-- rewrites the rows of the ~10 villages around it; with the rows strewn over
-- the table by years of edits (the full recompute writes only the rows that
-- differ) a village's rows sat on ~7 pages, and on a cold cache the edit's
-- lookups read ~38 pages of village_coverage (national, EXPLAIN BUFFERS over
-- 100 random site edits) where ~9 do once the rows are in village order.
--  - fillfactor 70: an updated row (a new version: the gap's index rules out
--    HOT updates) finds room on its own page, so edits keep the order;
--  - CLUSTER: puts the existing rows in (village, technology, carrier) order
--    once; the full recompute's swap inserts new rows in that order
--    (coverage.build.ts: swapBuild). A DBA may re-run `CLUSTER village_coverage`
--    (it remembers the index) after heavy churn.
ALTER TABLE village_coverage SET (fillfactor = 70);
--> statement-breakpoint
CLUSTER village_coverage USING village_coverage_uq;
