import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { isAlertingRule, type AlertingRule, type RuleFile } from '../rules/rule-types';

/** Every rule file Prometheus loads in production: hand-written alerts/*.rules.yml + alerts/generated. */
export function productionRuleFiles(root: string): { path: string; file: RuleFile }[] {
  const out: { path: string; file: RuleFile }[] = [];
  for (const dir of ['alerts', 'alerts/generated']) {
    for (const f of readdirSync(join(root, dir))
      .filter((n) => n.endsWith('.rules.yml'))
      .sort()) {
      out.push({ path: `${dir}/${f}`, file: parse(readFileSync(join(root, dir, f), 'utf8')) as RuleFile });
    }
  }
  return out;
}

export function recordedNames(files: readonly { file: RuleFile }[]): Set<string> {
  const names = new Set<string>();
  for (const { file } of files) {
    for (const group of file.groups) {
      for (const rule of group.rules) {
        if (!isAlertingRule(rule)) {
          names.add(rule.record);
        }
      }
    }
  }
  return names;
}

export function alertingRules(files: readonly { file: RuleFile }[]): AlertingRule[] {
  return files.flatMap(({ file }) => file.groups.flatMap((g) => g.rules.filter(isAlertingRule)));
}
