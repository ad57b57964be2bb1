-- Road footprints of access points kept between full recomputes
-- (coverage.roads.ts). Buffering an access point's reached roads costs
-- GEOS tens of milliseconds on a dense network, so a full recompute reuses
-- the footprint of every access point whose inputs are unchanged: key =
-- md5 of its geometry, the drop distance, the lateral drop, the arc step and
-- the metric SRID; the loader empties the table when it rebuilds the network.
-- Written only by the full build (one at a time); edits read it. Unlogged: a
-- crash empties it and the next full recompute fills it again.
CREATE UNLOGGED TABLE IF NOT EXISTS coverage_road_reach_cache (
  id integer PRIMARY KEY,
  key text NOT NULL,
  reach geometry(Polygon, 4326) NOT NULL
);
