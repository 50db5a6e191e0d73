/** Why /readyz answers 503, most fundamental first. */
export type NotReadyReason =
  'shutting_down' | 'stream_epoch_changed' | 'restoring' | 'redis_unavailable' | 'catching_up';

export interface ReadinessReport {
  readonly ready: boolean;
  readonly reason?: NotReadyReason;
  /** True once every partition was within THUNDER_READY_MAX_LAG after the restore (latched). */
  readonly caughtUp: boolean;
  /** Entries behind each partition's tip at the last measurement (null before the first). */
  readonly lag: readonly (number | null)[];
}

/**
 * Thunder's readiness: restored, then caught up once (every partition's lag below `maxLag`, latched as
 * in x-algorithm's catch-up gate), and Redis currently reachable. Listeners hear every change of
 * `ready`; `onFirstReady` fires once, when the catch-up completes.
 */
export class Readiness {
  private _restored = false;
  private _caughtUp = false;
  private _redisHealthy = true;
  private _epochChanged = false;
  private _shuttingDown = false;
  private _lag: (number | null)[];
  private _lastReady = false;
  private readonly _listeners: ((ready: boolean) => void)[] = [];
  private readonly _firstReady: (() => void)[] = [];

  constructor(
    partitions: number,
    private readonly _maxLag: number,
  ) {
    this._lag = Array.from({ length: partitions }, () => null);
  }

  onChange(listener: (ready: boolean) => void): void {
    this._listeners.push(listener);
  }

  onFirstReady(listener: () => void): void {
    this._firstReady.push(listener);
  }

  markRestored(): void {
    this._restored = true;
    this._update();
  }

  setRedisHealthy(healthy: boolean): void {
    this._redisHealthy = healthy;
    this._update();
  }

  setLag(lag: readonly number[]): void {
    this._lag = [...lag];
    if (this._restored && lag.every((entries) => entries < this._maxLag)) {
      this._caughtUp = true;
    }
    this._update();
  }

  markEpochChanged(): void {
    this._epochChanged = true;
    this._update();
  }

  markShuttingDown(): void {
    this._shuttingDown = true;
    this._update();
  }

  get ready(): boolean {
    return this._reason() === undefined;
  }

  report(): ReadinessReport {
    const reason = this._reason();
    return {
      ready: reason === undefined,
      ...(reason === undefined ? {} : { reason }),
      caughtUp: this._caughtUp,
      lag: this._lag,
    };
  }

  private _reason(): NotReadyReason | undefined {
    if (this._shuttingDown) {
      return 'shutting_down';
    }
    if (this._epochChanged) {
      return 'stream_epoch_changed';
    }
    if (!this._restored) {
      return 'restoring';
    }
    if (!this._redisHealthy) {
      return 'redis_unavailable';
    }
    return this._caughtUp ? undefined : 'catching_up';
  }

  private _update(): void {
    const ready = this.ready;
    if (ready === this._lastReady) {
      return;
    }
    const first = ready && this._firstReady.length > 0;
    this._lastReady = ready;
    for (const listener of this._listeners) {
      listener(ready);
    }
    if (first) {
      for (const listener of this._firstReady.splice(0)) {
        listener();
      }
    }
  }
}
