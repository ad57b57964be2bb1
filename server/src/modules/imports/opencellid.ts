import {
  IMPORT_ASSET_SPECS,
  OPENCELLID_COLUMNS,
  OPENCELLID_DEFAULTS,
  OPENCELLID_MCC,
  OPENCELLID_RADIO,
  OPENCELLID_SITE_RADIUS_M,
  type ImportAssetSpec,
  type ImportRowError,
} from '@registry/shared/schemas/imports';
import { placeAgainstExtent, type BBox } from '@registry/shared/geo/geometry';
import { reasonMessage, type Locale } from '@registry/shared/messages';
import type { RawRecord } from './readers/types';
import type { NormalizerStats, StagedRow } from './row-normalizer';

/**
 * OpenCelliD rows are staged as sectors: the sectors spec plus the two
 * provenance columns, so the generic dry run and commit write them.
 */
export const OPENCELLID_SPEC: ImportAssetSpec = {
  ...IMPORT_ASSET_SPECS.sectors,
  fields: [
    ...IMPORT_ASSET_SPECS.sectors.fields,
    { name: 'synthetic', type: 'boolean', aliases: [], defaultValue: true },
    { name: 'synthetic_method', type: 'text', aliases: [], defaultValue: OPENCELLID_DEFAULTS.sourceMethod },
  ],
};

/** The header line, or null when the first line is already a cell (the per-country files have no header). */
export function openCellIdHeaders(firstRow: string[]): string[] | null {
  const first = (firstRow[0] ?? '').trim().toUpperCase();
  return first in OPENCELLID_RADIO || first === 'CDMA' ? [...OPENCELLID_COLUMNS] : null;
}

export interface OpenCellIdCarrier {
  id: number;
  code: string;
}

export interface OpenCellIdOptions {
  /** MNC (two digits) → carrier, from carriers.mobile_network_codes. */
  carriersByMnc: Map<string, OpenCellIdCarrier>;
  /** Set for carrier users: cells of any other carrier are row errors. */
  ownCarrierId: number | null;
  extent: BBox | null;
  locale: Locale;
  radiusM?: number;
}

const METRES_PER_DEGREE_LAT = 110_574;
const METRES_PER_DEGREE_LON_EQUATOR = 111_320;

interface Cluster {
  code: string;
  x: number;
  y: number;
  lon: number;
  lat: number;
}

/**
 * Cells → staged sector rows, grouping them into sites as they stream:
 * a cell joins the first site of its carrier (in file order) whose anchor —
 * the position of the site's first cell — is within the radius, else it
 * starts a new site. A spatial hash of radius-sized cells keeps each lookup to
 * the nine neighbouring cells. Sites are per carrier: OpenCelliD positions are
 * estimates, and two carriers' cells near each other do not show a shared
 * mast, so no tenancy is inferred across carriers. A site's code is
 * `OCID-<mnc>-<lat>-<lon>` of its anchor (5 decimals), so the same file
 * imported again finds the same sites.
 */
