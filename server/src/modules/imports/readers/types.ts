/** One feature or row as read from a file, before it is checked against an asset type. */
export interface RawRecord {
  /** Attribute values by the file's own header or property names. */
  properties: Record<string, unknown>;
  /** Geometry in the file's CRS when the format carries one (GeoJSON, KML, Shapefile). */
  geometry?: RawGeometry | null;
}

export interface RawGeometry {
  type: string;
  coordinates?: unknown;
  geometries?: RawGeometry[];
}

export interface ReaderMeta {
  /** CSV written by a Vietnamese-locale spreadsheet: `;` between fields, `,` as the decimal mark. */
  decimalComma: boolean;
  /** KML is WGS84 by definition, whatever CRS the user chose. */
  forcedCrs?: string;
  /** The CRS the file itself states (a Shapefile's .prj): applied instead of the one the user chose. */
  fileCrs?: string;
}

export type RecordSource = AsyncIterable<RawRecord>;
