// Dashboard exports: CSV (RFC 4180, UTF-8 with a byte-order mark so Excel
// reads the diacritics) and XLSX (Office Open XML SpreadsheetML, ECMA-376
// Part 1, written directly with fflate: two plain sheets need no workbook
// library, and this keeps the server free of one's dependency tree).
import { strToU8, zipSync } from 'fflate';
import type { KpiDashboard } from '@registry/shared/schemas/kpi';
import type { Locale } from '@registry/shared/messages';

export type Cell = string | number | boolean | null;

/**
 * Cells that start with = + - @ (or a tab / carriage return) are read as
 * formulas by spreadsheet programs: a text cell such a character starts is
 * prefixed with an apostrophe (OWASP "CSV injection"). Numbers are left alone.
 */
export function neutraliseFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function csvCell(value: Cell): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const text = neutraliseFormula(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: string[], body: Cell[][]): string {
  return '\uFEFF' + [header, ...body].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

// ---------------------------------------------------------------- table

const HEADERS: Record<Locale, string[]> = {
  vi: ['Mã chỉ tiêu', 'Chỉ tiêu', 'Loại', 'Đơn vị tính', 'Mã đơn vị hành chính', 'Đơn vị hành chính', 'Kỳ', 'Giá trị', 'Tổng hợp từ cấp huyện', 'Chỉ tiêu năm', 'Mục tiêu', 'Đạt'],
  en: ['Indicator code', 'Indicator', 'Kind', 'Unit', 'Admin unit code', 'Admin unit', 'Period', 'Value', 'Rolled up from districts', 'Target year', 'Target', 'Meets target'],
};

/** Every indicator × unit × period as rows (the trend), latest-period flags included. */
export function dashboardRows(dashboard: KpiDashboard, locale: Locale): { header: string[]; rows: Cell[][] } {
  const units = new Map(dashboard.units.map((u) => [u.id, u]));
  const rows: Cell[][] = [];
  for (const ind of dashboard.indicators) {
    const target = ind.target?.targetValue ?? null;
    for (const uv of ind.units) {
      const unit = units.get(uv.adminUnitId);
      for (const point of uv.trend) {
        rows.push([
          ind.code,
          locale === 'vi' ? ind.nameVi : ind.nameEn,
          ind.kind,
          ind.unit,
          unit?.code ?? '',
          unit?.name ?? '',
          point.period,
          point.value,
          uv.aggregated,
          dashboard.targetYear,
          target,
          target === null ? null : point.value >= target,
        ]);
      }
    }
  }
  return { header: HEADERS[locale], rows };
}

// ---------------------------------------------------------------- xlsx

function xmlEscape(text: string): string {
  // Characters XML 1.0 forbids are dropped; the five specials are escaped.
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '').replace(/[<>&"']/g, (c) => `&${{ '<': 'lt', '>': 'gt', '&': 'amp', '"': 'quot', "'": 'apos' }[c]};`);
}

/** A1-style column letters for a 0-based index (0 → A, 26 → AA). */
export function columnName(index: number): string {
  let n = index + 1;
  let name = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    name = String.fromCharCode(65 + r) + name;
    n = Math.floor((n - 1) / 26);
  }
  return name;
}

function sheetXml(header: string[], body: Cell[][]): string {
  const all = [header, ...body];
  const rowXml = all.map((row, r) => {
    const cells = row
      .map((value, c) => {
        const ref = `${columnName(c)}${r + 1}`;
        const style = r === 0 ? ' s="1"' : '';
        if (value === null) return '';
        if (typeof value === 'number') return Number.isFinite(value) ? `<c r="${ref}"${style}><v>${value}</v></c>` : '';
        if (typeof value === 'boolean') return `<c r="${ref}"${style} t="b"><v>${value ? 1 : 0}</v></c>`;
        // Inline strings are stored as text, never evaluated; neutralised all the same for re-export to CSV.
        return `<c r="${ref}"${style} t="inlineStr"><is><t xml:space="preserve">${xmlEscape(neutraliseFormula(value))}</t></is></c>`;
      })
      .join('');
    return `<row r="${r + 1}">${cells}</row>`;
  });
  const cols = header.map((h, i) => `<col min="${i + 1}" max="${i + 1}" width="${Math.min(60, Math.max(10, h.length + 2))}" customWidth="1"/>`).join('');
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' +
    '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>' +
    `<cols>${cols}</cols><sheetData>${rowXml.join('')}</sheetData></worksheet>`
  );
}

