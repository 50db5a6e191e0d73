import { Presets, SingleBar } from 'cli-progress';

/** Progress of a publish: a cli-progress bar on a terminal, nothing otherwise (logs stay clean). */
export interface PublishProgress {
  update(written: number): void;
  stop(): void;
}

export function createPublishProgress(total: number, interactive: boolean): PublishProgress {
  if (!interactive) {
    return { update: () => undefined, stop: () => undefined };
  }
  const bar = new SingleBar(
    {
      format: '  publish |{bar}| {value}/{total} events · {eta_formatted} left',
      hideCursor: true,
      clearOnComplete: false,
      stopOnComplete: false,
      etaBuffer: 20,
    },
    Presets.shades_classic,
  );
  bar.start(total, 0);
  let stopped = false;
  return {
    update: (written) => {
      if (!stopped) {
        bar.update(written);
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
