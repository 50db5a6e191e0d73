import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadCatalog } from './catalog/catalog';
import { program } from './cli';
import { DASHBOARDS } from './dashboards';
import { alertingRules, productionRuleFiles, recordedNames } from './lint/repo-rules';

const ROOT = join(__dirname, '../../..');
const SECTIONS = ['Meaning', 'Impact', 'Diagnosis', 'Mitigation', 'Verification', 'Escalation'];
/** home-mixer HTTP paths a runbook may name (apps/home-mixer controllers). */
const HOME_MIXER_PATHS = [
  '/healthz',
  '/readyz',
  '/metrics',
  '/v1/feed/for-you',
  '/v1/feed/for-you/debug',
  '/v1/admin/faults',
];

/** workers HTTP paths a runbook may name (apps/workers/src/http/http-server.ts). */
const WORKERS_PATHS = ['/healthz', '/readyz', '/metrics'];

/**
 * Commands and subcommands of the foryou CLI (`node apps/cli/dist/main.js <command> [<subcommand>]`), read
 * from its sources as text (`new Command('<name>')`): libraries do not import apps.
 */
function cliCommands(): Set<string> {
  const names = new Set<string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(path);
      } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) {
        for (const [, name] of readFileSync(path, 'utf8').matchAll(/new Command\('([a-z][a-z-]*)'\)/g)) {
          names.add(name!);
        }
      }
    }
  };
  walk(join(ROOT, 'apps/cli/src'));
  return names;
}

function runbooks(): { name: string; text: string }[] {
  return readdirSync(join(ROOT, 'runbooks'))
    .filter((f) => f.endsWith('.md') && f !== 'README.md')
    .map((f) => ({ name: f.replace(/\.md$/, ''), text: readFileSync(join(ROOT, 'runbooks', f), 'utf8') }));
}

describe('runbooks', () => {
  const alerts = alertingRules(productionRuleFiles(ROOT));
  const alertNames = new Set(alerts.map((a) => a.alert));

  it('should exist for every alert, and every runbook should belong to an alert', () => {
    const names = new Set(runbooks().map((r) => r.name));
    expect([...alertNames].filter((a) => !names.has(a))).toEqual([]);
    expect([...names].filter((n) => !alertNames.has(n))).toEqual([]);
  });

  it('should have Meaning, Impact, Diagnosis, Mitigation, Verification and Escalation, in that order', () => {
    for (const { name, text } of runbooks()) {
      const headings = [...text.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
      expect({ name, headings }).toEqual({ name, headings: SECTIONS });
    }
  });

  it('should name only metrics, recording rules, dashboards, alerts, files, commands and endpoints that exist', () => {
    const catalog = loadCatalog(join(ROOT, 'slo/metrics'));
    const recorded = recordedNames(productionRuleFiles(ROOT));
    const uids = new Set(DASHBOARDS.map((d) => d.uid));
    const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as {
      services: Record<string, unknown>;
    };
    const sloCommands = new Set(program().commands.map((c) => c.name()));
    const cli = cliCommands();
    expect(['dlq', 'list', 'inspect', 'replay', 'reconcile'].filter((c) => !cli.has(c))).toEqual([]);
    const problems: string[] = [];
    for (const { name, text } of runbooks()) {
      const where = `runbooks/${name}.md`;
      for (const [token] of text.matchAll(
        /\b(?:foryou|nodejs|process)_[a-z0-9_]+|\bslo:[a-z_]+:[a-z0-9_]+/g,
      )) {
        if (!catalog.series(token) && !catalog.metric(token) && !recorded.has(token)) {
          problems.push(`${where}: metric ${token} does not exist`);
        }
      }
      for (const [, uid] of text.matchAll(/`(foryou-[a-z-]+)`/g)) {
        if (!uids.has(uid!)) {
          problems.push(`${where}: dashboard ${uid} does not exist`);
        }
      }
      for (const [word] of text.matchAll(
        /\b[A-Z][a-z]+(?:[A-Z][a-z0-9]*)+(?:BudgetBurn|Absent|Violated|Down|Unavailable|Spike|High|Aging|Growing|Draining|Missing)\b/g,
      )) {
        if (!alertNames.has(word)) {
          problems.push(`${where}: alert ${word} does not exist`);
        }
      }
      for (const [path] of text.matchAll(
        /\b(?:apps|libs|alerts|slo|runbooks|ops|dashboards)\/[A-Za-z0-9_./<>-]*[A-Za-z0-9_]/g,
      )) {
        if (!path.includes('<') && !existsSync(join(ROOT, path))) {
          problems.push(`${where}: path ${path} does not exist`);
        }
      }
      for (const [, verb, services] of text.matchAll(
        /docker compose (?:--profile \w+ )?(restart|up -d|ps|logs(?: --tail \d+)?|stop)((?: [a-z-]+)*)/g,
      )) {
        for (const s of (services ?? '').trim().split(/\s+/).filter(Boolean)) {
          if (!(s in compose.services)) {
            problems.push(`${where}: docker compose ${verb} ${s}: no such service`);
          }
        }
      }
      for (const [, cmd] of text.matchAll(/node libs\/slo\/dist\/cli\.js ([a-z-]+)/g)) {
        if (!sloCommands.has(cmd!)) {
          problems.push(`${where}: slo command ${cmd} does not exist`);
        }
      }
      for (const [, path] of text.matchAll(/127\.0\.0\.1:8080(\/[a-z0-9/-]*[a-z0-9])/g)) {
        if (!HOME_MIXER_PATHS.some((p) => path === p || path!.startsWith(`${p}/`))) {
          problems.push(`${where}: home-mixer endpoint ${path} does not exist`);
        }
      }
      for (const [, path] of text.matchAll(/127\.0\.0\.1:8083(\/[a-z0-9/-]*[a-z0-9])/g)) {
        if (!WORKERS_PATHS.includes(path!)) {
          problems.push(`${where}: workers endpoint ${path} does not exist`);
        }
      }
      // The command and, when there is one, the subcommand (an argument is written as <placeholder>).
      for (const [, words] of text.matchAll(/node apps\/cli\/dist\/main\.js((?: [a-z][a-z-]*){1,2})/g)) {
        for (const word of words!.trim().split(' ')) {
          if (!cli.has(word)) {
            problems.push(`${where}: foryou CLI command ${word} does not exist`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });
});
