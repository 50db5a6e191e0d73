import { buildReport } from './build';
import { SECTIONS } from './cells';
import { renderHtml } from './render-html';
import { renderMarkdown } from './render-markdown';
import { experimentDefinition } from './testing/fixtures';
import { reportInputs } from './testing/inputs';
import type { ExperimentReport } from './types';

const EVIL = '<script>alert("x")</script> | *bold* [link](http://evil.example) `code`';

function report(overrides: Record<string, unknown> = {}): ExperimentReport {
  const definition = experimentDefinition({
    hypothesis: EVIL,
    owner: '<img src=x onerror=alert(1)>',
    ...overrides,
  });
  return {
    ...buildReport(reportInputs({ definition })),
    generatedAt: '2026-03-06T08:00:00.000Z',
    timings: [{ step: 'engagement_per_exposure', ms: 1234 }],
  };
}

describe(renderHtml.name, () => {
  const html = renderHtml(report());

  it('should be one self-contained document: inline CSS and SVG, no script, no external resource', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<style>');
    expect(html).not.toMatch(/<script|<link|<img|<iframe|<object|<embed|@import|url\((?!#)/i);
    // Every link is an in-page anchor; the only URL is the SVG namespace.
    expect([...html.matchAll(/\b(?:href|src)\s*=\s*"([^"]*)"/g)].every((m) => m[1]!.startsWith('#'))).toBe(
      true,
    );
    // No attribute points anywhere but the SVG namespace (URLs in escaped text are just text).
    const urlAttributes = [...html.matchAll(/\s([a-z:-]+)="[a-z]+:\/\/[^"]*"/gi)].map((m) => m[1]);
    expect(new Set(urlAttributes)).toEqual(new Set(['xmlns']));
    expect(html.match(/<svg /g)!.length).toBe(3);
  });

  it('should escape every text taken from the definition', () => {
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('should have the sections in order, health before the decision table', () => {
    const positions = SECTIONS.map(([id]) => html.indexOf(`<section id="${id}">`));
    expect(positions.every((p) => p > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(html.indexOf('Sample ratio mismatch')).toBeLessThan(html.indexOf('Goal metrics (ITT)'));
  });

  it('should show the numbers of the report and its content hash', () => {
    const r = report();
    const primary = r.metrics[0]!.comparisons[0]!.itt;
    const pct = `${(100 * primary.relative!.estimate!).toFixed(2)}%`;
    expect(html).toContain(pct);
    expect(html).toContain(r.contentHash);
    expect(html).toContain('1.2 s'); // the timing
  });
});

describe(renderMarkdown.name, () => {
  const markdown = renderMarkdown(report());

  it('should have the sections in order', () => {
    const positions = SECTIONS.map(([, title]) => markdown.indexOf(`\n## ${title}`));
    expect(positions.every((p) => p > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it('should escape text so that it cannot inject HTML, links or table cells', () => {
    // Raw text is only allowed inside the fenced JSON block, where Markdown shows it verbatim.
    const prose = markdown.replace(/```+json\n[\s\S]*?\n```+/g, '');
    expect(markdown).toContain('"hypothesis": "<script>');
    expect(prose).not.toContain('<script');
    expect(prose).not.toContain('<img');
    expect(markdown).toContain('\\[link\\](http://evil.example)');
    expect(markdown).toContain('\\| \\*bold\\*');
  });

  it('should keep every table row as wide as its header', () => {
    const cells = (line: string): number => line.replace(/\\\|/g, '').split('|').length;
    const lines = markdown.split('\n');
    lines.forEach((line, i) => {
      if (line.startsWith('| ') && lines[i - 1]?.startsWith('|') === true) {
        let header = i - 1;
        while (lines[header - 1]?.startsWith('|') === true) {
          header -= 1;
        }
        expect(cells(line)).toBe(cells(lines[header]!));
      }
    });
  });

  it('should carry the full inputs so that the report can be recomputed', () => {
    const r = report();
    const block = /```+json\n([\s\S]*?)\n```+/.exec(markdown);
    expect(block).not.toBeNull();
    expect(buildReport(JSON.parse(block![1]!) as ExperimentReport['inputs']).contentHash).toBe(r.contentHash);
  });
});
