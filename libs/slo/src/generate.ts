import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse } from 'yaml';
import { loadCatalog, type MetricCatalog } from './catalog/catalog';
import { DASHBOARDS } from './dashboards';
import { buildDashboard } from './dashboards/panels';
import { promtoolTests } from './rules/promtool-tests';
import type { RuleFile } from './rules/rule-types';
import { checkLatencyThreshold } from './rules/sli-queries';
import { type SloContext, sloContext, sloRuleGroups } from './rules/slo-rules';
import { DRILL, PRODUCTION } from './rules/windows';
import { type SloSpec, SloSpecSchema } from './spec/schema';
import { generatedHeader, prettierFormatAll, toYaml } from './yaml-output';

/** Where everything lives, relative to the repository root. */
export const PATHS = {
  specs: 'slo',
  catalog: 'slo/metrics',
  rules: 'alerts/generated',
  drill: 'alerts/drill',
  tests: 'alerts/tests/generated',
  dashboards: 'dashboards',
  runbooks: 'runbooks',
} as const;

/** Directories whose every file is generated (a file there that the generator no longer writes is stale). */
export const GENERATED_DIRS = [PATHS.rules, PATHS.drill, PATHS.tests] as const;

export interface GeneratedFile {
  readonly path: string;
  readonly content: string;
}

export interface LoadedSpec {
  readonly file: string;
  readonly spec: SloSpec;
}

export class SpecError extends Error {
  override readonly name = 'SpecError';
}

export function loadSpecs(root: string): LoadedSpec[] {
  const dir = join(root, PATHS.specs);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => {
      const file = join(PATHS.specs, f);
      const parsed = SloSpecSchema.safeParse(parse(readFileSync(join(root, file), 'utf8')));
      if (!parsed.success) {
        throw new SpecError(
          `${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
        );
      }
      return { file, spec: parsed.data };
    });
}

export interface Generation {
  readonly files: GeneratedFile[];
  /** Things the generator could not verify yet, for a person to resolve (never silently passed). */
  readonly todos: string[];
  readonly contexts: SloContext[];
}

/** Refuses specs whose runbook or dashboard is missing, or whose latency threshold is not a bucket. */
function validate(root: string, contexts: readonly SloContext[], catalog: MetricCatalog): string[] {
  const todos: string[] = [];
  const uids = new Set(DASHBOARDS.map((d) => d.uid));
  const problems: string[] = [];
  const ids = new Set<string>();
  for (const ctx of contexts) {
    const a = ctx.slo.alerting;
    if (ids.has(ctx.id)) {
      problems.push(`${ctx.id}: duplicate SLO id`);
    }
    ids.add(ctx.id);
    if (a.runbook !== `${PATHS.runbooks}/${a.name}.md`) {
      problems.push(`${ctx.id}: runbook must be ${PATHS.runbooks}/${a.name}.md (one runbook per alert name)`);
    } else if (!existsSync(join(root, a.runbook))) {
      problems.push(`${ctx.id}: runbook ${a.runbook} does not exist`);
    }
    if (!uids.has(a.dashboard)) {
      problems.push(`${ctx.id}: dashboard '${a.dashboard}' is not one of ${[...uids].join(', ')}`);
    }
    try {
      const todo = checkLatencyThreshold(ctx.slo, catalog);
      if (todo) {
        todos.push(todo);
      }
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  if (problems.length > 0) {
    throw new SpecError(problems.join('\n'));
  }
  return todos;
}

function ruleFile(contexts: readonly SloContext[], mode: typeof PRODUCTION): RuleFile {
  return { groups: contexts.flatMap((ctx) => sloRuleGroups(ctx, mode)) };
}

/** Every generated artifact, formatted exactly as committed. Pure apart from reading specs and catalogs. */
export function generate(root: string): Generation {
  const catalog = loadCatalog(join(root, PATHS.catalog));
  const specs = loadSpecs(root);
  const allContexts: SloContext[] = [];
  const files: GeneratedFile[] = [];
  for (const { file, spec } of specs) {
    // One rule file per SLO (Sloth's layout), so each promtool test evaluates only the rules it tests.
    for (const ctx of spec.slos.map((slo) => sloContext(spec, slo))) {
      allContexts.push(ctx);
      const rulesPath = `${PATHS.rules}/${ctx.id}.rules.yml`;
      files.push({
        path: rulesPath,
        content:
          generatedHeader(file, [
            `Production rules of SLO ${ctx.id}: SLI recordings per window, meta recordings,`,
            'multi-window multi-burn-rate page and ticket alerts, and the no-data alert.',
          ]) + toYaml(ruleFile([ctx], PRODUCTION)),
      });
      files.push({
        path: `${PATHS.drill}/${ctx.id}.drill.yml`,
        content:
          generatedHeader(file, [
            `DRILL rules of SLO ${ctx.id}: the production rules with every window and \`for\` divided by ${DRILL.divisor}`,
            '(5m → 5s, 1h → 1m, 3d → 72m, 30d → 12h). Record names and labels keep the production window names;',
            'alerts carry drill="true". Needs a 1 s scrape and evaluation interval. Never load it in production.',
          ]) + toYaml(ruleFile([ctx], DRILL)),
      });
      const groups = sloRuleGroups(ctx, PRODUCTION).map((g) => g.name);
      const tests = promtoolTests([ctx], `../../generated/${ctx.id}.rules.yml`, groups);
      for (const [tier, test] of [
        ['page', tests.page],
        ['ticket', tests.ticket],
      ] as const) {
        if (test.tests.length === 0) {
          continue;
        }
        files.push({
          path: `${PATHS.tests}/${ctx.id}.${tier}.test.yml`,
          content:
            generatedHeader(file, [
              `promtool unit tests of the ${tier} tier of ${ctx.id}: raw counters through the real recording`,
              'and alerting rules. Each test name states the arithmetic; run with `promtool test rules`.',
            ]) + toYaml(test),
        });
      }
    }
  }
  for (const spec of DASHBOARDS) {
    files.push({
      path: `${PATHS.dashboards}/${spec.uid}.json`,
      content: `${JSON.stringify(buildDashboard(spec), null, 2)}\n`,
    });
  }
  const todos = validate(root, allContexts, catalog);
  for (const job of catalog.pendingJobs()) {
    todos.push(`metric catalog of job '${job.job}' is pending: ${job.todo}`);
  }
  const texts = prettierFormatAll(
    files.map((f) => ({ text: f.content, filepath: join(root, f.path) })),
    root,
  );
  return { files: files.map((f, i) => ({ path: f.path, content: texts[i]! })), todos, contexts: allContexts };
}

/** Files in generated directories that the generator does not produce (left over from a rename). */
export function staleFiles(root: string, files: readonly GeneratedFile[]): string[] {
  const produced = new Set(files.map((f) => f.path));
  const stale: string[] = [];
  for (const dir of GENERATED_DIRS) {
    if (!existsSync(join(root, dir))) {
      continue;
    }
    for (const f of readdirSync(join(root, dir))) {
      const path = `${dir}/${basename(f)}`;
      if (!produced.has(path)) {
        stale.push(path);
      }
    }
  }
  return stale;
}
