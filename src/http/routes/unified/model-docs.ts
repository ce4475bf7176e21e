import type { ModelDocs } from '../../../services/discovery.ts';

/** `?format=` of GET /unified/meta/{model}/{integration}. */
export const MODEL_DOCS_FORMATS = ['json', 'md', 'html'] as const;
export type ModelDocsFormat = (typeof MODEL_DOCS_FORMATS)[number];

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

/** The model on the integration as Markdown: a section per resource, a field table, the methods. */
export function renderModelDocsMarkdown(docs: ModelDocs): string {
  const lines = [`# ${docs.model.label} on ${docs.integration.label}`, '', docs.model.description, ''];
  if (docs.integration.documentation_link) lines.push(`Provider documentation: ${docs.integration.documentation_link}`, '');
  for (const r of docs.resources) {
    lines.push(`## ${r.resource}`, '', r.description, '');
    lines.push(
      r.methods.length ? `Methods: ${r.methods.map((m) => `\`${m.method}\``).join(', ')}` : `${docs.integration.label} maps no method of this resource.`,
      '',
    );
    lines.push(`| Field | Type | Required | Mapped by ${docs.integration.label} | Description |`, '|---|---|---|:-:|---|');
    for (const f of r.fields) lines.push(`| \`${f.name}\` | ${cell(f.type)} | ${f.required ? 'yes' : ''} | ${f.covered ? '✓' : ''} | ${cell(f.description)} |`);
    lines.push('');
    for (const m of r.methods) {
      lines.push(`### ${r.resource} ${m.method}`, '');
      if (m.documentation_link) lines.push(`Upstream: ${m.documentation_link}`, '');
      if (m.response_mapping) lines.push('Response mapping (JSONata):', '', '```jsonata', m.response_mapping.trimEnd(), '```', '');
    }
  }
  return lines.join('\n');
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);

/** The same content as a self-contained HTML page; every value is escaped. */
export function renderModelDocsHtml(docs: ModelDocs): string {
  const title = escapeHtml(`${docs.model.label} on ${docs.integration.label}`);
  const parts = [
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>`,
    '<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}pre{background:#f6f6f6;padding:.75rem;overflow:auto}</style>',
    `</head><body><h1>${title}</h1><p>${escapeHtml(docs.model.description)}</p>`,
  ];
  if (docs.integration.documentation_link)
    parts.push(
      `<p>Provider documentation: <a href="${escapeHtml(docs.integration.documentation_link)}">${escapeHtml(docs.integration.documentation_link)}</a></p>`,
    );
  for (const r of docs.resources) {
    parts.push(`<h2 id="${escapeHtml(r.resource)}">${escapeHtml(r.resource)}</h2><p>${escapeHtml(r.description)}</p>`);
    parts.push(`<p>Methods: ${r.methods.length ? r.methods.map((m) => `<code>${escapeHtml(m.method)}</code>`).join(', ') : 'none mapped'}</p>`);
    parts.push('<table><thead><tr><th>Field</th><th>Type</th><th>Required</th><th>Mapped</th><th>Description</th></tr></thead><tbody>');
    for (const f of r.fields)
      parts.push(
        `<tr><td><code>${escapeHtml(f.name)}</code></td><td>${escapeHtml(f.type)}</td><td>${f.required ? 'yes' : ''}</td><td>${f.covered ? '✓' : ''}</td><td>${escapeHtml(f.description)}</td></tr>`,
      );
    parts.push('</tbody></table>');
    for (const m of r.methods) {
      if (!m.response_mapping) continue;
      parts.push(`<h3>${escapeHtml(`${r.resource} ${m.method}`)}</h3><pre><code>${escapeHtml(m.response_mapping)}</code></pre>`);
    }
  }
  parts.push('</body></html>');
  return parts.join('\n');
}
