import {
  type ArtifactManifest,
  ArtifactMissingError,
  artifactDir,
  loadArtifacts,
  loadOrBuildIndex,
  PhoenixRuntime,
} from '@foryou/phoenix-model';
import { actionHistory, generateWorld, type World } from '@foryou/world';
import { Command, Option } from 'commander';
import { z } from 'zod';
import { argParser, parseOptions, ScaleArg, SeedArg, WORLD_SCALES } from '../args';
import { readCliEnv } from '../config/cli-env';
import { CliError, type CliIo } from '../io';
import { PathArg } from '../ml/ml-args';
import { trainAndWrite } from '../ml/phoenix-model-source';

const TrainOptions = z.object({
  scale: ScaleArg,
  seed: SeedArg,
  out: PathArg,
  force: z.boolean().default(false),
});
export type TrainOptions = z.infer<typeof TrainOptions>;

export const DEFAULT_ARTIFACT_DIR = '.cache/phoenix';

export function trainCommand(io: CliIo): Command {
  return new Command('train')
    .description(
      'Train the Phoenix models (two-tower retrieval + multi-head ranker) on the synthetic world, write the ' +
        'versioned artifact and its HNSW index, and print a summary.',
    )
    .addOption(
      new Option('--scale <scale>', 'world scale')
        .choices(WORLD_SCALES)
        .argParser(argParser(ScaleArg))
        .default('medium'),
    )
    .addOption(new Option('--seed <n>', 'world seed').argParser(argParser(SeedArg)).default(42))
    .addOption(
      new Option('--out <dir>', 'artifact root (phoenix reads PHOENIX_ARTIFACT_DIR)')
        .argParser(argParser(PathArg))
        .default(DEFAULT_ARTIFACT_DIR),
    )
    .addOption(new Option('--force', 'retrain and replace an existing artifact'))
    .action(async (_options: unknown, self: Command) => {
      const options = parseOptions(TrainOptions, self.opts());
      process.exitCode = await runTrain(options, { io });
    });
}

export interface TrainDeps {
  readonly io: CliIo;
  /** Draw progress bars (default: from the environment). */
  readonly interactive?: boolean;
}

const secs = (t: number) => `${((performance.now() - t) / 1000).toFixed(1)} s`;
const n = (v: number) => v.toLocaleString('en-US');

/** Trains unless a valid artifact exists (then says so); returns the exit code. */
export async function runTrain(options: TrainOptions, deps: TrainDeps): Promise<number> {
  const { io } = deps;
  const interactive = deps.interactive ?? readCliEnv().interactive;
  let t = performance.now();
  const world = generateWorld({ seed: options.seed, scale: options.scale });
  io.out(`World ${world.version}: ${n(world.users.size)} users, ${n(world.posts.size)} posts (${secs(t)})\n`);

  if (!options.force) {
    const existing = existingModel(options.out, world);
    if (existing) {
      io.out(
        `Model ${existing} is already trained in ${artifactDir(options.out, world.version)} (use --force to retrain).\n`,
      );
      return 0;
    }
  }

  t = performance.now();
  const history = actionHistory(world);
  const train = history.events.filter((e) => e.atMs < history.trainCutoffMs).length;
  io.out(
    `Action history: ${n(history.events.length)} impressions (train ${n(train)} before ` +
      `${new Date(history.trainCutoffMs).toISOString()}, holdout ${n(history.events.length - train)}) (${secs(t)})\n`,
  );
  const trained = trainAndWrite(world, history, options.out, { force: options.force, interactive, io });

  t = performance.now();
  const runtime = PhoenixRuntime.create(trained.model, world);
  const embedTime = secs(t);
  const index = await loadOrBuildIndex(runtime, trained.dir);
  if (index.cacheError) {
    io.err(
      `warning: could not write the HNSW index (${index.cacheError.message}); phoenix will build it at start\n`,
    );
  }
  io.out(`${formatTrainSummary(trained.manifest, trained.dir)}\n`);
  io.out(
    `  serving prep: corpus embedding ${embedTime} · HNSW index ${index.seconds.toFixed(1)} s (${index.origin}, ${n(index.index.size)} posts)\n`,
  );
  return 0;
}

/** The model version of a valid existing artifact; undefined when there is none; CliError when it is invalid. */
function existingModel(root: string, world: World): string | undefined {
  try {
    return loadArtifacts(root, world.version).model.version;
  } catch (err) {
    if (err instanceof ArtifactMissingError) {
      return undefined;
    }
    throw new CliError(
      `the artifact in ${artifactDir(root, world.version)} is unusable (${(err as Error).message}); run with --force to retrain`,
    );
  }
}

/** What was trained: sizes, losses by epoch (with the holdout bar), and timings. */
export function formatTrainSummary(manifest: ArtifactManifest, dir: string): string {
  const r = manifest.training;
  const losses = (xs: readonly number[], digits: number) => xs.map((x) => x.toFixed(digits)).join(' → ');
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  return [
    `Trained ${manifest.modelVersion} → ${dir}`,
    `  data: ${n(r.sizes.trainEvents)} train impressions, ${n(r.sizes.holdoutEvents)} holdout; ` +
      `${n(r.sizes.retrievalPairs)} retrieval pairs; ${n(r.sizes.corpus)} posts; ${n(r.sizes.authors)} authors`,
    `  retrieval (sampled softmax, ${r.config.retrieval.batchSize} + ${r.config.retrieval.randomNegatives} candidates per step) loss by epoch: ${losses(r.losses.retrieval, 3)}`,
    `  ranking (per-head BCE) loss by epoch: ${losses(r.losses.ranking, 4)}; holdout ${r.losses.rankingHoldout.toFixed(4)} ` +
      `vs base rate ${r.losses.rankingHoldoutBaseRate.toFixed(4)}`,
    `  training time: ${s(r.timingsMs.total)} (data ${s(r.timingsMs.data)} · retrieval ${s(r.timingsMs.retrieval)} · ranking ${s(r.timingsMs.ranking)})`,
    `  checksum sha256 ${manifest.checksum.value}`,
  ].join('\n');
}
