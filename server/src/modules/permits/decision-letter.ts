import { existsSync } from 'node:fs';
import PDFDocument from 'pdfkit';
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { UnavailableError } from '../../errors';
import { readSetting, rows } from './sql';
import { toDate } from './permits.queries';

// The decision letter (quyết định) in the layout of a Vietnamese
// administrative document (Nghị định 30/2020/NĐ-CP, Phụ lục I): issuing body
// and national motto side by side, number and place/date, the title and
// subject (V/v), the grounds (Căn cứ…), the articles of the decision, the
// recipients and the signature block. HTML to print, and PDF.

export interface DecisionLetter {
  /** "ỦY BAN NHÂN DÂN TỈNH BẮC GIANG" — from the loaded data, never hard-coded. */
  parentBody: string;
  issuingBody: string;
  /** Place in the date line: the province's name without its unit type. */
  place: string;
  number: string;
  date: Date;
  approved: boolean;
  subject: string;
  grounds: string[];
  articles: string[];
  recipients: string[];
  signerTitle: string;
  signerName: string;
  reference: string;
}

const TECH_VI: Record<string, string> = { greenfield_tower: 'cột ăng-ten tự đứng', rooftop: 'cột ăng-ten trên mái nhà', monopole: 'cột đơn thân', pole_mounted: 'ăng-ten gắn cột', small_cell: 'trạm phát sóng nhỏ (small cell)', indoor: 'trạm trong nhà' };
const PLACEMENT_VI: Record<string, string> = { aerial: 'treo trên cột', conduit: 'trong cống bể', direct_buried: 'chôn trực tiếp', tunnel: 'trong tuy-nen' };

/** The province from the loaded data: settings.dataset.province, else the top administrative unit in force. */
export async function provinceName(db: DbOrTx): Promise<{ name: string; unitType: string }> {
  const dataset = (await readSetting(db, 'dataset')) as { province?: unknown } | null;
  const top = (await rows<{ name: string; unit_type: string }>(
    db,
    sql`SELECT name, unit_type FROM admin_units WHERE parent_id IS NULL AND (valid_to IS NULL OR valid_to >= CURRENT_DATE) ORDER BY valid_from DESC, id LIMIT 1`,
  ))[0];
  const fromDataset = typeof dataset?.province === 'string' && dataset.province.trim() ? dataset.province.trim() : null;
  const raw = fromDataset ?? top?.name ?? '';
  // Names may carry their unit type ("Tỉnh Bắc Giang", "Thành phố Hà Nội").
  const m = /^(Tỉnh|Thành phố)\s+(.+)$/iu.exec(raw);
  if (m) return { name: m[2]!, unitType: m[1]! };
  return { name: raw, unitType: top?.unit_type && /thành phố/iu.test(top.unit_type) ? 'Thành phố' : 'Tỉnh' };
}

const formatCoordinate = (v: number) => v.toFixed(6);
const dateVi = (d: Date) => `ngày ${String(d.getDate()).padStart(2, '0')} tháng ${String(d.getMonth() + 1).padStart(2, '0')} năm ${d.getFullYear()}`;

interface LetterRow {
  reference: string;
  kind: 'site' | 'route';
  status: string;
  decision_number: string | null;
  decision_reason: string | null;
  decided_at: Date | null;
  submitted_at: Date | null;
  legal_name: string;
  facts: Record<string, unknown>;
  x: number | null;
  y: number | null;
  length_m: number | null;
  officer: string | null;
  current_revision: number;
  permitted_until: string | null;
  site_code: string | null;
  address: string | null;
  commune: string | null;
  checks: { rule: string; name: string; verdict: string; message: string }[] | null;
}

