/** Escaping for the renderers: every piece of text that reaches a report goes through one of these. */

const HTML: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text safe in HTML/SVG element content and in quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML[c] ?? c);
}

/**
 * Text safe in a Markdown table cell or paragraph: the inline punctuation that changes meaning anywhere
 * (emphasis, code, links, table pipes, strikethrough) is backslash-escaped, HTML is entity-escaped
 * (Markdown renderers pass raw HTML through), newlines become spaces, and a line-start marker
 * (heading, list) is escaped unless `lineStart` is false (e.g. inside a table cell).
 */
export function escapeMarkdown(text: string, lineStart = true): string {
  const inline = text
    .replace(/[&<>]/g, (c) => HTML[c] ?? c)
    .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`)
    .replace(/\r?\n/g, ' ');
  return lineStart && /^([#+-]|\d+[.)])/.test(inline) ? `\\${inline}` : inline;
}
