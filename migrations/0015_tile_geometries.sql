-- Vector tiles (tiles.queries.ts) read what they used to compute per row and
-- per tile, measured on the national dataset (EXPLAIN ANALYZE, generic plans):
--  - sites.geom3857, villages.boundary3857: the geometry in Web Mercator, kept
--    by the database (ST_Transform is IMMUTABLE). Projecting costs ~5 µs a
--    point and ~10 µs a village: ~120 ms of a z7 site tile's 24,000 points,
--    ~70 ms of a z8 village tile's 7,000 villages. No writer changes: generated.
--  - village_coverage_any_idx: a village's any-carrier rows (share,
--    meets_target by technology) from the index alone. The table is ~2x
--    shared_buffers at national scale, and reading the three rows from the
--    heap was ~20 of a dense z12 village tile's ~37 ms.
ALTER TABLE "sites" ADD COLUMN "geom3857" geometry(Point, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED NOT NULL;--> statement-breakpoint
ALTER TABLE "villages" ADD COLUMN "boundary3857" geometry(MultiPolygon, 3857) GENERATED ALWAYS AS (ST_Transform(boundary, 3857)) STORED NOT NULL;--> statement-breakpoint
CREATE INDEX "village_coverage_any_idx" ON "village_coverage" USING btree ("village_id") INCLUDE ("technology", "share", "meets_target") WHERE carrier_id IS NULL;
