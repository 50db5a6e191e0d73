import {
  type ArtifactManifest,
  ArtifactMissingError,
  artifactDir,
  DEFAULT_TRAINING_CONFIG,
  loadArtifacts,
  type PhoenixModel,
  trainPhoenix,
  writeArtifacts,
} from '@foryou/phoenix-model';
import type { ActionHistory, World } from '@foryou/world';
import type { CliIo } from '../io';
import { createEpochProgress } from './epoch-progress';

/** A model ready to use, and whether this run trained it. */
export interface ModelInHand {
  readonly model: PhoenixModel;
  readonly manifest: ArtifactManifest;
  readonly dir: string;
  readonly origin: 'loaded' | 'trained';
  readonly seconds: number;
}

/**
 * Trains on the world's action history with a progress bar per epoch and writes the artifact
 * atomically (replacing an existing one only with `force`).
 */
export function trainAndWrite(
  world: World,
  history: ActionHistory,
  root: string,
  options: { force: boolean; interactive: boolean; io: CliIo },
): ModelInHand {
  const started = performance.now();
  const config = DEFAULT_TRAINING_CONFIG;
  const progress = createEpochProgress(
    config.retrieval.epochs + config.ranking.epochs,
    options.interactive,
    options.io,
  );
  let trained: ReturnType<typeof trainPhoenix>;
  try {
    trained = trainPhoenix(world, { config, history, onEpoch: (p) => progress.update(p) });
  } finally {
    progress.stop();
  }
  const written = writeArtifacts(root, trained, { force: options.force });
  return {
    model: trained.model,
    manifest: written.manifest,
    dir: written.dir,
    origin: 'trained',
    seconds: (performance.now() - started) / 1000,
  };
}

/**
 * The world's model from `root` (checksum and versions verified), or — when there is none — a new one
 * trained and written there. An invalid artifact is an error (never overwritten without --force).
 */
export function loadOrTrain(
  world: World,
  history: ActionHistory,
  root: string,
  options: { interactive: boolean; io: CliIo },
): ModelInHand {
  const started = performance.now();
  try {
    const { model, manifest, dir } = loadArtifacts(root, world.version);
    return { model, manifest, dir, origin: 'loaded', seconds: (performance.now() - started) / 1000 };
  } catch (err) {
    if (!(err instanceof ArtifactMissingError)) {
      throw err;
    }
  }
  options.io.err(`No model artifact in ${artifactDir(root, world.version)}; training one first.\n`);
  return trainAndWrite(world, history, root, { ...options, force: false });
}
