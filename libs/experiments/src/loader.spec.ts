import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { assign, assignmentFor } from './assign';
import { CONTROL } from './definition';
import {
  ExperimentDefinitionError,
  formatPath,
  formatProblem,
  loadExperiments,
  validateExperimentSources,
  type DefinitionProblem,
} from './loader';
import { flattenParams } from './params';
import { CONTEXT, source } from './testing/fixtures';

const REPO_EXPERIMENTS = join(__dirname, '..', '..', '..', 'experiments');

/**
 * A strict deep-partial schema of the params the shipped experiment overrides, as home-mixer would
 * supply it once `recentEngagedAuthors` exists in FeedParams.
 */
const FeedParamsOverridesSchema = z.strictObject({
  recentEngagedAuthors: z
    .strictObject({
      enabled: z.boolean(),
      candidateLimit: z.int().positive(),
      deadlineMs: z.int().positive(),
      ratio: z.number().min(0).max(1),
    })
    .partial()
    .optional(),
  ranking: z.strictObject({ oonWeightFactor: z.number() }).partial().optional(),
});

function problemsOf(sources: ReturnType<typeof source>[]): DefinitionProblem[] {
  return [...validateExperimentSources(sources).problems];
}

describe('the repository experiments/ folder', () => {
  it('loads with the loader, every file valid, no cross-file problem', async () => {
    const defs = await loadExperiments(REPO_EXPERIMENTS, { paramsSchema: FeedParamsOverridesSchema });
    expect(defs.map((d) => d.key)).toEqual(['aa-calibration', 'recent-engaged-authors-source']);
    expect(Object.isFrozen(defs[0])).toBe(true);
  });

  it('defines the shipped recent-engaged-authors source experiment as in book 6.8', async () => {
    const defs = await loadExperiments(REPO_EXPERIMENTS);
    const d = defs.find((x) => x.key === 'recent-engaged-authors-source')!;
    const params = (key: string) =>
      Object.fromEntries(
        flattenParams(d.variants.find((v) => v.key === key)!.params).map((l) => [l.path, l.value]),
      );
    expect(Object.keys(params(CONTROL)).sort()).toEqual([
      'recentEngagedAuthors.candidateLimit',
      'recentEngagedAuthors.deadlineMs',
      'recentEngagedAuthors.enabled',
      'recentEngagedAuthors.ratio',
    ]);
    expect(params(CONTROL)['recentEngagedAuthors.enabled']).toBe(false);
    expect(params('treatment')['recentEngagedAuthors.enabled']).toBe(true);
    expect(d.trigger.out_of_network_supply_below).toBeGreaterThan(0);
    expect(d.primary_metric).toMatchObject({
      source: 'outcomes',
      events: ['favorite', 'reply', 'repost'],
      denominator: 'exposures',
    });
    expect(d.guardrails.map((g) => g.key)).toEqual([
      'hide_report_rate',
      'feed_latency_p99',
      'empty_feed_rate',
    ]);
    expect(d.guardrails.every((g) => g.direction === 'lower-is-better')).toBe(true);
    expect(d.kill_switch).toEqual({ on_srm: 'hold', on_guardrail_critical: 'kill' });
  });

  it('puts the A/A calibration in another layer with two identical arms', async () => {
    const defs = await loadExperiments(REPO_EXPERIMENTS);
    const aa = defs.find((x) => x.key === 'aa-calibration')!;
    const ship = defs.find((x) => x.key === 'recent-engaged-authors-source')!;
    expect(aa.layer.key).not.toBe(ship.layer.key);
    expect(aa.variants.map((v) => v.params)).toEqual([{}, {}]);
    const result = assign('xiaolin', defs, CONTEXT);
    expect(assignmentFor(result, 'aa-calibration')?.layer).toBe('calibration');
  });

  it('rejects a params override the app schema does not know, naming file and path', async () => {
    const narrow = z
      .strictObject({ recentEngagedAuthors: z.strictObject({ enabled: z.boolean() }).partial() })
      .partial();
    await expect(loadExperiments(REPO_EXPERIMENTS, { paramsSchema: narrow })).rejects.toThrow(
      /recent-engaged-authors-source\.yaml:\d+:\d+ variants\[0\]\.params\.recentEngagedAuthors\.candidateLimit: unknown param "candidateLimit"/,
    );
  });
});

