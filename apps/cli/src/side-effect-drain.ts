/** What the workers' /metrics says about the side-effect backlog (OpenMetrics text). */
export interface SideEffectBacklog {
  /** Jobs whose effect was applied (outcome="applied"), all types. */
  readonly applied: number;
  /** Deliveries the inbox recognised as already applied. */
  readonly duplicates: number;
  readonly quarantined: number;
  /** Outbox entries not yet relayed + queue jobs waiting, delayed or active. */
  readonly pending: number;
}

function sumOf(text: string, metric: string, labelFilter: (labels: string) => boolean): number | undefined {
  let found = false;
  let total = 0;
  const re = new RegExp(`^${metric}(?:\\{([^}]*)\\})? ([0-9.eE+-]+|NaN)`, 'gm');
  for (const m of text.matchAll(re)) {
    if (labelFilter(m[1] ?? '')) {
      found = true;
      total += Number(m[2]);
    }
  }
  return found ? total : undefined;
}

/** Parses the backlog figures; undefined when the text is not the workers' metrics. */
export function parseSideEffectBacklog(text: string): SideEffectBacklog | undefined {
  const outbox = sumOf(text, 'foryou_async_outbox_pending', () => true);
  const queued = sumOf(text, 'foryou_async_queue_jobs', (l) =>
    /state="(waiting|delayed|active|prioritized)"/.test(l),
  );
  if (outbox === undefined || queued === undefined) {
    return undefined;
  }
  const jobs = (outcome: string) =>
    sumOf(text, 'foryou_async_jobs_total', (l) => l.includes(`outcome="${outcome}"`)) ?? 0;
  return {
    applied: jobs('applied'),
    duplicates: jobs('duplicate'),
    quarantined: jobs('quarantined'),
    pending: outbox + queued,
  };
}

/**
 * Polls the workers' /metrics until nothing is pending (bounded by `attempts`). Returns the last
 * figures and whether the backlog drained; undefined if the metrics could not be read at all.
 */
export async function waitForDrain(
  metricsUrl: string,
  attempts: number,
  intervalMs: number,
): Promise<{ backlog: SideEffectBacklog; drained: boolean; seconds: number } | undefined> {
  const started = performance.now();
  let last: SideEffectBacklog | undefined;
  for (let i = 0; i < attempts; i++) {
    try {
      last = parseSideEffectBacklog(
        await (await fetch(metricsUrl, { signal: AbortSignal.timeout(2000) })).text(),
      );
    } catch {
      last = undefined;
    }
    if (last === undefined) {
      return undefined;
    }
    if (last.pending === 0) {
      return { backlog: last, drained: true, seconds: (performance.now() - started) / 1000 };
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  return last && { backlog: last, drained: false, seconds: (performance.now() - started) / 1000 };
}