/** Everything the letter says, read from the application as decided. */
export async function buildDecisionLetter(db: DbOrTx, applicationId: number): Promise<DecisionLetter> {
  const row = (await rows<LetterRow>(
    db,
    sql`SELECT a.reference, a.kind, a.status, a.decision_number, a.decision_reason, a.decided_at, a.submitted_at, c.legal_name, r.facts,
               CASE WHEN GeometryType(r.geom) = 'POINT' THEN ST_X(r.geom) END AS x, CASE WHEN GeometryType(r.geom) = 'POINT' THEN ST_Y(r.geom) END AS y,
               CASE WHEN GeometryType(r.geom) <> 'POINT' THEN ST_Length(r.geom::geography) END AS length_m,
               u.display_name AS officer, a.current_revision, coalesce(s.permitted_until, fr.permitted_until)::text AS permitted_until, coalesce(s.code, fr.code) AS site_code, s.address,
               (SELECT cu.name FROM admin_units cu WHERE cu.boundary IS NOT NULL AND ST_Intersects(cu.boundary, ST_PointOnSurface(r.geom))
                  AND (cu.valid_to IS NULL OR cu.valid_to >= coalesce(a.decided_at, now())::date) AND cu.valid_from <= coalesce(a.decided_at, now())::date
                  ORDER BY (SELECT rank FROM admin_levels WHERE code = cu.level) DESC LIMIT 1) AS commune,
               (SELECT json_agg(json_build_object('rule', k.rule_id, 'name', p.name_vi, 'verdict', k.verdict, 'message', k.message) ORDER BY k.id)
                  FROM permit_check_results k JOIN permit_rules p ON p.id = k.rule_id WHERE k.revision_id = r.id) AS checks
          FROM permit_applications a
          JOIN carriers c ON c.id = a.applicant_carrier_id
          JOIN permit_revisions r ON r.application_id = a.id AND r.revision = a.current_revision
          LEFT JOIN users u ON u.id = a.decided_by
          LEFT JOIN sites s ON s.id = a.site_id
          LEFT JOIN fibre_routes fr ON fr.id = a.fibre_route_id
         WHERE a.id = ${applicationId}`,
  ))[0]!;
  const province = await provinceName(db);
  const approved = row.status === 'approved';
  const date = row.decided_at ? toDate(row.decided_at) : new Date();
  const facts = row.facts;
  let object: string;
  if (row.kind === 'site') {
    const type = TECH_VI[String(facts.structureType)] ?? String(facts.structureType);
    const where = [row.address ?? (typeof facts.address === 'string' ? facts.address : null), row.commune].filter(Boolean).join(', ');
    object = `công trình ${type} cao ${facts.heightM} m, sức chứa ${facts.tenantCapacity} doanh nghiệp, công nghệ ${(facts.technologies as string[] | undefined)?.join(', ') ?? ''}, tại tọa độ (kinh độ ${formatCoordinate(row.x!)}, vĩ độ ${formatCoordinate(row.y!)}, WGS84)${where ? `, ${where}` : ''}`;
  } else {
    const segments = (facts.segments as { placement: string }[] | undefined) ?? [];
    const placements = [...new Set(segments.map((s) => PLACEMENT_VI[s.placement] ?? s.placement))].join(', ');
    object = `tuyến cáp quang ${facts.fibreCount} sợi dài ${Math.round(row.length_m ?? 0).toLocaleString('vi-VN')} m (${placements})${row.commune ? `, qua địa bàn ${row.commune}` : ''}`;
  }
  const what = row.kind === 'site' ? 'xây dựng, lắp đặt công trình hạ tầng kỹ thuật viễn thông thụ động' : 'xây dựng tuyến cáp viễn thông';
  const checkLines = (row.checks ?? []).map((k) => `${k.name}: ${k.verdict === 'pass' ? 'đạt' : k.verdict === 'warn' ? 'cần lưu ý' : 'không đạt'} — ${k.message}`);
  const grounds = [
    'Căn cứ Luật Viễn thông ngày 24 tháng 11 năm 2023;',
    'Căn cứ Luật Xây dựng ngày 18 tháng 6 năm 2014 và các văn bản sửa đổi, bổ sung;',
    `Căn cứ quy hoạch, kế hoạch phát triển hạ tầng viễn thông thụ động của ${province.unitType.toLowerCase()} ${province.name};`,
    `Căn cứ hồ sơ đề nghị số ${row.reference} (phiên bản ${row.current_revision}) của ${row.legal_name}${row.submitted_at ? `, nộp ${dateVi(toDate(row.submitted_at))}` : ''};`,
    ...(checkLines.length ? [`Căn cứ kết quả kiểm tra tự động của hệ thống: ${checkLines.join('; ')};`] : []),
    'Xét đề nghị của bộ phận thẩm định hồ sơ cấp phép,',
  ];
  const reason = row.decision_reason ?? '';
  const articles = approved
    ? [
        `Điều 1. Chấp thuận cho ${row.legal_name} ${what}: ${object}. Lý do: ${reason}`,
        row.kind === 'site'
          ? `Điều 2. Công trình được ghi nhận trong cơ sở dữ liệu hạ tầng với mã ${row.site_code ?? row.reference}, trạng thái "được cấp phép". Doanh nghiệp phải hoàn thành xây dựng và báo cáo đưa vào sử dụng trước ngày ${row.permitted_until ?? '—'}; quá thời hạn trên, quyết định này hết hiệu lực. Doanh nghiệp có trách nhiệm chia sẻ, sử dụng chung công trình theo quy định.`
          : `Điều 2. Tuyến cáp được ghi nhận trong cơ sở dữ liệu hạ tầng với mã ${row.site_code ?? row.reference}, trạng thái "được cấp phép". Doanh nghiệp có trách nhiệm thi công đúng hướng tuyến, phương thức lắp đặt đã đăng ký, hoàn thành và báo cáo đưa vào sử dụng trước ngày ${row.permitted_until ?? '—'}; quá thời hạn trên, quyết định này hết hiệu lực.`,
        `Điều 3. Quyết định này có hiệu lực kể từ ngày ký. ${row.legal_name} và các cơ quan, đơn vị có liên quan chịu trách nhiệm thi hành Quyết định này.`,
      ]
    : [
        `Điều 1. Không chấp thuận đề nghị ${what} của ${row.legal_name}: ${object}. Lý do: ${reason}`,
        'Điều 2. Doanh nghiệp có thể điều chỉnh phương án (ưu tiên dùng chung hạ tầng sẵn có) và nộp hồ sơ mới theo quy định.',
        `Điều 3. Quyết định này có hiệu lực kể từ ngày ký. ${row.legal_name} và các cơ quan, đơn vị có liên quan chịu trách nhiệm thi hành Quyết định này.`,
      ];
  return {
    parentBody: `ỦY BAN NHÂN DÂN ${province.unitType} ${province.name}`.toLocaleUpperCase('vi'),
    issuingBody: 'SỞ THÔNG TIN VÀ TRUYỀN THÔNG',
    place: province.name,
    number: row.decision_number ?? '…/QĐ-STTTT',
    date,
    approved,
    subject: `V/v ${approved ? 'chấp thuận' : 'không chấp thuận'} ${what} (hồ sơ ${row.reference})`,
    grounds,
    articles,
    recipients: ['Như Điều 3;', 'Lưu: VT, BCVT.'],
    signerTitle: 'TL. GIÁM ĐỐC',
    signerName: row.officer ?? '',
    reference: row.reference,
  };
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Printable HTML (A4, Times-like serif as in administrative documents). */
export function renderDecisionLetterHtml(letter: DecisionLetter): string {
  const e = escapeHtml;
  return `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>Quyết định ${e(letter.number)}</title>
<style>
@page { size: A4; margin: 20mm 15mm 20mm 30mm; }
body { font-family: "Times New Roman", "DejaVu Serif", serif; font-size: 14pt; line-height: 1.4; max-width: 170mm; margin: 0 auto; color: #000; }
.head { display: flex; justify-content: space-between; text-align: center; }
.head div { width: 48%; } .head .body { font-size: 13pt; } .bold { font-weight: bold; }
.rule { width: 35%; margin: 2px auto; border-top: 1px solid #000; }
.dateline { text-align: right; font-style: italic; margin-top: 6px; }
h1 { text-align: center; font-size: 14pt; margin: 18px 0 0; } .subject { text-align: center; font-weight: bold; margin: 0 0 12px; }
.role { text-align: center; font-weight: bold; margin: 12px 0; } p { text-align: justify; margin: 6px 0; } p.ground { font-style: italic; }
.decide { text-align: center; font-weight: bold; margin: 12px 0; }
.foot { display: flex; justify-content: space-between; margin-top: 24px; } .foot div { width: 48%; }
.recipients { font-size: 11pt; } .sign { text-align: center; } .sign .name { margin-top: 70px; font-weight: bold; }
@media print { .noprint { display: none; } }
</style></head><body>
<div class="head">
  <div class="body">${e(letter.parentBody)}<br><span class="bold">${e(letter.issuingBody)}</span><div class="rule"></div>Số: ${e(letter.number)}</div>
  <div><span class="bold">CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</span><br><span class="bold">Độc lập - Tự do - Hạnh phúc</span><div class="rule"></div>
  <div class="dateline">${e(letter.place)}, ${e(dateVi(letter.date))}</div></div>
</div>
<h1>QUYẾT ĐỊNH</h1>
<div class="subject">${e(letter.subject)}</div>
<div class="role">GIÁM ĐỐC ${e(letter.issuingBody)}</div>
${letter.grounds.map((g) => `<p class="ground">${e(g)}</p>`).join('\n')}
<div class="decide">QUYẾT ĐỊNH:</div>
${letter.articles.map((a) => `<p>${e(a)}</p>`).join('\n')}
<div class="foot">
  <div class="recipients"><b><i>Nơi nhận:</i></b><br>${letter.recipients.map((r) => `- ${e(r)}`).join('<br>')}</div>
  <div class="sign"><b>${e(letter.signerTitle)}</b><br><i>(đã ký)</i><div class="name">${e(letter.signerName)}</div></div>
</div>
<p class="noprint" style="margin-top:24px;font-size:10pt;color:#555">Hồ sơ ${e(letter.reference)} — bản in từ Hệ thống quản lý hạ tầng viễn thông.</p>
</body></html>`;
}

/** Fonts with Vietnamese glyphs: Debian's fonts-dejavu-core. */
const FONT_DIRS = ['/usr/share/fonts/truetype/dejavu'];
function findFont(file: string): string | null {
  for (const dir of FONT_DIRS) if (existsSync(`${dir}/${file}`)) return `${dir}/${file}`;
  return null;
}

export function renderDecisionLetterPdf(letter: DecisionLetter): Promise<Buffer> {
  const regular = findFont('DejaVuSerif.ttf');
  const bold = findFont('DejaVuSerif-Bold.ttf') ?? regular;
  if (!regular || !bold) throw new UnavailableError('PDF letters need a font with Vietnamese glyphs: install fonts-dejavu-core');
  const doc = new PDFDocument({ size: 'A4', margins: { top: 57, bottom: 57, left: 85, right: 42 }, info: { Title: `Quyết định ${letter.number}`, Subject: letter.subject } });
  doc.registerFont('regular', regular);
  doc.registerFont('bold', bold);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  const col = width * 0.46;
  const rightX = left + width - col - 10;
  const top = doc.y;
  doc.font('regular').fontSize(10.5).text(letter.parentBody, left, top, { width: col, align: 'center' });
  doc.font('bold').text(letter.issuingBody, { width: col, align: 'center' });
  const leftRuleY = doc.y + 2;
  doc.moveTo(left + col * 0.3, leftRuleY).lineTo(left + col * 0.7, leftRuleY).stroke();
  doc.font('regular').text(`Số: ${letter.number}`, left, leftRuleY + 6, { width: col, align: 'center' });
  const leftBottom = doc.y;
  doc.font('bold').fontSize(10.5).text('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', rightX, top, { width: col + 10, align: 'center' });
  doc.text('Độc lập - Tự do - Hạnh phúc', { width: col + 10, align: 'center' });
  const rightRuleY = doc.y + 2;
  doc.moveTo(rightX + col * 0.2, rightRuleY).lineTo(rightX + col * 0.85, rightRuleY).stroke();
  doc.font('regular').text(`${letter.place}, ${dateVi(letter.date)}`, rightX, rightRuleY + 6, { width: col + 10, align: 'center' });
  doc.y = Math.max(leftBottom, doc.y) + 18;
  doc.x = left;
  doc.font('bold').fontSize(13).text('QUYẾT ĐỊNH', left, doc.y, { width, align: 'center' });
  doc.fontSize(12).text(letter.subject, { width, align: 'center' });
  doc.moveDown(0.8).text(`GIÁM ĐỐC ${letter.issuingBody}`, { width, align: 'center' });
  doc.moveDown(0.6).font('regular').fontSize(12);
  for (const g of letter.grounds) doc.text(g, { width, align: 'justify', indent: 20, paragraphGap: 3 });
  doc.moveDown(0.6).font('bold').text('QUYẾT ĐỊNH:', { width, align: 'center' });
  doc.moveDown(0.4).font('regular');
  for (const a of letter.articles) doc.text(a, { width, align: 'justify', indent: 20, paragraphGap: 4 });
  doc.moveDown(1.2);
  const footY = doc.y;
  doc.font('bold').fontSize(11).text('Nơi nhận:', left, footY, { width: col });
  doc.font('regular').fontSize(10);
  for (const r of letter.recipients) doc.text(`- ${r}`, { width: col });
  doc.font('bold').fontSize(12).text(letter.signerTitle, rightX, footY, { width: col + 10, align: 'center' });
  doc.font('regular').fontSize(11).text('(đã ký)', { width: col + 10, align: 'center' });
  doc.moveDown(3).font('bold').fontSize(12).text(letter.signerName, { width: col + 10, align: 'center' });
  doc.end();
  return done;
}