describe('loader problems name file, path and line', () => {
  it('reports every problem of every file, not just the first', () => {
    const a = source('exp-a', {
      owner: '',
      variants: [
        { key: 'control', wieght: 0.5 },
        { key: 'b', weight: 0.5 },
      ],
    });
    const b = source('exp-b', { layer: { key: 'l', range: [5000, 100] }, status: 'paused' });
    const problems = problemsOf([a, b]);
    const summary = problems.map((p) => [p.file, p.path]);
    expect(summary).toEqual(
      expect.arrayContaining([
        ['experiments/exp-a.yaml', 'owner'],
        ['experiments/exp-a.yaml', 'variants[0].wieght'],
        ['experiments/exp-a.yaml', 'variants[0].weight'],
        ['experiments/exp-b.yaml', 'layer.range'],
        ['experiments/exp-b.yaml', 'status'],
      ]),
    );
    expect(problems.find((p) => p.path === 'variants[0].wieght')?.message).toBe('unknown field "wieght"');
  });

  it('gives the 1-based line and column of the field in the YAML text', () => {
    const text = [
      'schema_version: experiment-v1',
      'key: located',
      'variants:',
      '  - key: control',
      '    weight: 0.5',
      '  - key: b',
      '    weight: "half"',
    ].join('\n');
    const problems = validateExperimentSources([{ file: 'x/located.yaml', text }]).problems;
    const weight = problems.find((p) => p.path === 'variants[1].weight');
    expect(weight).toMatchObject({ file: 'x/located.yaml', line: 7, column: 13 });
    expect(formatProblem(weight!)).toMatch(/^x\/located\.yaml:7:13 variants\[1\]\.weight: .*expected number/);
    // A missing field points at its closest existing parent (here the document root).
    expect(problems.find((p) => p.path === 'owner')).toMatchObject({ line: 1, column: 1 });
  });

  it('reports YAML syntax errors and duplicate keys with their position', () => {
    const problems = validateExperimentSources([
      { file: 'bad.yaml', text: 'key: a\nkey: b\n' },
      { file: 'worse.yaml', text: 'key: [unclosed\n' },
    ]).problems;
    expect(problems.filter((p) => p.code === 'yaml').map((p) => p.file)).toEqual(['bad.yaml', 'worse.yaml']);
    expect(problems.find((p) => p.file === 'bad.yaml')).toMatchObject({ line: 2 });
  });

  it('requires the key to match the file name', () => {
    const problems = problemsOf([source('real-key', {}, 'experiments/other-name.yaml')]);
    expect(problems).toEqual([expect.objectContaining({ code: 'key_filename_mismatch', path: 'key' })]);
  });

  it('loadExperiments throws one error listing every problem', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'experiments-'));
    try {
      await writeFile(join(dir, 'one.yaml'), source('one', { seed: '__reserved' }).text);
      await writeFile(join(dir, 'two.yml'), source('two', { minimum_sample_per_arm: 0 }).text);
      await writeFile(join(dir, 'README.md'), 'not a definition');
      const error = await loadExperiments(dir).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ExperimentDefinitionError);
      const { problems, message } = error as ExperimentDefinitionError;
      expect(problems.map((p) => [p.file, p.path])).toEqual([
        [join(dir, 'one.yaml'), 'seed'],
        [join(dir, 'two.yml'), 'minimum_sample_per_arm'],
      ]);
      expect(message).toContain(`${join(dir, 'one.yaml')}:`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('formats paths like property accessors', () => {
    expect(formatPath(['variants', 1, 'params', 'a', 'b'])).toBe('variants[1].params.a.b');
    expect(formatPath([])).toBe('');
  });
});

