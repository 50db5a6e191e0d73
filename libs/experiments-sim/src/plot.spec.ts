import { kolmogorovCritical, pValuePlotSvg } from './plot';

describe('pValuePlotSvg', () => {
  const uniform = Array.from({ length: 200 }, (_, i) => (i + 0.5) / 200);

  it('finds the Kolmogorov critical value (scipy kstwobign.isf(0.001) = 1.9494746035)', () => {
    expect(kolmogorovCritical(0.001)).toBeCloseTo(1.9494746035043753, 9);
    expect(() => kolmogorovCritical(0)).toThrow(RangeError);
  });

  it('draws a histogram of 20 bins beside a QQ plot with one point per p-value', () => {
    const svg = pValuePlotSvg(uniform, { title: 'A/A <calibration> & co', subtitle: 'sub' });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.endsWith('</svg>\n')).toBe(true);
    expect(svg).toContain('A/A &#60;calibration&#62; &#38; co');
    expect(svg).toContain('n = 200 · KS D = 0.0025');
    expect(svg.match(/fill="#4a7bd0" fill-opacity/g)).toHaveLength(20);
    const points = /<polyline points="([^"]+)"/.exec(svg)![1]!.split(' ');
    expect(points).toHaveLength(200);
  });

  it('refuses values outside [0, 1] and empty input', () => {
    expect(() => pValuePlotSvg([0.5, 1.2], { title: 't' })).toThrow(RangeError);
    expect(() => pValuePlotSvg([], { title: 't' })).toThrow(RangeError);
    expect(() => pValuePlotSvg(uniform, { title: 't', bins: 1 })).toThrow(RangeError);
  });
});
