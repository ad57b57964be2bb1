-- A full coverage recompute builds its results beside the live ones
-- (server/src/modules/coverage/coverage.recompute.ts): footprints,
-- contributors and village results are staged in these tables from one
-- snapshot of the inventory, without the coverage lock, so that edits go on
-- meanwhile; only the final step (swap, then the edits made during the run
-- replayed incrementally) holds the lock. Unlogged: scratch space, rebuilt by
-- every run; a crash leaves them empty, which no reader depends on.
CREATE UNLOGGED TABLE IF NOT EXISTS coverage_build_footprints (
  id integer PRIMARY KEY,
  range_m real,
  model text,
  footprint geometry
);
--> statement-breakpoint
CREATE UNLOGGED TABLE IF NOT EXISTS coverage_build_contributors (
  kind text NOT NULL,
  source_id integer NOT NULL,
  site_id integer,
  technology text NOT NULL,
  carrier_id integer NOT NULL,
  reach geometry(Polygon, 4326) NOT NULL
);
--> statement-breakpoint
CREATE UNLOGGED TABLE IF NOT EXISTS coverage_build_results (
  village_id integer NOT NULL,
  technology text NOT NULL,
  carrier_id integer NOT NULL,
  covered_units integer NOT NULL,
  total_units integer NOT NULL,
  gap geometry(MultiPolygon, 4326)
);
--> statement-breakpoint
-- The sources an edit touched while a full recompute was building (the edit
-- takes the coverage lock, finds the build marker held, and logs here); the
-- full recompute's final step replays them on the swapped-in results and
-- deletes the rows it replayed.
CREATE TABLE IF NOT EXISTS coverage_pending_edits (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  sector_ids integer[] NOT NULL,
  site_ids integer[] NOT NULL,
  access_point_ids integer[] NOT NULL,
  route_ids integer[] NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
--> statement-breakpoint
-- An edit of a fibre route looks up the access points it feeds.
CREATE INDEX IF NOT EXISTS access_points_fibre_route_idx ON access_points (fibre_route_id) WHERE fibre_route_id IS NOT NULL;
