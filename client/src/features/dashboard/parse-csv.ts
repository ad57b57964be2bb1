// A small RFC 4180 CSV reader for the planner's KPI import (quoted fields,
// doubled quotes, CRLF or LF, an optional UTF-8 byte-order mark, comma or
// semicolon separator as Excel writes it in Vietnamese locales).

export function parseCsv(text: string): string[][] {
  const input = text.replace(/^\uFEFF/, '');
  const firstLine = input.split(/\r?\n/, 1)[0] ?? '';
  const separator = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < input.length; i++) {
    const c = input[i]!;
    if (quoted) {
      if (c === '"' && input[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === separator) {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && input[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.some((cell) => cell.trim() !== ''));
}

export interface KpiCsvRow {
  indicatorCode: string;
  adminUnitId: number;
  period: string;
  value: number;
  source?: string;
}

export interface KpiCsvProblem {
  /** 0-based data row (the header is not counted). */
  row: number;
  path: string;
  message: string;
}

/**
 * Rows of indicatorCode, adminUnitCode (or adminUnitId), period, value[,
 * source] as API input. Unit codes are resolved against the dashboard's
 * units; a decimal comma (85,5) is accepted. Problems name the row and field.
 */
export function kpiRowsFromCsv(
  text: string,
  unitIdByCode: Map<string, number>,
  messages: { missingColumn: (name: string) => string; unknownUnit: (code: string) => string; notNumber: string },
): { rows: KpiCsvRow[]; problems: KpiCsvProblem[] } {
  const [header = [], ...data] = parseCsv(text);
  const names = header.map((h) => h.trim().replace(/^\uFEFF/, ''));
  const col = (name: string) => names.findIndex((n) => n.toLowerCase() === name.toLowerCase());
  const problems: KpiCsvProblem[] = [];
  const iIndicator = col('indicatorCode');
  const iUnitCode = col('adminUnitCode');
  const iUnitId = col('adminUnitId');
  const iPeriod = col('period');
  const iValue = col('value');
  const iSource = col('source');
  for (const [name, index] of [['indicatorCode', iIndicator], ['period', iPeriod], ['value', iValue]] as const) {
    if (index < 0) problems.push({ row: -1, path: name, message: messages.missingColumn(name) });
  }
  if (iUnitCode < 0 && iUnitId < 0) problems.push({ row: -1, path: 'adminUnitCode', message: messages.missingColumn('adminUnitCode') });
  if (problems.length) return { rows: [], problems };
  const rows: KpiCsvRow[] = [];
  data.forEach((cells, r) => {
    const cell = (i: number) => (i >= 0 ? (cells[i] ?? '').trim() : '');
    let adminUnitId: number;
    if (iUnitCode >= 0 && cell(iUnitCode) !== '') {
      const id = unitIdByCode.get(cell(iUnitCode));
      if (id === undefined) {
        problems.push({ row: r, path: 'adminUnitCode', message: messages.unknownUnit(cell(iUnitCode)) });
        adminUnitId = 0;
      } else adminUnitId = id;
    } else adminUnitId = Number(cell(iUnitId));
    const rawValue = cell(iValue).replace(/\s/g, '');
    const value = Number(/^-?\d+,\d+$/.test(rawValue) ? rawValue.replace(',', '.') : rawValue);
    if (rawValue === '' || !Number.isFinite(value)) problems.push({ row: r, path: 'value', message: messages.notNumber });
    const source = cell(iSource);
    rows.push({ indicatorCode: cell(iIndicator), adminUnitId, period: cell(iPeriod), value, ...(source ? { source } : {}) });
  });
  return { rows, problems };
}