describe('cross-file invariants', () => {
  const codes = (problems: DefinitionProblem[]) => problems.map((p) => [p.code, p.file, p.path]);

  it('unique experiment keys', () => {
    const problems = problemsOf([
      source('dup', { layer: { key: 'a', range: [0, 10] } }, 'a/dup.yaml'),
      source('dup', { seed: 'other', layer: { key: 'b', range: [0, 10] } }, 'b/dup.yaml'),
    ]);
    expect(codes(problems)).toEqual([['duplicate_key', 'b/dup.yaml', 'key']]);
    expect(problems[0]!.message).toContain('a/dup.yaml');
  });

  it('unique seeds', () => {
    const problems = problemsOf([
      source('s1', { seed: 'same', layer: { key: 'x', range: [0, 10] } }),
      source('s2', { seed: 'same', layer: { key: 'y', range: [0, 10] } }),
    ]);
    expect(codes(problems)).toEqual([['duplicate_seed', 'experiments/s2.yaml', 'seed']]);
  });

  it('no overlapping ranges within a layer; adjacent ranges and other layers are fine', () => {
    const problems = problemsOf([
      source('r1', { layer: { key: 'l', range: [0, 5000] } }),
      source('r2', { layer: { key: 'l', range: [5000, 8000] } }),
      source('r3', { layer: { key: 'l', range: [7000, 9000] } }),
      source('r4', { layer: { key: 'm', range: [0, 10000] } }),
    ]);
    expect(codes(problems)).toEqual([['layer_overlap', 'experiments/r3.yaml', 'layer.range']]);
    expect(problems[0]!.message).toContain('[5000, 8000) of r2');
  });

  it('one global holdout percentage, declared by every experiment', () => {
    const problems = problemsOf([
      source('h1', { holdout: { global: 5 }, layer: { key: 'a', range: [0, 10] } }),
      source('h2', { holdout: { global: 3 }, layer: { key: 'b', range: [0, 10] } }),
      source('h3', { layer: { key: 'c', range: [0, 10] } }),
    ]);
    expect(codes(problems)).toEqual([
      ['holdout_mismatch', 'experiments/h2.yaml', 'holdout.global'],
      ['holdout_mismatch', 'experiments/h3.yaml', 'holdout'],
    ]);
  });

  it('one layer holdout percentage per layer', () => {
    const problems = problemsOf([
      source('lh1', { holdout: { layer: 10 }, layer: { key: 'a', range: [0, 10] } }),
      source('lh2', { layer: { key: 'a', range: [10, 20] } }),
      source('lh3', { layer: { key: 'b', range: [0, 10] } }),
    ]);
    expect(codes(problems)).toEqual([['holdout_mismatch', 'experiments/lh2.yaml', 'holdout']]);
  });

  it('a param path is owned by one layer (prefixes count)', () => {
    const variants = (control: object, treatment: object) => [
      { key: 'control', weight: 0.5, params: control },
      { key: 'treatment', weight: 0.5, params: treatment },
    ];
    const problems = problemsOf([
      source('p1', {
        layer: { key: 'a', range: [0, 10] },
        variants: variants({ x: { y: 1 } }, { x: { y: 2 } }),
      }),
      source('p2', {
        layer: { key: 'b', range: [0, 10] },
        variants: variants({ x: { y: 1, z: 3 } }, { x: { y: 1, z: 4 } }),
      }),
      source('p3', {
        layer: { key: 'a', range: [10, 20] },
        variants: variants({ x: { y: 1 } }, { x: { y: 5 } }),
      }),
    ]);
    // p2 (layer b) collides with p1 and p3 (layer a); p1 and p3 share a layer and agree on control.
    expect(codes(problems)).toEqual([
      ['param_layer_conflict', 'experiments/p2.yaml', 'variants[0].params.x.y'],
      ['param_layer_conflict', 'experiments/p3.yaml', 'variants[0].params.x.y'],
    ]);
    expect(problems[1]!.message).toContain('also set by p2');
  });

  it('controls of one layer agree on shared paths', () => {
    const problems = problemsOf([
      source('c1', {
        layer: { key: 'a', range: [0, 10] },
        variants: [
          { key: 'control', weight: 0.5, params: { f: { on: false } } },
          { key: 'treatment', weight: 0.5, params: { f: { on: true } } },
        ],
      }),
      source('c2', {
        layer: { key: 'a', range: [10, 20] },
        variants: [
          { key: 'control', weight: 0.5, params: { f: { on: true } } },
          { key: 'treatment', weight: 0.5, params: { f: { on: false } } },
        ],
      }),
    ]);
    expect(codes(problems)).toEqual([
      ['control_value_mismatch', 'experiments/c2.yaml', 'variants[0].params.f.on'],
    ]);
  });

  it('problems point at the line of the offending field', () => {
    const problems = problemsOf([
      source('r1', { layer: { key: 'l', range: [0, 5000] } }),
      source('r2', { layer: { key: 'l', range: [100, 200] } }),
    ]);
    expect(problems[0]!.line).toEqual(expect.any(Number));
  });
});
