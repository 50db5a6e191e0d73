import { CommanderError } from 'commander';
import { buildProgram } from '../program';
import type { PublishTarget, StreamEntryWrite } from '../publish/stream-writer';
import { runPublishWorld, type PublishWorldOptions } from './publish-world.command';

const base: PublishWorldOptions = {
  scale: 'small',
  seed: 5,
  partitions: 4,
  redisUrl: 'redis://127.0.0.1:1',
  prefix: 'test:',
  duplicateRate: 0.01,
  reorderWindow: 50,
  lateRate: 0.005,
  lateBy: 1_800_000,
  updateRate: 0.01,
  deleteRate: 0.002,
  batchSize: 1000,
  reset: false,
};

/** Records calls in order; every batch succeeds at once. */
function fakeTarget() {
  const calls: string[] = [];
  const entries: StreamEntryWrite[] = [];
  const target: PublishTarget = {
    appendBatch: (batch) => {
      entries.push(...batch);
      return Promise.resolve(batch.map((_, i) => `${entries.length}-${i}`));
    },
    deleteStreams: (prefix) => {
      calls.push(`delete ${prefix}`);
      return Promise.resolve(3);
    },
    setEpoch: (prefix, renew) => {
      calls.push(`epoch ${prefix} renew=${renew}`);
      return Promise.resolve('epoch-1');
    },
    close: () => calls.push('close'),
  };
  return { target, calls, entries };
}

function io() {
  const out: string[] = [];
  return {
    io: { out: (t: string) => out.push(t), err: (t: string) => out.push(t) },
    text: () => out.join(''),
  };
}

describe(runPublishWorld.name, () => {
  it('should publish every planned event and print a summary', async () => {
    const { target, calls, entries } = fakeTarget();
    const { io: sink, text } = io();

    const code = await runPublishWorld(base, { io: sink, connect: () => target, nowMs: () => 7 });

    expect(code).toBe(0);
    expect(entries.length).toBeGreaterThan(10_000); // 10k creates plus updates, deletes, duplicates
    expect(entries.every((e) => /^test:thunder:posts:[0-3]$/.test(e.key))).toBe(true);
    expect(calls).toEqual(['epoch test: renew=false', 'close']);
    expect(text()).toMatch(/Published [\d,]+ of [\d,]+ events in [\d.]+ s/);
    expect(text()).toContain('creates 10,000');
    expect(text()).toContain('no --reset');
  });

  it('should start a new epoch before deleting the streams on --reset', async () => {
    const { target, calls } = fakeTarget();
    const { io: sink, text } = io();

    await runPublishWorld({ ...base, reset: true }, { io: sink, connect: () => target });

    expect(calls).toEqual(['epoch test: renew=true', 'delete test:', 'close']);
    expect(text()).toContain('--reset: deleted 3 stream(s)');
  });

  it('should report an unreachable Redis as a CLI error and still close the connection', async () => {
    const { target, calls } = fakeTarget();
    target.setEpoch = () => Promise.reject(new Error('connect ECONNREFUSED'));

    await expect(runPublishWorld(base, { io: io().io, connect: () => target })).rejects.toThrow(
      /publishing to redis:\/\/127.0.0.1:1 failed: connect ECONNREFUSED/,
    );
    expect(calls).toEqual(['close']);
  });
});

describe('publish-world options', () => {
  async function failure(...args: string[]): Promise<string> {
    const err: string[] = [];
    const cli = buildProgram({ out: () => undefined, err: (t) => err.push(t) });
    cli.exitOverride();
    for (const command of cli.commands) {
      command.copyInheritedSettings(cli);
    }
    await expect(cli.parseAsync(['node', 'foryou', 'publish-world', ...args])).rejects.toBeInstanceOf(
      CommanderError,
    );
    return err.join('');
  }

  it.each([
    [['--duplicate-rate', '2'], 'must be between 0 and 1 (fraction of events)'],
    [['--partitions', '0'], 'must be at least 1 (stream partitions)'],
    [['--reorder-window', '1.5'], 'must be a whole number (events)'],
    [['--redis-url', 'http://x'], 'must be a redis:// or rediss:// URL'],
    [['--prefix', 'a b'], 'may only contain letters, digits'],
    [['--late-by', '10'], 'must be at least 1000 (milliseconds of content time)'],
  ])('%j → %s', async (args, message) => {
    expect(await failure(...args)).toContain(message);
  });
});
