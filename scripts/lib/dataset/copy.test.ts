// The COPY writer and the fast round7: byte for byte what the string forms
// gave, and points that PostGIS reads back exactly as it reads the WKT.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bringUpDatabase } from '../database';
import { copyLine, CopyPoint, copyRows } from './copy';
import { fmt, round7 } from './geo';
import { Rng } from './prng';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

describe('round7', () => {
  it('equals Number(v.toFixed(7)) on coordinates, exact ties and near ties', () => {
    const rng = new Rng(7, 0);
    const values: number[] = [0, -0, 1e-8, -1e-8, 5e-8, -5e-8, 106.12345675, 21.00000005, -179.99999995, 1e21, 5e-324, 399.99999995, 400.00000005];
    for (let i = 0; i < 200_000; i++) values.push(rng.range(-180, 180), rng.range(102, 110));
    for (let i = 0; i < 100_000; i++) {
      const k = Math.floor(rng.range(-1.8e9, 1.8e9));
      values.push((k + 0.5) / 1e7, (k + 0.4999995) / 1e7, (k + 0.5000005) / 1e7, k / 1e7);
    }
    const wrong = values.filter((v) => !Object.is(round7(v), Number(v.toFixed(7))));
    expect(wrong).toEqual([]);
  });
});

describe('copyLine', () => {
  it('writes integers, decimals, booleans, nulls, arrays and escapes as COPY text', () => {
    expect(copyLine([1, -42, 0, -0, 9007199254740991, 2.5, -0.125, 1e-7, true, false, null, undefined])).toBe('1\t-42\t0\t0\t9007199254740991\t2.5\t-0.125\t1e-7\tt\tf\t\\N\t\\N\n');
    expect(copyLine(['Thôn 1', 'a\tb\nc\rd\\e', ['x', 'y "z"']])).toBe('Thôn 1\ta\\tb\\nc\\rd\\\\e\t{"x","y \\\\"z\\\\""}\n'); // array literal, then COPY's own escaping
    expect(() => copyLine([Number.NaN])).toThrow(/non-finite/);
  });

  it('writes a point as little-endian hex EWKB with SRID 4326, rounded to 7 decimals', () => {
    // ST_AsEWKB('SRID=4326;POINT(106.1972706 21.3102154)') as PostGIS prints it.
    expect(copyLine([new CopyPoint(106.19727064, 21.31021536)])).toBe('0101000020E610000096DDDD14A08C5A402FB7C5466A4F3540\n');
  });
});

describe('points through COPY', () => {
  let client: pg.Client;
  beforeAll(async () => {
    const url = await bringUpDatabase({ database: 'registry_data_test_copy', projectRoot: root, fresh: true, url: process.env.DATASET_TEST_URL });
    client = new pg.Client({ connectionString: url });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
  });

  it('reads the hex EWKB as exactly the point the 7-decimal WKT gives', async () => {
    await client.query('CREATE TEMP TABLE pts (id int, wkt text, geom geometry(Point, 4326))');
    const rng = new Rng(11, 0);
    const rows: [number, string, CopyPoint][] = [];
    for (let i = 0; i < 20_000; i++) {
      const lon = rng.range(102, 110);
      const lat = rng.range(8, 24);
      rows.push([i, `SRID=4326;POINT(${fmt(lon)} ${fmt(lat)})`, new CopyPoint(lon, lat)]);
    }
    expect(await copyRows({ client }, 'pts', ['id', 'wkt', 'geom'], rows)).toBe(20_000);
    const r = await client.query<{ n: number; same: number }>(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE ST_AsEWKB(geom) = ST_AsEWKB(wkt::geometry))::int AS same FROM pts`,
    );
    expect(r.rows[0]).toEqual({ n: 20_000, same: 20_000 });
  });
});
