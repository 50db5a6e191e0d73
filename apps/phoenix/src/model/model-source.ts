import {
  type ArtifactManifest,
  ArtifactMissingError,
  loadArtifacts,
  type PhoenixModel,
  trainPhoenix,
  writeArtifacts,
} from '@foryou/phoenix-model';
import type { Logger } from '@foryou/telemetry';
import type { World } from '@foryou/world';

/** Where the served model came from. */
export interface ModelSource {
  readonly model: PhoenixModel;
  readonly origin: 'loaded' | 'trained';
  readonly manifest: ArtifactManifest;
  readonly dir: string;
  /** Seconds spent loading (and verifying) or training (and writing). */
  readonly seconds: number;
}

/** No artifact and training at start is off: nothing to serve. */
export class NoModelError extends Error {
  override readonly name = 'NoModelError';
}

/**
 * Loads the world's artifact (checksum and versions verified). When there is none and `trainIfMissing`
 * is set, trains, writes the artifact atomically (so the next start loads it) and serves that. An
 * invalid artifact (checksum or version mismatch) is never served and never silently replaced: it
 * is an error the operator resolves (`foryou train --force`).
 */
export function loadOrTrainModel(
  world: World,
  options: { dir: string; trainIfMissing: boolean },
  logger: Logger,
): ModelSource {
  const started = performance.now();
  try {
    const { model, manifest, dir } = loadArtifacts(options.dir, world.version);
    return { model, manifest, dir, origin: 'loaded', seconds: (performance.now() - started) / 1000 };
  } catch (err) {
    if (!(err instanceof ArtifactMissingError)) {
      throw err;
    }
    if (!options.trainIfMissing) {
      throw new NoModelError(
        `no model artifact for ${world.version} under ${options.dir} and PHOENIX_TRAIN_IF_MISSING=false; ` +
          `run \`foryou train --scale ${world.config.scale} --seed ${world.config.seed}\` first`,
      );
    }
  }
  logger.info(
    { world: world.version, dir: options.dir },
    'no model artifact; training one (first start only)',
  );
  const trained = trainPhoenix(world, {
    onEpoch: (p) =>
      logger.info({ phase: p.phase, epoch: p.epoch + 1, of: p.epochs, loss: p.loss }, 'training epoch'),
  });
  const written = writeArtifacts(options.dir, trained);
  const seconds = () => (performance.now() - started) / 1000;
  if (written.written) {
    return {
      model: trained.model,
      manifest: written.manifest,
      dir: written.dir,
      origin: 'trained',
      seconds: seconds(),
    };
  }
  // Another process wrote first: serve what is on disk, verified, so every replica serves one model.
  const onDisk = loadArtifacts(options.dir, world.version);
  return { ...onDisk, origin: 'loaded', seconds: seconds() };
}
