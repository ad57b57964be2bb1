-- Locations as plain points beside their geometry, with a covering GiST index,
-- so that a coverage edit reads the locations near it from the index alone.
-- The edit reads every location in the boxes of the footprints it changes
-- (~500-750 at national scale). From the heap that cost ~41 page reads plus
-- ~12 of locations_geom_gix per edit on a cold cache (EXPLAIN BUFFERS over 100
-- random site edits): a location row is ~166 bytes (code, kind, timestamps…),
-- 47 to a page, and a box's rows straddle ~33 pages whatever the table order
-- (village order and Hilbert order measured the same). An entry of this index
-- is ~44 bytes (point, id, village, units), ~180 to a page, and PostGIS's
-- geometry GiST cannot return its key (it stores a float4 box), which is why
-- the point column: the built-in point's GiST returns it exactly (float8), so
-- an index-only scan serves the edit's read. Index-only scans need the
-- visibility map: the loaders VACUUM after loading.
ALTER TABLE "locations" ADD COLUMN "xy" "point" GENERATED ALWAYS AS (point(ST_X(geom), ST_Y(geom))) STORED NOT NULL;--> statement-breakpoint
CREATE INDEX "locations_xy_gix" ON "locations" USING gist ("xy") INCLUDE ("id", "village_id", "units");
