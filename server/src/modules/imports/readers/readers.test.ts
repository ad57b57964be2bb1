import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CRS_LIST } from '@registry/shared/crs/crs';
import { CsvSplitter, readCsvBatches } from './csv-reader';
import { FeatureSplitter, readGeoJsonBatches } from './geojson-reader';
import { crsFromPrj } from './shapefile-reader';
import type { RawRecord } from './types';

async function* chunks(text: string, size: number) {
  const bytes = Buffer.from(text, 'utf8');
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function all(source: AsyncIterable<RawRecord[]>): Promise<RawRecord[]> {
  const out: RawRecord[] = [];
  for await (const batch of source) out.push(...batch);
  return out;
}

describe('GeoJSON feature splitter', () => {
  const doc = {
    type: 'FeatureCollection',
    name: 'a "features" name with } and ] and \\',
    crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:OGC:1.3:CRS84' } },
    bbox: [105.9, 21.1, 106.9, 21.6],
    features: [
      { type: 'Feature', id: 7, properties: { code: 'A-1', note: 'braces { } [ ] and "quotes" and \\ and ü đ' }, geometry: { type: 'Point', coordinates: [106.2, 21.3] } },
      { type: 'Feature', properties: { code: 'A-2', nested: { features: [1, 2] } }, geometry: { type: 'LineString', coordinates: [[106.2, 21.3], [106.3, 21.4]] } },
      { type: 'Feature', properties: null, geometry: null },
    ],
    after: { features: 'not these' },
  };
  const text = JSON.stringify(doc, null, 1);

  it('finds every feature whatever the chunk boundaries, skipping other members of the root', () => {
    for (let cut = 1; cut < text.length; cut += 1) {
      const splitter = new FeatureSplitter();
      const found = [...splitter.push(text.slice(0, cut)), ...splitter.push(text.slice(cut))];
      splitter.end();
      expect(found.map((f) => JSON.parse(f))).toEqual(doc.features);
    }
  });

  it('streams records with the feature id as a property, from bytes split inside multi-byte letters', async () => {
    const records = await all(readGeoJsonBatches(chunks(text, 7)));
    expect(records).toHaveLength(3);
    expect(records[0]!.properties).toMatchObject({ code: 'A-1', id: 7 });
    expect(records[0]!.properties.note).toContain('ü đ');
    expect(records[2]).toEqual({ properties: {}, geometry: null });
  });

  it('refuses documents that are not a FeatureCollection or end early', async () => {
    await expect(all(readGeoJsonBatches(chunks('[1, 2]', 4)))).rejects.toThrow(/not a FeatureCollection/);
    await expect(all(readGeoJsonBatches(chunks('{"type": "FeatureCollection"}', 4)))).rejects.toThrow(/no "features"/);
    await expect(all(readGeoJsonBatches(chunks(text.slice(0, text.length - 40), 16)))).rejects.toThrow(/ends early/);
    await expect(all(readGeoJsonBatches(chunks('{"features": [{"a": 1,}]}', 8)))).rejects.toThrow(/feature 1/);
  });
});

describe('CSV splitter', () => {
  const text = 'code;name;note\r\nA-1; Trạm Đông ;"a ""quoted""; value\r\nwith a line break"\r\n\r\nA-2;Tây;plain\nA-3;"";\n';

  it('reads quotes, doubled quotes, line breaks in quotes and CRLF, at any chunk boundary', () => {
    for (let cut = 1; cut < text.length; cut += 1) {
      const splitter = new CsvSplitter(';');
      const rows = [...splitter.push(text.slice(0, cut), false), ...splitter.push(text.slice(cut), true)];
      expect(rows).toEqual([
        ['code', 'name', 'note'],
        ['A-1', 'Trạm Đông', 'a "quoted"; value\r\nwith a line break'],
        ['A-2', 'Tây', 'plain'],
        ['A-3', '', ''],
      ]);
    }
  });

  it('streams records by header, detects the delimiter and a decimal comma, and drops a BOM', async () => {
    const meta = { decimalComma: false };
    const records = await all(readCsvBatches(chunks('\uFEFF' + text, 5), meta));
    expect(meta.decimalComma).toBe(true);
    expect(records.map((r) => r.properties.code)).toEqual(['A-1', 'A-2', 'A-3']);
    expect(Object.keys(records[0]!.properties)).toEqual(['code', 'name', 'note']);
  });

  it('uses fixed headers when the first line is already data', async () => {
    const records = await all(readCsvBatches(chunks('GSM,452,4\nLTE,452,2\n', 3), { decimalComma: false }, (first) => (first[0] === 'GSM' ? ['radio', 'mcc', 'net'] : null)));
    expect(records.map((r) => r.properties)).toEqual([
      { radio: 'GSM', mcc: '452', net: '4' },
      { radio: 'LTE', mcc: '452', net: '2' },
    ]);
  });
});

describe('Shapefile .prj', () => {
  // The WKT as GDAL writes it: ESRI flavour in a .prj (names only, no authority), OGC WKT1 and WKT2 (with the EPSG code).
  const wkt = (format: string, code: string) => execFileSync('gdalsrsinfo', ['-o', format, code], { encoding: 'utf8' }).trim();
  const esri = (code: string) => wkt('wkt_esri', code).replace(/\s+/g, '');

  it('maps the WKT of every supported CRS to its EPSG code, by name in the ESRI flavour, and by authority in WKT1/WKT2', () => {
    for (const crs of CRS_LIST) expect(crsFromPrj(esri(crs.code)).code, `${crs.code} (ESRI)`).toBe(crs.code);
    for (const code of ['EPSG:4326', 'EPSG:4756', 'EPSG:3405', 'EPSG:9214']) {
      expect(crsFromPrj(wkt('wkt1', code)).code, `${code} (WKT1)`).toBe(code);
      expect(crsFromPrj(wkt('wkt2', code)).code, `${code} (WKT2)`).toBe(code);
    }
  });

  it('refuses an unsupported CRS, a central meridian that disagrees with the name, and text that is not WKT', () => {
    expect(() => crsFromPrj(wkt('wkt1', 'EPSG:3857'))).toThrow(/Pseudo-Mercator.*does not convert/);
    expect(() => crsFromPrj(wkt('wkt1', 'EPSG:4124'))).toThrow(/does not convert/);
    const shifted = esri('EPSG:9214').replace('PARAMETER["Central_Meridian",107.0]', 'PARAMETER["Central_Meridian",107.5]');
    expect(shifted).not.toBe(esri('EPSG:9214'));
    expect(() => crsFromPrj(shifted)).toThrow(/central meridian 107.5/);
    expect(() => crsFromPrj('EPSG:4326')).toThrow(/not a WKT/);
  });
});
