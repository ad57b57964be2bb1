// Plain HTML representations of the OGC documents (conformance class html):
// readable in a browser with no script and no external resource.

interface Linked {
  links?: { href: string; rel: string; type?: string; title?: string }[];
}

export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:1.5rem;max-width:72rem}table{border-collapse:collapse;font-size:.9rem}td,th{border:1px solid #ccc;padding:.2rem .4rem;text-align:left;vertical-align:top}th{background:#f3f3f3}nav a{margin-right:1rem}</style>
</head><body><nav><a href="/ogc?f=html">OGC API</a><a href="/ogc/collections?f=html">Collections</a><a href="/ogc/api?f=html">API</a></nav>
<h1>${escapeHtml(title)}</h1>
${body}
</body></html>`;
}

function linkList(doc: Linked): string {
  const items = (doc.links ?? []).map((l) => `<li><a href="${escapeHtml(l.href)}">${escapeHtml(l.title ?? l.rel)}</a> <small>(${escapeHtml(l.rel)}${l.type ? `, ${escapeHtml(l.type)}` : ''})</small></li>`);
  return `<ul>${items.join('')}</ul>`;
}

function table(rows: Record<string, unknown>[], columns: string[]): string {
  const head = columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('');
  const body = rows.map((r) => `<tr>${columns.map((c) => `<td>${escapeHtml(r[c])}</td>`).join('')}</tr>`).join('');
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

export function landingHtml(doc: { title: string; description: string } & Linked): string {
  return page(doc.title, `<p>${escapeHtml(doc.description)}</p>${linkList(doc)}`);
}

export function conformanceHtml(doc: { conformsTo: string[] }): string {
  return page('Conformance', `<ul>${doc.conformsTo.map((c) => `<li>${escapeHtml(c)}</li>`).join('')}</ul>`);
}

interface CollectionDoc extends Linked {
  id: string;
  title: string;
  description: string;
  extent: { spatial: { bbox: number[][] } };
}

export function collectionsHtml(doc: { collections: CollectionDoc[] }): string {
  const rows = doc.collections.map(
    (c) => `<tr><td><a href="collections/${escapeHtml(c.id)}?f=html">${escapeHtml(c.id)}</a></td><td>${escapeHtml(c.title)}</td><td>${escapeHtml(c.description)}</td><td><a href="collections/${escapeHtml(c.id)}/items?f=html">items</a></td></tr>`,
  );
  return page('Collections', `<table><thead><tr><th>id</th><th>title</th><th>description</th><th></th></tr></thead><tbody>${rows.join('')}</tbody></table>`).replaceAll(
    'href="collections/',
    'href="/ogc/collections/',
  );
}

export function collectionHtml(doc: CollectionDoc): string {
  return page(doc.title, `<p>${escapeHtml(doc.description)}</p><p>Extent (lon/lat): ${escapeHtml(doc.extent.spatial.bbox[0]?.join(', '))}</p>${linkList(doc)}`);
}

interface FeatureDoc {
  id: number;
  geometry: { type: string } | null;
  properties: Record<string, unknown>;
}

export function itemsHtml(title: string, doc: { features: FeatureDoc[]; numberMatched: number; numberReturned: number } & Linked, columns: string[], collectionId: string): string {
  const rows = doc.features.map((f) => ({ id: f.id, geometry: f.geometry?.type ?? '', ...f.properties }));
  const nav = (doc.links ?? []).filter((l) => (l.rel === 'next' || l.rel === 'prev') && l.type === 'application/geo+json').map((l) => `<a href="${escapeHtml(l.href.replace('f=json', 'f=html'))}${l.href.includes('f=') ? '' : '&f=html'}">${escapeHtml(l.title ?? l.rel)}</a>`);
  const body = table(rows, ['id', 'geometry', ...columns]).replace(/<tr><td>(\d+)<\/td>/g, `<tr><td><a href="/ogc/collections/${escapeHtml(collectionId)}/items/$1?f=html">$1</a></td>`);
  return page(title, `<p>${doc.numberReturned} of ${doc.numberMatched} features.</p><p>${nav.join(' ')}</p>${body}`);
}

export function itemHtml(title: string, doc: FeatureDoc & Linked): string {
  const rows = Object.entries({ id: doc.id, geometry: doc.geometry ? JSON.stringify(doc.geometry) : '', ...doc.properties }).map(([k, v]) => ({ property: k, value: v }));
  return page(title, `${table(rows, ['property', 'value'])}${linkList(doc)}`);
}

export function apiHtml(doc: { info: { title: string; description: string }; paths: Record<string, unknown> }): string {
  return page(doc.info.title, `<p>${escapeHtml(doc.info.description)}</p><p><a href="/ogc/api?f=json">OpenAPI 3.0 (JSON)</a></p><ul>${Object.keys(doc.paths).map((p) => `<li><code>GET /ogc${escapeHtml(p)}</code></li>`).join('')}</ul>`);
}
