import { toEwkt } from '../imports/row-normalizer';
import type { RawGeometry } from '../imports/readers/types';

// Streaming writers: a header, one chunk per row, a footer. Rows are the
// caller's projected view of an object (camelCase fields, `geometry` GeoJSON).

export interface ExportWriter {
  contentType: string;
  extension: string;
  head(): string;
  row(row: Record<string, unknown>, index: number): string;
  tail(): string;
}

/**
 * A spreadsheet runs a cell that starts with = + - @ (or tab / carriage
 * return) as a formula; such text cells get a leading apostrophe (OWASP
 * "CSV injection"). The importer strips it again, so a round trip keeps the value.
 */
export function neutraliseCell(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (typeof value === 'string') text = neutraliseCell(text);
  return /[",\n\r;]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvWriter(columns: string[]): ExportWriter {
  const fields = columns.filter((c) => c !== 'geometry');
  const hasGeometry = columns.includes('geometry');
  return {
    contentType: 'text/csv; charset=utf-8',
    extension: 'csv',
    // A BOM so that Excel opens the UTF-8 Vietnamese text correctly.
    head: () => `\uFEFF${[...fields, ...(hasGeometry ? ['wkt'] : [])].join(',')}\n`,
    row: (row) => {
      const cells = fields.map((f) => csvCell(row[f]));
      if (hasGeometry) cells.push(row.geometry ? csvCell(toEwkt(row.geometry as RawGeometry).replace(/^SRID=4326;/, '')) : '');
      return `${cells.join(',')}\n`;
    },
    tail: () => '',
  };
}

export function geojsonWriter(): ExportWriter {
  return {
    contentType: 'application/geo+json; charset=utf-8',
    extension: 'geojson',
    head: () => '{"type":"FeatureCollection","features":[\n',
    row: (row, index) => {
      const { geometry, ...properties } = row;
      return `${index > 0 ? ',\n' : ''}${JSON.stringify({ type: 'Feature', id: properties.id, properties, geometry: geometry ?? null })}`;
    },
    tail: () => '\n]}\n',
  };
}

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function kmlGeometry(g: RawGeometry | null | undefined): string {
  if (!g) return '';
  const pos = (p: number[]) => `${p[0]},${p[1]}`;
  const line = (ps: number[][]) => ps.map(pos).join(' ');
  const polygon = (rings: number[][][]) =>
    `<Polygon><outerBoundaryIs><LinearRing><coordinates>${line(rings[0]!)}</coordinates></LinearRing></outerBoundaryIs>${rings
      .slice(1)
      .map((r) => `<innerBoundaryIs><LinearRing><coordinates>${line(r)}</coordinates></LinearRing></innerBoundaryIs>`)
      .join('')}</Polygon>`;
  const c = g.coordinates as never;
  switch (g.type) {
    case 'Point':
      return `<Point><coordinates>${pos(c)}</coordinates></Point>`;
    case 'LineString':
      return `<LineString><coordinates>${line(c)}</coordinates></LineString>`;
    case 'Polygon':
      return polygon(c);
    case 'MultiLineString':
      return `<MultiGeometry>${(c as number[][][]).map((l) => `<LineString><coordinates>${line(l)}</coordinates></LineString>`).join('')}</MultiGeometry>`;
    case 'MultiPolygon':
      return `<MultiGeometry>${(c as number[][][][]).map(polygon).join('')}</MultiGeometry>`;
    default:
      return '';
  }
}

/** KML 2.2, attributes as ExtendedData/Data (what the importer and Google Earth read). */
export function kmlWriter(layer: string): ExportWriter {
  return {
    contentType: 'application/vnd.google-earth.kml+xml; charset=utf-8',
    extension: 'kml',
    head: () => `<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>${xml(layer)}</name>\n`,
    row: (row) => {
      const { geometry, ...properties } = row;
      const data = Object.entries(properties)
        .filter(([, v]) => v !== null && v !== undefined)
        .map(([k, v]) => `<Data name="${xml(k)}"><value>${xml(typeof v === 'object' ? JSON.stringify(v) : String(v))}</value></Data>`)
        .join('');
      const name = String(properties.name ?? properties.code ?? properties.id ?? '');
      return `<Placemark><name>${xml(name)}</name><ExtendedData>${data}</ExtendedData>${kmlGeometry(geometry as RawGeometry)}</Placemark>\n`;
    },
    tail: () => '</Document></kml>\n',
  };
}

/**
 * Open Fibre Data Standard (v0.3) network package: access points as nodes,
 * fibre routes as spans. One network per export.
 */
export function ofdsWriter(kind: 'nodes' | 'spans', networkName: string): ExportWriter {
  return {
    contentType: 'application/json; charset=utf-8',
    extension: 'ofds.json',
    head: () => `{"networks":[{"id":"registry","name":${JSON.stringify(networkName)},"${kind}":[\n`,
    row: (row, index) => {
      const owner = row.ownerCarrierCode ? { name: row.ownerCarrierCode } : undefined;
      const status = row.status === 'active' ? 'operational' : row.status === 'decommissioned' ? 'decommissioned' : 'planned';
      const item =
        kind === 'nodes'
          ? { id: String(row.id), name: row.code, status, location: row.geometry, physicalInfrastructureProvider: owner, networkProviders: owner ? [owner] : [], accessPoint: true, power: false, technologies: ['fibre'] }
          : {
              id: String(row.id),
              name: row.code,
              status,
              route: row.geometry,
              physicalInfrastructureProvider: owner,
              networkProviders: owner ? [owner] : [],
              fibreQuantity: row.fibreCount,
              deployment: row.placement === 'aerial' ? 'aerial' : row.placement === 'direct_buried' ? 'belowGround' : 'belowGround',
              transmissionMedium: ['fibre'],
              countries: ['VN'],
            };
      return `${index > 0 ? ',\n' : ''}${JSON.stringify(item)}`;
    },
    tail: () => '\n]}]}\n',
  };
}
