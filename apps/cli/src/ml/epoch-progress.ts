import type { EpochProgress } from '@foryou/phoenix-model';
import { Presets, SingleBar } from 'cli-progress';
import type { CliIo } from '../io';

/** Progress of a long step: a cli-progress bar on a terminal, plain lines otherwise (logs stay readable). */
export interface StepProgress<T> {
  update(event: T): void;
  stop(): void;
}

/** One bar tick per finished training epoch (retrieval epochs, then ranking epochs). */
export function createEpochProgress(
  totalEpochs: number,
  interactive: boolean,
  io: CliIo,
): StepProgress<EpochProgress> {
  const line = (p: EpochProgress) =>
    `${p.phase} epoch ${p.epoch + 1}/${p.epochs} · loss ${p.loss.toFixed(4)}`;
  if (!interactive) {
    return { update: (p) => io.err(`  ${line(p)}\n`), stop: () => undefined };
  }
  const bar = new SingleBar(
    {
      format: '  training |{bar}| {value}/{total} epochs · {step}',
      hideCursor: true,
      clearOnComplete: false,
    },
    Presets.shades_classic,
  );
  bar.start(totalEpochs, 0, { step: 'starting' });
  let done = 0;
  let stopped = false;
  return {
    update: (p) => {
      if (!stopped) {
        bar.update(++done, { step: line(p) });
      }
    },
    stop: () => {
      if (!stopped) {
        stopped = true;
        bar.stop();
      }
    },
  };
}

/** Users evaluated so far: a bar on a terminal, a line every 10% otherwise. */
export function createUserProgress(
  interactive: boolean,
  io: CliIo,
): StepProgress<{ done: number; total: number }> {
  if (!interactive) {
    let lastDecile = -1;
    return {
      update: ({ done, total }) => {
        const decile = Math.floor((10 * done) / Math.max(1, total));
        if (decile !== lastDecile) {
          lastDecile = decile;
          io.err(`  evaluated ${done}/${total} users\n`);
        }
      },
      stop: () => undefined,
    };
  }
  const bar = new SingleBar(
    { format: '  evaluating |{bar}| {value}/{total} users · {eta_formatted} left', hideCursor: true },
    Presets.shades_classic,
  );
  let started = false;
  let stopped = false;
  return {
    update: ({ done, total }) => {
      if (stopped) {
        return;
      }
      if (!started) {
        started = true;
        bar.start(total, 0);
      }
      bar.update(done);
    },
    stop: () => {
      if (started && !stopped) {
        bar.stop();
      }
      stopped = true;
    },
  };
}
