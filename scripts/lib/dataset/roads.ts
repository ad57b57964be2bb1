// The optional roads.geojson of a province folder (data/PROVINCE-FORMAT.md):
// loaded with the dataset, in its transaction, so that FTTH drop distances
// are measured along those roads (server/src/modules/coverage/coverage.roads.ts).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import { pgRunner } from '../../../server/src/modules/coverage/coverage.queries';
import { buildRoadNetwork, loadRoadFile, setRoadMode } from '../../../server/src/modules/coverage/coverage.roads';

/**
 * Loads `<dir>/roads.geojson` in place of any roads already loaded; without
 * the file, a reset leaves no roads (and the straight-line drop distance).
 * Returns the number of roads written.
 */
export async function loadProvinceRoads(client: pg.ClientBase, dir: string, metricSrid: number, reset: boolean, progress: (phase: string) => void): Promise<number> {
  const db = pgRunner(client as pg.Client);
  const file = join(dir, 'roads.geojson');
  if (existsSync(file)) {
    const summary = await loadRoadFile(db, readFileSync(file, 'utf8'), metricSrid, { replace: true, source: `${dir.split(/[\\/]/).pop() ?? 'province'}/roads.geojson` }, (m) => progress(`roads: ${m}`));
    return summary.inserted;
  }
  if (reset) {
    await db.query('DELETE FROM roads');
    await buildRoadNetwork(db, metricSrid);
    await setRoadMode(db, false);
  }
  return 0;
}
