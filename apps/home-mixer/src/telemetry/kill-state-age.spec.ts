import { HomeMixerMetrics } from './metrics';

describe('foryou_experiment_kill_state_age_seconds', () => {
  it("is read at scrape time from the watcher's last refresh, and -1 before the first one", async () => {
    let last: number | null = null;
    let now = 10_000;
    const metrics = new HomeMixerMetrics();
    metrics.watchKillState(
      () => last,
      () => now,
    );
    expect(await metrics.registry.metrics()).toMatch(/^foryou_experiment_kill_state_age_seconds -1$/m);
    last = 7_500;
    expect(await metrics.registry.metrics()).toMatch(/^foryou_experiment_kill_state_age_seconds 2\.5$/m);
    now = 70_000;
    expect(await metrics.registry.metrics()).toMatch(/^foryou_experiment_kill_state_age_seconds 62\.5$/m);
  });
});
