import { escapeHtml, escapeMarkdown } from './escape';

describe('escaping', () => {
  it('should neutralise HTML in element content and attributes', () => {
    expect(escapeHtml(`<script>alert("x")</script> & 'y'`)).toBe(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;',
    );
  });

  it('should keep Markdown tables and emphasis intact', () => {
    expect(escapeMarkdown('a|b *c* _d_ [e](f) `g` ~h~ <img src=x>')).toBe(
      'a\\|b \\*c\\* \\_d\\_ \\[e\\](f) \\`g\\` \\~h\\~ &lt;img src=x&gt;',
    );
    expect(escapeMarkdown('two\nlines')).toBe('two lines');
    expect(escapeMarkdown('# not a heading')).toBe('\\# not a heading');
    expect(escapeMarkdown('-5% lift')).toBe('\\-5% lift');
    expect(escapeMarkdown('-5% lift', false)).toBe('-5% lift');
    expect(escapeMarkdown('1. item')).toBe('\\1. item');
    expect(escapeMarkdown('a # b + c (d)')).toBe('a # b + c (d)');
  });
});