export interface Sheet {
  name: string;
  header: string[];
  rows: Cell[][];
}

/** A minimal valid .xlsx: one worksheet per sheet, a bold header row frozen at the top. */
export function toXlsx(sheets: Sheet[]): Uint8Array {
  const names = sheets.map((s, i) => xmlEscape(s.name.replace(/[\\/?*[\]:]/g, ' ').slice(0, 31) || `Sheet${i + 1}`));
  const files: Record<string, Uint8Array> = {
    '[Content_Types].xml': strToU8(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>' +
        sheets.map((_, i) => `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`).join('') +
        '</Types>',
    ),
    '_rels/.rels': strToU8(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    ),
    'xl/workbook.xml': strToU8(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>' +
        names.map((n, i) => `<sheet name="${n}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join('') +
        '</sheets></workbook>',
    ),
    'xl/_rels/workbook.xml.rels': strToU8(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
        sheets.map((_, i) => `<Relationship Id="rId${i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`).join('') +
        `<Relationship Id="rId${sheets.length + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`,
    ),
    'xl/styles.xml': strToU8(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' +
        '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>' +
        '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>' +
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
        '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>' +
        '</styleSheet>',
    ),
  };
  sheets.forEach((s, i) => {
    files[`xl/worksheets/sheet${i + 1}.xml`] = strToU8(sheetXml(s.header, s.rows));
  });
  return zipSync(files, { level: 6 });
}

const SUMMARY_HEADERS: Record<Locale, string[]> = {
  vi: ['Mã chỉ tiêu', 'Chỉ tiêu', 'Loại', 'Đơn vị tính', 'Mã đơn vị hành chính', 'Đơn vị hành chính', 'Kỳ gần nhất', 'Giá trị', 'Mục tiêu', 'Đạt'],
  en: ['Indicator code', 'Indicator', 'Kind', 'Unit', 'Admin unit code', 'Admin unit', 'Latest period', 'Value', 'Target', 'Meets target'],
};

/** The latest value of every indicator per unit against its target (the dashboard table). */
export function summaryRows(dashboard: KpiDashboard, locale: Locale): { header: string[]; rows: Cell[][] } {
  const units = new Map(dashboard.units.map((u) => [u.id, u]));
  const rows: Cell[][] = [];
  for (const ind of dashboard.indicators) {
    for (const uv of ind.units) {
      const unit = units.get(uv.adminUnitId);
      rows.push([ind.code, locale === 'vi' ? ind.nameVi : ind.nameEn, ind.kind, ind.unit, unit?.code ?? '', unit?.name ?? '', uv.period, uv.value, ind.target?.targetValue ?? null, uv.meetsTarget]);
    }
  }
  return { header: SUMMARY_HEADERS[locale], rows };
}

export function dashboardXlsx(dashboard: KpiDashboard, locale: Locale): Uint8Array {
  const summary = summaryRows(dashboard, locale);
  const trend = dashboardRows(dashboard, locale);
  return toXlsx([
    { name: locale === 'vi' ? `Chỉ tiêu ${dashboard.targetYear}` : `Targets ${dashboard.targetYear}`, ...summary },
    { name: locale === 'vi' ? 'Theo kỳ' : 'Trend', header: trend.header, rows: trend.rows },
  ]);
}

export function dashboardCsv(dashboard: KpiDashboard, locale: Locale): string {
  const { header, rows } = dashboardRows(dashboard, locale);
  return toCsv(header, rows);
}
