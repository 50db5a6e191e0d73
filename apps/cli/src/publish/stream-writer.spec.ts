import { decodePostEvent, postEventPartition, postEventStreamKey } from '@foryou/contracts';
import { streamKeyPattern, writeEvents, type PublishTarget, type StreamEntryWrite } from './stream-writer';
import type { PlannedEvent } from './world-event-plan';

function events(n: number): PlannedEvent[] {
  return Array.from({ length: n }, (_, i) => ({
    type: 'create' as const,
    eventId: `e${i}`,
    postId: `p${i}`,
    authorId: `u${i % 7}`,
    version: 1,
    eventTimeMs: 1000 + i,
    payload: { kind: 'original' as const, createdAtMs: 1000 + i },
  }));
}

/** Records batches; each batch's reply waits until the test releases it. */
class FakeTarget implements PublishTarget {
  readonly batches: StreamEntryWrite[][] = [];
  readonly releases: (() => void)[] = [];
  maxOutstanding = 0;
  private _outstanding = 0;
  failOn: number | undefined;

  appendBatch(entries: readonly StreamEntryWrite[]): Promise<string[]> {
    const index = this.batches.push([...entries]) - 1;
    this._outstanding++;
    this.maxOutstanding = Math.max(this.maxOutstanding, this._outstanding);
    return new Promise((resolve, reject) =>
      this.releases.push(() => {
        this._outstanding--;
        if (index === this.failOn) {
          reject(new Error('boom'));
        } else {
          resolve(entries.map((_, i) => `${index}-${i}`));
        }
      }),
    );
  }
  deleteStreams = () => Promise.resolve(0);
  setEpoch = () => Promise.resolve('epoch');
  close = () => undefined;
}

/** Releases every batch as soon as it is sent. */
function autoRelease(target: FakeTarget): void {
  const original = target.appendBatch.bind(target);
  target.appendBatch = (entries) => {
    const reply = original(entries);
    target.releases.shift()!();
    return reply;
  };
}

const options = { prefix: 'p:', partitions: 4, batchSize: 10, maxInFlight: 3, nowMs: () => 42 };

describe(writeEvents.name, () => {
  it('should write every event once, in order, to its partition stream, stamped with the send time', async () => {
    const target = new FakeTarget();
    autoRelease(target);
    const progress: number[] = [];

    const result = await writeEvents(target, events(25), { ...options, onProgress: (n) => progress.push(n) });

    expect(target.batches.map((b) => b.length)).toEqual([10, 10, 5]);
    const written = target.batches.flat();
    written.forEach((entry, i) => {
      const fields = Object.fromEntries(
        Array.from({ length: entry.fields.length / 2 }, (_, k) => [
          entry.fields[2 * k]!,
          entry.fields[2 * k + 1]!,
        ]),
      );
      const decoded = decodePostEvent(fields);
      expect(decoded).toMatchObject({ ok: true, event: { eventId: `e${i}`, publishedAtMs: 42 } });
      expect(entry.key).toBe(postEventStreamKey('p:', postEventPartition(`u${i % 7}`, 4)));
    });
    expect(result).toMatchObject({ written: 25, interrupted: false });
    expect(result.perPartition.reduce((a, b) => a + b, 0)).toBe(25);
    expect(progress).toEqual([10, 20, 25]);
  });

  it('should keep at most maxInFlight batches outstanding', async () => {
    const target = new FakeTarget();
    const run = writeEvents(target, events(60), options);
    // Release replies one by one as the writer sends; it never has more than 3 waiting.
    while (target.batches.length < 6 || target.releases.length > 0) {
      await new Promise((resolve) => setImmediate(resolve));
      target.releases.shift()?.();
    }

    await run;
    expect(target.maxOutstanding).toBe(3);
  });

  it('should reject when a batch fails, and stop between batches when interrupted', async () => {
    const failing = new FakeTarget();
    failing.failOn = 1;
    autoRelease(failing);
    await expect(writeEvents(failing, events(50), options)).rejects.toThrow('boom');

    const stop = new AbortController();
    const target = new FakeTarget();
    autoRelease(target);
    const result = await writeEvents(target, events(50), {
      ...options,
      signal: stop.signal,
      onProgress: (n) => n >= 20 && stop.abort(),
    });
    expect(result.interrupted).toBe(true);
    expect(result.written).toBeLessThan(50);
  });

  it('should match every partition stream key with its reset pattern', () => {
    const pattern = streamKeyPattern('foryou:');
    for (const p of [0, 7, 1023]) {
      expect(postEventStreamKey('foryou:', p).startsWith(pattern.slice(0, -1))).toBe(true);
    }
  });
});
