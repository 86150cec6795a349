import { barChartSvg, cumulativeChartSvg, escapeXml } from '../../../src/reports/domain/charts.js';

const EVIL = '<script>alert("x")</script> & \'quoted\'';

describe('report charts', () => {
  it('escapes every piece of text: titles, descriptions, labels and values', () => {
    const bar = barChartSvg({
      id: 'bars',
      title: EVIL,
      desc: EVIL,
      colour: '#1f4e9c',
      goalLabel: EVIL,
      bars: [{ label: EVIL, percent: 120, valueText: EVIL }],
    });
    const line = cumulativeChartSvg({
      id: 'line',
      title: EVIL,
      desc: EVIL,
      colour: '#1f4e9c',
      formatValue: () => EVIL,
      points: [
        { label: EVIL, value: 10 },
        { label: 'b', value: 20 },
      ],
    });
    for (const svg of [bar, line]) {
      expect(svg).not.toContain('<script>');
      expect(svg).not.toContain('"x"');
      expect(svg).toContain('&lt;script&gt;');
      expect(svg).toContain('&amp;');
      expect(svg).toContain('&apos;quoted&apos;');
    }
  });

  it('is one accessible image named by its title and described by its desc', () => {
    const svg = barChartSvg({
      id: 'p-bars',
      title: 'Share of the goal',
      desc: '3 campaigns',
      colour: '#1f4e9c',
      goalLabel: 'goal',
      bars: [{ label: 'A', percent: 50, valueText: '50%' }],
    });
    expect(svg).toMatch(/^<svg [^>]*role="img"[^>]*aria-labelledby="p-bars-title p-bars-desc"/);
    expect(svg).toContain('<title id="p-bars-title">Share of the goal</title>');
    expect(svg).toContain('<desc id="p-bars-desc">3 campaigns</desc>');
  });

  it('draws one bar per campaign, capped at twice the goal, and refuses colours that are not #rrggbb', () => {
    const svg = barChartSvg({
      id: 'x"><script>',
      title: 't',
      desc: 'd',
      colour: 'red" onload="alert(1)',
      goalLabel: 'goal',
      bars: [
        { label: 'A', percent: 500, valueText: '500%' },
        { label: 'B', percent: 0, valueText: '0%' },
      ],
    });
    expect(svg).not.toContain('onload');
    expect(svg).toContain('fill="#1f4e9c"');
    expect(svg).toContain('id="xscript-title"');
    expect((svg.match(/<rect /g) ?? []).length).toBe(4);
  });

  it('shortens long labels in the drawing (the table keeps them whole)', () => {
    const label = 'Un très long titre de campagne qui ne tient pas sur la ligne';
    const svg = barChartSvg({ id: 'b', title: 't', desc: 'd', colour: '#000000', goalLabel: 'g', bars: [{ label, percent: 10, valueText: '10%' }] });
    expect(svg).toContain('…');
    expect(svg).not.toContain(label);
  });

  it('draws the cumulative line with labelled ends, and copes with one day or none', () => {
    const svg = cumulativeChartSvg({
      id: 'd',
      title: 't',
      desc: 'd',
      colour: '#1f4e9c',
      formatValue: (v) => `${v / 100} €`,
      points: [
        { label: '1 sept.', value: 0 },
        { label: '2 sept.', value: 5_000 },
        { label: '3 sept.', value: 10_000 },
      ],
    });
    expect(svg).toContain('<polyline');
    expect(svg).toContain('1 sept.');
    expect(svg).toContain('3 sept.');
    expect(svg).toContain('100 €');
    expect(cumulativeChartSvg({ id: 'e', title: 't', desc: 'd', colour: '#1f4e9c', formatValue: String, points: [{ label: 'x', value: 1 }] })).toContain(
      '<polyline',
    );
    expect(cumulativeChartSvg({ id: 'f', title: 't', desc: 'd', colour: '#1f4e9c', formatValue: String, points: [] })).not.toContain('<polyline');
  });

  it('escapes the five XML characters', () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;');
  });
});
