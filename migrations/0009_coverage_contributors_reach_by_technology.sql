-- Reach indexes per kind of reach. The shared index on reach mixes the FTTH
-- drop discs (about three quarters of the rows at national scale, ~37 of the
-- ~60 reaches over a village's box) with the mobile footprints, so a lookup
-- for one technology (a village's gap, the contributors near an edit) fetched
-- every reach over the box from the heap and discarded the other kind after
-- the fact. The queries (coverage.queries.ts: byTechnologySql, the edit's
-- nearby contributors) branch on FTTH / mobile with the same predicates, so
-- each branch matches its partial index even under a generic plan. The shared
-- index stays for the lookups over every technology (what-if, full counts).
CREATE INDEX IF NOT EXISTS coverage_contributors_reach_ftth_gix ON coverage_contributors USING gist (reach) WHERE technology = 'FTTH';
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS coverage_contributors_reach_mobile_gix ON coverage_contributors USING gist (reach) WHERE technology IN ('4G', '5G');
