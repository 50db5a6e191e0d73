import { Presets, SingleBar } from 'cli-progress';
import type { TrafficTally } from './http-traffic';

/** Progress of a traffic run: a cli-progress bar on a terminal, nothing otherwise (logs stay clean). */
export interface TrafficProgress {
  update(tally: Readonly<TrafficTally>): void;
  stop(): void;
}

export function createTrafficProgress(total: number, interactive: boolean): TrafficProgress {
  if (!interactive) {
    return { update: () => undefined, stop: () => undefined };
  }
  const bar = new SingleBar(
    {
      format:
        '  traffic |{bar}| {value}/{total} requests · {ok} feeds · {failed} failed · {eta_formatted} left',
      hideCursor: true,
      clearOnComplete: false,
      stopOnComplete: false,
      etaBuffer: 50,
    },
    Presets.shades_classic,
  );
  bar.start(total, 0, { ok: 0, failed: 0 });
  let stopped = false;
  return {
    update: (tally) => {
      if (!stopped) {
        bar.update(tally.completed, { ok: tally.ok, failed: tally.completed - tally.ok });
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
