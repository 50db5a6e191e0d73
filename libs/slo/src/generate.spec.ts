import { copyFileSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { loadCatalog } from './catalog/catalog';
import { generate, loadSpecs, PATHS, staleFiles, type Generation } from './generate';
import { parsePromql } from './lint/promql';
import { alertingRules, productionRuleFiles, recordedNames } from './lint/repo-rules';
import type { RuleFile } from './rules/rule-types';
import { DRILL } from './rules/windows';
import { parseDuration } from './spec/duration';

const ROOT = join(__dirname, '../../..');

describe('SLO generator on the repository specs', () => {
  let generation: Generation;

  beforeAll(() => {
    generation = generate(ROOT);
  });

  it('should validate every spec in slo/ against the schema', () => {
    const specs = loadSpecs(ROOT);
    expect(specs.map((s) => s.spec.service)).toEqual(['home-mixer', 'thunder']);
    expect(generation.contexts.map((c) => c.id)).toEqual([
      'home-mixer-feed-availability',
      'home-mixer-feed-latency',
      'home-mixer-feed-quality',
      'home-mixer-served-history-freshness',
      'thunder-ingestion-freshness',
    ]);
  });

  it('should be idempotent and match the committed files (the drift check)', () => {
    const again = generate(ROOT);
    expect(again.files).toEqual(generation.files);
    const drift = generation.files.filter((f) => readFileSync(join(ROOT, f.path), 'utf8') !== f.content);
    expect(drift.map((f) => f.path)).toEqual([]);
    expect(staleFiles(ROOT, generation.files)).toEqual([]);
  });

  it('should have nothing left to verify: every catalog is a live capture', () => {
    // A pending (transcribed) catalog would be listed here as a TODO, never passed silently.
    expect(generation.todos).toEqual([]);
  });

  it('should parse every rule expression with the PromQL grammar and reference only existing series', () => {
    const catalog = loadCatalog(join(ROOT, PATHS.catalog));
    const files = productionRuleFiles(ROOT);
    const drill = generation.files
      .filter((f) => f.path.startsWith(PATHS.drill))
      .map((f) => ({ path: f.path, file: parse(f.content) as RuleFile }));
    const recorded = recordedNames(files);
    const problems: string[] = [];
    for (const { path, file } of [...files, ...drill]) {
      for (const rule of file.groups.flatMap((g) => g.rules)) {
        const parsed = parsePromql(rule.expr);
        if (parsed.errors.length > 0) {
          problems.push(`${path}: does not parse: ${rule.expr}`);
        }
        for (const m of parsed.metrics) {
          if (!catalog.series(m) && !recorded.has(m)) {
            problems.push(`${path}: unknown series ${m}`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('should give every alert a severity, an existing runbook and a dashboard url', () => {
    const dashboards = new Set(
      generation.files
        .filter((f) => f.path.endsWith('.json'))
        .map((f) => (JSON.parse(f.content) as { uid: string }).uid),
    );
    for (const alert of alertingRules(productionRuleFiles(ROOT))) {
      expect(['page', 'ticket']).toContain(alert.labels.severity);
      expect(alert.annotations.runbook_url).toBe(`runbooks/${alert.alert}.md`);
      expect(() => readFileSync(join(ROOT, alert.annotations.runbook_url!))).not.toThrow();
      const uid = /\/d\/([a-z0-9-]+)$/.exec(alert.annotations.dashboard_url ?? '')?.[1];
      expect(dashboards.has(uid ?? '')).toBe(true);
      expect(alert.annotations.summary?.length).toBeGreaterThan(0);
    }
  });

  it('should give every alert at least one promtool test', () => {
    const names = new Set(alertingRules(productionRuleFiles(ROOT)).map((a) => a.alert));
    const tested = new Set<string>();
    const testFiles = [
      ...generation.files.filter((f) => f.path.startsWith(PATHS.tests)).map((f) => f.content),
      // Every hand-written test file (alerts/tests/*.test.yml), so a new one cannot be forgotten here.
      ...readdirSync(join(ROOT, 'alerts/tests'))
        .filter((f) => f.endsWith('.test.yml'))
        .map((f) => readFileSync(join(ROOT, 'alerts/tests', f), 'utf8')),
    ];
    for (const text of testFiles) {
      const file = parse(text) as { tests: { alert_rule_test?: { alertname: string }[] }[] };
      for (const t of file.tests) {
        for (const a of t.alert_rule_test ?? []) {
          tested.add(a.alertname);
        }
      }
    }
    expect([...names].filter((n) => !tested.has(n))).toEqual([]);
  });

  it('should make the drill rule set the production rules with every window divided by the drill factor', () => {
    for (const ctx of generation.contexts) {
      const prod = parse(
        generation.files.find((f) => f.path === `${PATHS.rules}/${ctx.id}.rules.yml`)!.content,
      ) as RuleFile;
      const drill = parse(
        generation.files.find((f) => f.path === `${PATHS.drill}/${ctx.id}.drill.yml`)!.content,
      ) as RuleFile;
      const prodRules = prod.groups.flatMap((g) => g.rules);
      const drillRules = drill.groups.flatMap((g) => g.rules);
      expect(drillRules.length).toBe(prodRules.length);
      prodRules.forEach((rule, i) => {
        const scaled = rule.expr
          .replace(/\[(\d+[smhd])\]/g, (_, w: string) => `[${formatScaled(w)}]`)
          .replace(/\* (\d+) >=/g, (_, s: string) => `* ${Number(s) / DRILL.divisor} >=`);
        expect(drillRules[i]!.expr).toBe(scaled);
      });
    }
  });

  it('should refuse a latency threshold that is not a bucket boundary, naming the buckets', () => {
    const dir = mkdtempSync(join(tmpdir(), 'slo-spec-'));
    try {
      cpSync(join(ROOT, 'slo'), join(dir, 'slo'), { recursive: true });
      cpSync(join(ROOT, 'runbooks'), join(dir, 'runbooks'), { recursive: true });
      copyFileSync(join(ROOT, '.prettierrc.json'), join(dir, '.prettierrc.json'));
      const spec = parse(readFileSync(join(dir, 'slo/feed.yaml'), 'utf8')) as {
        slos: { sli: { latency?: { threshold_seconds: number } } }[];
      };
      spec.slos.find((s) => s.sli.latency)!.sli.latency!.threshold_seconds = 0.35;
      writeFileSync(join(dir, 'slo/feed.yaml'), stringify(spec));
      expect(() => generate(dir)).toThrow(/threshold 0.35s is not a bucket boundary .*0\.3, 0\.4/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function formatScaled(window: string): string {
  const seconds = parseDuration(window) / DRILL.divisor;
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3600],
    ['m', 60],
  ] as const) {
    if (seconds % size === 0) {
      return `${seconds / size}${unit}`;
    }
  }
  return `${seconds}s`;
}
