#!/usr/bin/env node
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { catalogFromExposition } from './catalog/catalog';
import { generate, PATHS, staleFiles } from './generate';
import type { DashboardJson } from './render/render-dashboard';
import { renderDashboard } from './render/render-dashboard';
import { parseDuration } from './spec/duration';
import { generatedHeader, prettierFormatAll, toCompactYaml } from './yaml-output';

/* eslint-disable no-console -- a command-line entry point talks to its terminal */

function findRoot(start: string): string {
  let dir = resolve(start);
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { workspaces?: unknown };
      if (pkg.workspaces) {
        return dir;
      }
    } catch {
      // no package.json here
    }
    const parent = dirname(dir);
    if (parent === dir) {
      throw new Error(`no workspace root above ${start}`);
    }
    dir = parent;
  }
}

function durationArg(value: string): number {
  try {
    return parseDuration(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

function runGenerate(root: string): number {
  const { files, todos } = generate(root);
  for (const f of files) {
    mkdirSync(dirname(join(root, f.path)), { recursive: true });
    writeFileSync(join(root, f.path), f.content);
  }
  const stale = staleFiles(root, files);
  console.log(`wrote ${files.length} files`);
  for (const s of stale) {
    console.log(`stale (not generated any more, delete it): ${s}`);
  }
  for (const t of todos) {
    console.log(`TODO: ${t}`);
  }
  return stale.length > 0 ? 1 : 0;
}

function runCheck(root: string): number {
  const { files, todos } = generate(root);
  const drift: string[] = [];
  for (const f of files) {
    let current: string | null = null;
    try {
      current = readFileSync(join(root, f.path), 'utf8');
    } catch {
      current = null;
    }
    if (current !== f.content) {
      drift.push(current === null ? `${f.path} (missing)` : f.path);
    }
  }
  drift.push(...staleFiles(root, files).map((s) => `${s} (stale)`));
  for (const t of todos) {
    console.log(`TODO: ${t}`);
  }
  if (drift.length > 0) {
    console.error(`generated files differ from slo/ — run \`npm run generate\`:\n  ${drift.join('\n  ')}`);
    return 1;
  }
  console.log(`${files.length} generated files up to date`);
  return 0;
}

async function runCatalog(root: string, job: string, from: string, out: string | undefined): Promise<number> {
  const res = await fetch(from, { signal: AbortSignal.timeout(10_000) });
  const catalog = catalogFromExposition(job, await res.text());
  const path = out ?? join(root, PATHS.catalog, `${job}.yaml`);
  const text =
    generatedHeader(`a live scrape of ${job} (slo catalog --job ${job} --from <url>/metrics)`, [
      'The metric catalog the SLO generator and the dashboard/runbook lints check names against.',
    ]).replace(
      'Regenerate with `npm run generate`; `npm run check:generated` fails when this file is stale.',
      'Refresh after changing a telemetry/metrics.ts; the live e2e test fails when it is stale.',
    ) + toCompactYaml(catalog);
  writeFileSync(path, prettierFormatAll([{ text, filepath: path }], root)[0]!);
  console.log(`${catalog.metrics.length} metric families of ${job} → ${path}`);
  return 0;
}

async function runRender(root: string, prometheus: string, sinceSec: number, out: string): Promise<number> {
  const endSec = Math.floor(Date.now() / 1000);
  const dir = resolve(root, out);
  mkdirSync(dir, { recursive: true });
  const files = readdirSync(join(root, PATHS.dashboards)).filter((f) => f.endsWith('.json'));
  for (const file of files.sort()) {
    const dashboard = JSON.parse(readFileSync(join(root, PATHS.dashboards, file), 'utf8')) as DashboardJson;
    const png = await renderDashboard(dashboard, { prometheus, startSec: endSec - sinceSec, endSec });
    const path = join(dir, `${dashboard.uid}.png`);
    writeFileSync(path, png);
    console.log(`${dashboard.title} → ${path}`);
  }
  return 0;
}

export function program(): Command {
  const cli = new Command('slo').description('SLOs as code: rules, promtool tests, dashboards, drift check.');
  cli.option('--root <dir>', 'repository root (default: the npm workspace root above the working directory)');
  const root = (): string => {
    const opt = cli.opts<{ root?: string }>().root;
    return opt ? resolve(opt) : findRoot(process.cwd());
  };
  cli
    .command('generate')
    .description(
      'write alerts/generated, alerts/drill, alerts/tests/generated and dashboards/*.json from slo/',
    )
    .action(() => {
      process.exitCode = runGenerate(root());
    });
  cli
    .command('check')
    .description('fail when the committed generated files differ from what `generate` would write')
    .action(() => {
      process.exitCode = runCheck(root());
    });
  cli
    .command('catalog')
    .description('capture the metric catalog of a running process (slo/metrics/<job>.yaml)')
    .requiredOption('--job <job>', 'scrape job name (home-mixer, thunder, phoenix)')
    .requiredOption('--from <url>', 'its /metrics URL, e.g. http://127.0.0.1:8080/metrics')
    .option('--out <file>', 'output file (default slo/metrics/<job>.yaml)')
    .action(async (opts: { job: string; from: string; out?: string }) => {
      process.exitCode = await runCatalog(root(), opts.job, opts.from, opts.out);
    });
  cli
    .command('render')
    .description('query a real Prometheus over a time range and write one PNG per dashboard')
    .option('--prometheus <url>', 'Prometheus base URL', 'http://127.0.0.1:9090')
    .option('--since <duration>', 'time range ending now, e.g. 30m, 3h', durationArg, 3600)
    .option('--out <dir>', 'output directory', '.cache/dashboards')
    .action(async (opts: { prometheus: string; since: number; out: string }) => {
      process.exitCode = await runRender(root(), opts.prometheus, opts.since, opts.out);
    });
  return cli;
}

if (require.main === module) {
  program()
    .parseAsync(process.argv)
    .catch((err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exitCode = 1;
    });
}
