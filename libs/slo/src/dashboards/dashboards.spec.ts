import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { loadCatalog } from '../catalog/catalog';
import { parsePromql } from '../lint/promql';
import { productionRuleFiles, recordedNames } from '../lint/repo-rules';
import { DASHBOARDS } from './index';

const ROOT = join(__dirname, '../../../..');

/**
 * The parts of Grafana's classic dashboard JSON model we rely on (Grafana publishes no JSON Schema; this
 * is the contract the provisioning, the links in alerts and the PNG renderer depend on).
 */
const DashboardJsonSchema = z.object({
  uid: z.string().regex(/^[a-z0-9-]{1,40}$/),
  title: z.string().min(1),
  tags: z.array(z.string()).min(1),
  schemaVersion: z.number().int(),
  time: z.object({ from: z.string(), to: z.string() }),
  panels: z
    .array(
      z.object({
        type: z.enum(['timeseries', 'stat']),
        title: z.string().min(1),
        description: z.string().min(1),
        datasource: z.object({ type: z.literal('prometheus'), uid: z.literal('prometheus') }),
        gridPos: z.object({
          x: z.number().int().min(0),
          y: z.number().int().min(0),
          w: z.number().int().min(1),
          h: z.number().int().min(1),
        }),
        targets: z
          .array(
            z.object({
              refId: z.string(),
              expr: z.string().min(1),
              legendFormat: z.string(),
              datasource: z.object({ uid: z.literal('prometheus') }),
            }),
          )
          .min(1),
      }),
    )
    .min(1),
});

function committed(): { file: string; json: z.infer<typeof DashboardJsonSchema> }[] {
  return readdirSync(join(ROOT, 'dashboards'))
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({
      file,
      json: DashboardJsonSchema.parse(JSON.parse(readFileSync(join(ROOT, 'dashboards', file), 'utf8'))),
    }));
}

describe('dashboards as code', () => {
  it('should commit one JSON per dashboard, named by its stable uid, in the schema Grafana provisioning loads', () => {
    const dashboards = committed();
    expect(dashboards.map((d) => d.file)).toEqual(DASHBOARDS.map((d) => `${d.uid}.json`).sort());
    expect(dashboards.map((d) => d.json.uid)).toEqual(dashboards.map((d) => d.file.replace(/\.json$/, '')));
  });

  it('should keep every panel inside the 24-column grid without overlaps', () => {
    for (const { json } of committed()) {
      const cells = new Set<string>();
      for (const p of json.panels) {
        expect(p.gridPos.x + p.gridPos.w).toBeLessThanOrEqual(24);
        for (let x = p.gridPos.x; x < p.gridPos.x + p.gridPos.w; x++) {
          for (let y = p.gridPos.y; y < p.gridPos.y + p.gridPos.h; y++) {
            expect(cells.has(`${x},${y}`)).toBe(false);
            cells.add(`${x},${y}`);
          }
        }
      }
    }
  });

  it('should parse every expr and reference only metrics in the catalog or recorded by our rules', () => {
    const catalog = loadCatalog(join(ROOT, 'slo/metrics'));
    const recorded = recordedNames(productionRuleFiles(ROOT));
    const problems: string[] = [];
    const pending = new Set<string>();
    for (const { file, json } of committed()) {
      for (const panel of json.panels) {
        for (const target of panel.targets) {
          const parsed = parsePromql(target.expr);
          if (parsed.errors.length > 0) {
            problems.push(`${file} "${panel.title}": does not parse: ${target.expr}`);
          }
          for (const m of parsed.metrics) {
            const info = catalog.series(m);
            if (!info && !recorded.has(m)) {
              problems.push(`${file} "${panel.title}": unknown series ${m}`);
            } else if (info?.pending) {
              pending.add(m);
            }
          }
        }
      }
    }
    expect(problems).toEqual([]);
    // Series of services whose catalog is still transcribed, not captured live (reported, not hidden).
    expect([...pending].every((m) => m.startsWith('foryou_thunder_'))).toBe(true);
  });

  it('should catch an unknown metric and a syntax error (the lint itself works)', () => {
    expect(parsePromql('sum(rate(foo_total[5m])').errors.length).toBeGreaterThan(0);
    expect(parsePromql('rate(foo_total{a="b"}[$__rate_interval]) / on() bar').metrics).toEqual([
      'foo_total',
      'bar',
    ]);
    expect(parsePromql('rate(foo_total{a="b"}[$__rate_interval])').errors).toEqual([]);
  });
});