export function createOpenCellIdNormalizer(options: OpenCellIdOptions) {
  const radius = options.radiusM ?? OPENCELLID_SITE_RADIUS_M;
  const clusters = new Map<string, Cluster[]>();
  const stats: NormalizerStats = { unknownHeaders: new Set(), outsideSamples: [], outsideCount: 0, geometryCount: 0 };
  let cosLat0 = 0;

  const error = (path: string, reason: string, detail?: string): ImportRowError => ({
    path,
    reason,
    message: detail ? `${reasonMessage(reason, options.locale)}: ${detail}` : reasonMessage(reason, options.locale),
  });

  function siteFor(carrierId: number, mnc: string, lon: number, lat: number): Cluster {
    if (cosLat0 === 0) cosLat0 = Math.cos((lat * Math.PI) / 180);
    // Local equirectangular metres: good to well under a metre over a province.
    const x = lon * METRES_PER_DEGREE_LON_EQUATOR * cosLat0;
    const y = lat * METRES_PER_DEGREE_LAT;
    const gx = Math.floor(x / radius);
    const gy = Math.floor(y / radius);
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        const bucket = clusters.get(`${carrierId}:${gx + dx}:${gy + dy}`);
        if (!bucket) continue;
        for (const c of bucket) if ((c.x - x) ** 2 + (c.y - y) ** 2 <= radius * radius) return c;
      }
    }
    const cluster: Cluster = { code: `OCID-${mnc}-${lat.toFixed(5)}-${lon.toFixed(5)}`, x, y, lon, lat };
    const key = `${carrierId}:${gx}:${gy}`;
    const bucket = clusters.get(key);
    if (bucket) bucket.push(cluster);
    else clusters.set(key, [cluster]);
    return cluster;
  }

  function normalize(raw: RawRecord, rowNo: number): StagedRow {
    const p = raw.properties;
    const text = (name: string) => String(p[name] ?? '').trim();
    const errors: ImportRowError[] = [];
    const data: Record<string, unknown> = {};
    if (Object.values(p).every((v) => v === '' || v === null || v === undefined)) {
      return { rowNo, code: null, carrierCode: null, carrierId: null, data, ewkt: null, errors, blank: true };
    }

    const radio = text('radio').toUpperCase();
    const technology = OPENCELLID_RADIO[radio];
    if (!technology) errors.push(error('radio', 'invalid_value', `${radio} ∉ {${Object.keys(OPENCELLID_RADIO).join(', ')}}`));

    const mcc = text('mcc');
    if (mcc !== OPENCELLID_MCC) errors.push(error('mcc', 'invalid_value', `${mcc}: only MCC ${OPENCELLID_MCC} (Viet Nam) is imported`));
    const net = text('net');
    const mnc = /^\d{1,3}$/.test(net) ? net.padStart(2, '0') : null;
    let carrier: OpenCellIdCarrier | undefined;
    if (!mnc) errors.push(error('net', 'invalid_format', net));
    else {
      carrier = options.carriersByMnc.get(mnc);
      if (!carrier) errors.push(error('net', 'unknown_reference', `MNC ${mnc} is no carrier's mobile network code`));
      else if (options.ownCarrierId !== null && carrier.id !== options.ownCarrierId) errors.push(error('carrier', 'other_carrier', `${carrier.code} (MNC ${mnc})`));
    }

    const area = text('area');
    const cell = text('cell');
    if (!/^\d+$/.test(area)) errors.push(error('area', 'invalid_format', area));
    if (!/^\d+$/.test(cell)) errors.push(error('cell', 'invalid_format', cell));
    const cellIdentity = `${mcc}-${mnc ?? net}-${area}-${cell}`;

    const lon = Number(text('lon'));
    const lat = Number(text('lat'));
    let ewkt: string | null = null;
    let siteCode: string | null = null;
    if (!Number.isFinite(lon) || !Number.isFinite(lat) || text('lon') === '' || text('lat') === '' || Math.abs(lon) > 180 || Math.abs(lat) > 90) {
      errors.push(error('geometry', 'coordinates_out_of_range', `${text('lon')}, ${text('lat')}`));
    } else {
      stats.geometryCount += 1;
      const place = options.extent ? placeAgainstExtent({ type: 'Point', coordinates: [lon, lat] }, options.extent) : 'inside';
      if (place !== 'inside') {
        errors.push(error('geometry', place === 'swapped' ? 'swapped_coordinates' : 'outside_province'));
        stats.outsideCount += 1;
      } else if (carrier && mnc) {
        const site = siteFor(carrier.id, mnc, lon, lat);
        siteCode = site.code;
        // The staged geometry is the site's position, for the sites the commit creates.
        ewkt = `SRID=4326;POINT(${site.lon} ${site.lat})`;
      }
    }

    data.code = cellIdentity;
    if (siteCode) data.site_code = siteCode;
    if (technology) {
      data.technology = technology;
      data.band_mhz = OPENCELLID_DEFAULTS.bandMhz[technology];
    }
    data.azimuth_deg = OPENCELLID_DEFAULTS.azimuthDeg;
    data.beamwidth_deg = OPENCELLID_DEFAULTS.beamwidthDeg;
    data.antenna_height_m = OPENCELLID_DEFAULTS.antennaHeightM;
    data.cell_identity = cellIdentity;
    data.synthetic = true;
    data.synthetic_method = OPENCELLID_DEFAULTS.sourceMethod;
    return { rowNo, code: cellIdentity, carrierCode: carrier?.code ?? null, carrierId: carrier?.id ?? null, data, ewkt, errors, blank: false };
  }

  return { normalize, stats };
}
