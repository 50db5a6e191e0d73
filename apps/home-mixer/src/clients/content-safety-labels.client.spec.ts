import { fail, ok, present, type FieldResult, type Result } from '@foryou/candidate-pipeline';
import { FIXTURE, generateWorld, type SafetyLabel } from '@foryou/world';
import { ContentSafetyLabelsClient, type ContentLabelReader } from './content-safety-labels.client';
import { WorldSafetyLabelsClient, type SafetyLabelsClient } from './safety-labels.client';

type Labels = ReadonlyMap<string, FieldResult<SafetyLabel>>;

/** A label service answering from a fixed table (ids not in it: no row). */
function service(rows: Record<string, FieldResult<SafetyLabel>>): SafetyLabelsClient {
  return {
    labels: (ids) =>
      Promise.resolve(ok(new Map(ids.filter((id) => rows[id] !== undefined).map((id) => [id, rows[id]!])))),
  };
}

/** A Grox content store in memory; records which ids were asked for. */
class FakeReader implements ContentLabelReader {
  readonly asked: string[][] = [];
  constructor(
    private readonly _labels: Record<string, string>,
    private readonly _error?: Error,
  ) {}

  read(ids: readonly string[]): Promise<readonly (string | null)[]> {
    this.asked.push([...ids]);
    if (this._error) {
      return Promise.reject(this._error);
    }
    return Promise.resolve(ids.map((id) => this._labels[id] ?? null));
  }
}

const signal = new AbortController().signal;

async function labels(client: SafetyLabelsClient, ids: readonly string[]): Promise<Labels> {
  const r: Result<Labels> = await client.labels(ids, signal);
  if (!r.ok) {
    throw new Error(r.error.message);
  }
  return r.value;
}

describe(ContentSafetyLabelsClient.name, () => {
  const rows: Record<string, FieldResult<SafetyLabel>> = {
    labelled: present('low_risk'),
    unlabelled: { state: 'not_found' },
    failing: { state: 'dependency_error', reason: 'label service down' },
    forbidden: { state: 'forbidden' },
  };

  it('should fill not_found (and missing rows) from the published label, in one read', async () => {
    const reader = new FakeReader({
      unlabelled: 'medium_risk',
      norow: 'safe',
      labelled: 'unsafe',
      failing: 'safe',
    });
    const client = new ContentSafetyLabelsClient(service(rows), reader);

    const out = await labels(client, ['labelled', 'unlabelled', 'failing', 'forbidden', 'norow']);

    expect(reader.asked).toEqual([['unlabelled', 'norow']]);
    expect(Object.fromEntries(out)).toEqual({
      labelled: present('low_risk'), // the service's label wins
      unlabelled: present('medium_risk'),
      failing: { state: 'dependency_error', reason: 'label service down' }, // stays unknown
      forbidden: { state: 'forbidden' },
      norow: present('safe'),
    });
  });

  it('should keep not_found when nothing was published or the value is not a SafetyLabel', async () => {
    const client = new ContentSafetyLabelsClient(service(rows), new FakeReader({ unlabelled: 'SAFE' }));
    const out = await labels(client, ['unlabelled', 'other']);
    expect(out.get('unlabelled')).toEqual({ state: 'not_found' });
    expect(out.has('other')).toBe(false);
  });

  it("should keep the service's answer when Redis fails (fail-closed) and report the error", async () => {
    const errors: unknown[] = [];
    const client = new ContentSafetyLabelsClient(
      service(rows),
      new FakeReader({ unlabelled: 'safe' }, new Error('redis down')),
      (err) => errors.push(err),
    );
    const out = await labels(client, ['unlabelled', 'labelled']);
    expect(out.get('unlabelled')).toEqual({ state: 'not_found' });
    expect(out.get('labelled')).toEqual(present('low_risk'));
    expect(errors).toEqual([new Error('redis down')]);
  });

  it('should not read Redis when every post has a label or a failure', async () => {
    const reader = new FakeReader({});
    const client = new ContentSafetyLabelsClient(service(rows), reader);
    await labels(client, ['labelled', 'failing']);
    expect(reader.asked).toEqual([]);
  });

  it('should pass a failed label-service call through', async () => {
    const failing: SafetyLabelsClient = {
      labels: () => Promise.resolve(fail('dependency_unavailable', 'down')),
    };
    const reader = new FakeReader({ x: 'safe' });
    const r = await new ContentSafetyLabelsClient(failing, reader).labels(['x'], signal);
    expect(r.ok).toBe(false);
    expect(reader.asked).toEqual([]);
  });

  it('should keep fixture post E dropped (dependency_error) even if Grox published a label for it', async () => {
    const world = generateWorld({ seed: 42, scale: 'small' });
    const client = new ContentSafetyLabelsClient(
      new WorldSafetyLabelsClient(world),
      new FakeReader({ [FIXTURE.E]: 'safe' }),
    );
    const ids = [FIXTURE.A, FIXTURE.B, FIXTURE.C, FIXTURE.D, FIXTURE.E];
    const out = await labels(client, ids);
    expect(out.get(FIXTURE.E)?.state).toBe('dependency_error');
    for (const id of [FIXTURE.A, FIXTURE.B, FIXTURE.C, FIXTURE.D]) {
      expect(out.get(id)).toEqual(present('safe'));
    }
  });

  it('should label the world posts the label service does not know, once Grox published them', async () => {
    const world = generateWorld({ seed: 42, scale: 'small' });
    const notFound = world.postList
      .map((p) => p.id)
      .filter((id) => world.safetyLabel(id).state === 'not_found');
    expect(notFound.length).toBeGreaterThan(0);
    const client = new ContentSafetyLabelsClient(
      new WorldSafetyLabelsClient(world),
      new FakeReader(Object.fromEntries(notFound.map((id) => [id, 'low_risk']))),
    );
    const out = await labels(client, notFound);
    expect([...out.values()].every((r) => r.state === 'present')).toBe(true);
  });
});
