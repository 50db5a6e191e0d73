import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  DEFAULT_EVAL_OPTIONS,
  type EvalReport,
  evaluateOffline,
  loadOrBuildIndex,
  PhoenixRuntime,
} from '@foryou/phoenix-model';
import { actionHistory, generateWorld } from '@foryou/world';
import { Command, Option } from 'commander';
import { z } from 'zod';
import { argParser, parseOptions, ScaleArg, SeedArg, WORLD_SCALES } from '../args';
import { readCliEnv } from '../config/cli-env';
import type { CliIo } from '../io';
import { createUserProgress } from '../ml/epoch-progress';
import { formatEvalHeader, formatEvalTable } from '../ml/eval-table';
import { KListArg, MaxUsersArg, PathArg } from '../ml/ml-args';
import { loadOrTrain } from '../ml/phoenix-model-source';
import { DEFAULT_ARTIFACT_DIR } from './train.command';

const EvalOptions = z.object({
  scale: ScaleArg,
  seed: SeedArg,
  k: z.array(z.number().int().min(1)).min(1),
  json: PathArg.optional(),
  artifacts: PathArg,
  maxUsers: MaxUsersArg,
});
export type EvalOptions = z.infer<typeof EvalOptions>;

export function evalCommand(io: CliIo): Command {
  return new Command('eval')
    .description(
      'Offline evaluation on the time-split holdout: Recall@K and NDCG@K of retrieval (exact and HNSW) and of ' +
        'the ranked feed vs a popularity baseline, for new and established users. Exits 1 when the feed does ' +
        'not beat the popularity baseline on every slice.',
    )
    .addOption(
      new Option('--scale <scale>', 'world scale')
        .choices(WORLD_SCALES)
        .argParser(argParser(ScaleArg))
        .default('medium'),
    )
    .addOption(new Option('--seed <n>', 'world seed').argParser(argParser(SeedArg)).default(42))
    .addOption(
      new Option('--k <list>', 'cut-offs, comma-separated')
        .argParser(argParser(KListArg))
        .default([10, 50, 200], '10,50,200'),
    )
    .addOption(
      new Option('--json <file>', 'also write the full report as JSON').argParser(argParser(PathArg)),
    )
    .addOption(
      new Option('--artifacts <dir>', 'artifact root (trained there first when missing)')
        .argParser(argParser(PathArg))
        .default(DEFAULT_ARTIFACT_DIR),
    )
    .addOption(
      new Option('--max-users <n>', 'users evaluated per slice at most (seeded sample)')
        .argParser(argParser(MaxUsersArg))
        .default(DEFAULT_EVAL_OPTIONS.maxUsersPerSlice),
    )
    .action(async (_options: unknown, self: Command) => {
      const options = parseOptions(EvalOptions, self.opts());
      process.exitCode = await runEval(options, { io });
    });
}

export interface EvalDeps {
  readonly io: CliIo;
  /** Draw progress bars (default: from the environment). */
  readonly interactive?: boolean;
}

/** The JSON report: the evaluation plus what produced it and how long each step took. */
export interface EvalFile {
  readonly world: string;
  readonly scale: string;
  readonly seed: number;
  readonly timingsSeconds: Record<string, number>;
  readonly report: EvalReport;
}

/** Runs the evaluation, prints the table, writes --json; exit code 0 iff the feed beats popularity on every slice. */
export async function runEval(options: EvalOptions, deps: EvalDeps): Promise<number> {
  const { io } = deps;
  const interactive = deps.interactive ?? readCliEnv().interactive;
  const timings: Record<string, number> = {};
  const step = async <T>(name: string, fn: () => T | Promise<T>): Promise<T> => {
    const t = performance.now();
    const value = await fn();
    timings[name] = Number(((performance.now() - t) / 1000).toFixed(3));
    return value;
  };
  const world = await step('world', () => generateWorld({ seed: options.seed, scale: options.scale }));
  const history = await step('history', () => actionHistory(world));
  const model = await step('model', () =>
    loadOrTrain(world, history, options.artifacts, { interactive, io }),
  );
  io.out(`Model ${model.model.version} (${model.origin}) from ${model.dir}\n`);
  const runtime = await step('embed_corpus', () => PhoenixRuntime.create(model.model, world));
  const index = await step('index', () => loadOrBuildIndex(runtime, model.dir));
  const progress = createUserProgress(interactive, io);
  let report: EvalReport;
  try {
    report = await step('evaluate', () =>
      evaluateOffline(
        world,
        runtime,
        index.index,
        history,
        { ...DEFAULT_EVAL_OPTIONS, ks: options.k, maxUsersPerSlice: options.maxUsers },
        (done, total) => progress.update({ done, total }),
      ),
    );
  } finally {
    progress.stop();
  }
  io.out(`\n${formatEvalHeader(report, world.version)}\n\n${formatEvalTable(report)}\n\n`);
  io.out(`Protocol:\n${report.protocol.map((p) => `  - ${p}`).join('\n')}\n`);
  io.out(
    `Timings: ${Object.entries(timings)
      .map(([k, v]) => `${k} ${v.toFixed(1)} s`)
      .join(' · ')} (index ${index.origin})\n`,
  );
  if (options.json) {
    const file: EvalFile = {
      world: world.version,
      scale: options.scale,
      seed: options.seed,
      timingsSeconds: timings,
      report,
    };
    mkdirSync(dirname(options.json), { recursive: true });
    writeFileSync(options.json, `${JSON.stringify(file, null, 2)}\n`);
    io.out(`Report written to ${options.json}\n`);
  }
  return report.beatsPopularity.new && report.beatsPopularity.established ? 0 : 1;
}
