import { context, trace, SpanStatusCode, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { Attr } from '@foryou/telemetry';
import type { CandidateBase, QueryBase } from '../core/candidate';
import { policyOf, type Component, type ComponentContext } from '../core/component';
import { isFailure, type ComponentOutcome, type ErrorKind, type Result } from '../core/outcome';
import { CandidateLedger } from '../ledger/candidate-ledger';
import type {
  ComponentRecord,
  Degradation,
  PipelineRecord,
  StageRecord,
  StageStatus,
} from '../ledger/pipeline-record';
import type { Filter } from '../stages/filter';
import type { HydratedRow, Hydrator } from '../stages/hydrator';
import type { Placement } from '../stages/selector';
import type { StageKind } from '../stages/stage-kind';
import { NOOP_PIPELINE_METRICS, type PipelineMetrics } from '../telemetry/pipeline-metrics';
import type { Clock } from '../time/clock';
import type { Deadline } from '../time/deadline';
import { invoke, type Invocation } from './invoke';
import { applyOwned, joinById } from './join-by-id';
import type { PipelineDefinition } from './pipeline-definition';
import type { PipelineResult } from './pipeline-result';

export interface RunnerDeps {
  readonly clock: Clock;
  readonly metrics?: PipelineMetrics;
  readonly tracer?: Tracer;
}

export interface RunOptions {
  /** The request's deadline, created once at the entry. */
  readonly deadline: Deadline;
  /** Aborts every in-flight component (client went away, server shutting down). */
  readonly signal?: AbortSignal;
  /** Time kept back from I/O components for the stages after them and the response. */
  readonly reserveMs?: number;
  /** Trace id to attach as a metric exemplar. */
  readonly traceId?: string;
}

/** Per-run mutable state; one instance per `run` call. */
interface RunState<Q, C extends CandidateBase> {
  readonly def: PipelineDefinition<Q & QueryBase, C>;
  readonly options: RunOptions;
  readonly signal: AbortSignal;
  readonly ledger: CandidateLedger;
  readonly stages: StageRecord[];
  readonly degradations: Degradation[];
  readonly nested: Record<string, PipelineRecord>;
  readonly parent: Context;
}

/** Stages whose components do I/O get the request budget minus the reserve; local stages the full budget. */
const IO_STAGES: ReadonlySet<StageKind> = new Set([
  'query_hydrators',
  'sources',
  'hydrators',
  'scorers',
  'post_selection_hydrators',
]);

/**
 * Executes a PipelineDefinition in x-algorithm's order and owns every cross-cutting concern: spans per
 * stage and component, metrics, the stage and candidate ledgers, deadlines and cancellation, failure
 * policies and id alignment. Components only compute. A bug inside the runner is recorded as a
 * `terminal`/`fatal` stage before it propagates, so the ledger never ends silently.
 */
export class PipelineRunner {
  private readonly _clock: Clock;
  private readonly _metrics: PipelineMetrics;
  private readonly _tracer: Tracer;

  constructor(deps: RunnerDeps) {
    this._clock = deps.clock;
    this._metrics = deps.metrics ?? NOOP_PIPELINE_METRICS;
    this._tracer = deps.tracer ?? trace.getTracer('@foryou/candidate-pipeline');
  }

  async run<Q extends QueryBase, C extends CandidateBase>(
    def: PipelineDefinition<Q, C>,
    query: Q,
    options: RunOptions,
  ): Promise<PipelineResult<Q, C>> {
    const span = this._tracer.startSpan(`pipeline/${def.name}`, {
      attributes: { [Attr.pipeline]: def.name, [Attr.requestId]: query.requestId },
    });
    const state: RunState<Q, C> = {
      def,
      options,
      signal: options.signal ?? new AbortController().signal,
      ledger: new CandidateLedger(),
      stages: [],
      degradations: [],
      nested: {},
      parent: trace.setSpan(context.active(), span),
    };
    try {
      const result = await this.execute(state, query);
      span.setAttribute(Attr.outputCount, result.selected.length);
      return result;
    } catch (err) {
      state.stages.push({
        stage: 'terminal',
        inputCount: null,
        outputCount: null,
        latencyMs: 0,
        status: 'fatal',
        errorKind: 'internal',
        components: [],
      });
      span.recordException(err instanceof Error ? err : new Error(String(err)));
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw err;
    } finally {
      span.end();
    }
  }

  private async execute<Q extends QueryBase, C extends CandidateBase>(
    state: RunState<Q, C>,
    initialQuery: Q,
  ): Promise<PipelineResult<Q, C>> {
    const { def } = state;
    const query = await this.queryHydrators(state, initialQuery);
    let candidates = await this.sources(state, query);
    candidates = await this.hydrators(state, 'hydrators', def.hydrators, query, candidates);
    candidates = await this.filters(state, 'filters', def.filters, query, candidates);
    candidates = await this.scorers(state, query, candidates);
    const selection = this.selector(state, query, candidates);
    let selected = selection.selected.map((p) => p.candidate);
    selected = await this.hydrators(
      state,
      'post_selection_hydrators',
      def.postSelectionHydrators,
      query,
      selected,
    );
    selected = await this.filters(state, 'post_selection_filters', def.postSelectionFilters, query, selected);
    const { kept, overflow } = this.truncate(state, query, selected);

    const reasons = new Map(selection.selected.map((p) => [p.candidate.id, p.reason]));
    kept.forEach((c, position) => state.ledger.select(c.id, position, reasons.get(c.id) ?? 'selected'));
    for (const p of selection.notSelected) {
      state.ledger.notSelect(p.candidate.id, p.reason);
    }
    for (const c of overflow) {
      state.ledger.notSelect(c.id, 'truncated');
    }
    this._metrics.resultSize(def.name, kept.length);

    const notSelected = [...selection.notSelected.map((p) => p.candidate), ...overflow];
    const record: PipelineRecord = {
      pipeline: def.name,
      requestId: query.requestId,
      stages: state.stages,
      candidates: state.ledger.records(),
      nested: state.nested,
      degradations: state.degradations,
    };
    const effects = def.sideEffects.filter((e) => e.enabled?.(query) ?? true);
    return {
      query,
      selected: kept,
      notSelected,
      record,
      degradations: state.degradations,
      sideEffects: { pipeline: def.name, effects, input: { query, selected: kept, notSelected } },
    };
  }

  // ---- stages -------------------------------------------------------------------------------------

  private async queryHydrators<Q extends QueryBase, C extends CandidateBase>(
    state: RunState<Q, C>,
    query: Q,
  ): Promise<Q> {
    return this.stage(state, 'query_hydrators', null, async (stageCtx) => {
      const calls = await Promise.all(
        state.def.queryHydrators.map((h) =>
          this.call(state, stageCtx, 'query_hydrators', h, query, null, (ctx) => h.hydrate(query, ctx)),
        ),
      );
      let merged = query;
      const records: ComponentRecord[] = [];
      calls.forEach(({ invocation, record }, i) => {
        records.push(record);
        if (invocation.value) {
          merged = applyOwned(merged, invocation.value, state.def.queryHydrators[i]!.fields).value;
        }
      });
      return { value: merged, records, outputCount: null };
    });
  }

  private async sources<Q extends QueryBase, C extends CandidateBase>(
    state: RunState<Q, C>,
    query: Q,
  ): Promise<C[]> {
    return this.stage(state, 'sources', null, async (stageCtx) => {
      const calls = await Promise.all(
        state.def.sources.map((s) =>
          this.call(
            state,
            stageCtx,
            'sources',
            s,
            query,
            null,
            (ctx) => s.fetch(query, ctx),
            (out) => ({ count: out.candidates.length, ...(out.partial ? { partial: out.partial } : {}) }),
          ),
        ),
      );
      const candidates: C[] = [];
      const records: ComponentRecord[] = [];
      calls.forEach(({ invocation, record }, i) => {
        const source = state.def.sources[i]!;
        records.push(record);
        const output = invocation.value;
        if (!output) {
          return;
        }
        if (output.nested) {
          state.nested[source.name] = output.nested;
          state.degradations.push(...output.nested.degradations);
        }
        for (const item of output.candidates) {
          state.ledger.admit(item.candidate.id, {
            source: source.name,
            ...(item.rawScore === undefined ? {} : { rawScore: item.rawScore }),
            ...(item.version ? { version: item.version } : {}),
          });
          candidates.push(item.candidate);
        }
      });
      return { value: candidates, records, outputCount: candidates.length };
    });
  }

  /** Hydrators of one stage: concurrent on one frozen snapshot, then applied in list order. */
  private async hydrators<Q extends QueryBase, C extends CandidateBase>(
    state: RunState<Q, C>,
    stage: 'hydrators' | 'post_selection_hydrators',
    hydrators: readonly Hydrator<Q, C>[],
    query: Q,
    input: C[],
  ): Promise<C[]> {
    return this.stage(state, stage, input.length, async (stageCtx) => {
      const snapshot = frozenDistinct(input);
      const calls = await Promise.all(
        hydrators.map((h) =>
          this.call(state, stageCtx, stage, h, query, snapshot.length, (ctx) =>
            h.hydrate(query, snapshot, ctx),
          ),
        ),
      );
      let current = input;
      const records: ComponentRecord[] = [];
      calls.forEach(({ invocation, record }, i) => {
        const applied = this.applyRows(
          state,
          stage,
          hydrators[i]!,
          hydrators[i]!.fields,
          current,
          invocation,
          record,
        );
        current = applied.candidates;
        records.push(applied.record);
      });
      return { value: current, records, outputCount: current.length };
    });
  }

  private async filters<Q extends QueryBase, C extends CandidateBase>(
    state: RunState<Q, C>,
    stage: 'filters' | 'post_selection_filters',
    filters: readonly Filter<Q, C>[],
    query: Q,
    input: C[],
  ): Promise<C[]> {
    return this.stage(state, stage, input.length, async (stageCtx) => {
      let current = input;
      const records: ComponentRecord[] = [];
      for (const filter of filters) {
        const before = current;
        const { invocation, record } = await this.call(
          state,
          stageCtx,
          stage,
          filter,
          query,
          before.length,
          (ctx) => filter.filter(query, before, ctx),
        );
        let outcome = invocation.outcome;
        let output = invocation.value;
        if (output && !conserves(before, [...output.kept, ...output.removed.map((r) => r.candidate)])) {
          outcome = { status: 'error', errorKind: 'alignment_violation', message: 'kept + removed != input' };
          output = undefined;
          this._metrics.alignmentViolations(state.def.name, filter.name, 'filter_conservation', 1);
        }
        if (output) {
          for (const r of output.removed) {
            this.removeCandidate(state, stage, filter.name, r.candidate.id, r.reason, r.detail);
          }
          countReasons(output.removed.map((r) => r.reason)).forEach((n, reason) =>
            this._metrics.removed(state.def.name, filter.name, reason, n),
          );
          current = [...output.kept];
        } else if (isFailure(outcome) && policyOf(filter) === 'fail_closed') {
          for (const c of before) {
            this.removeCandidate(state, stage, filter.name, c.id, 'fail_closed', describe(outcome));
          }
          this._metrics.removed(state.def.name, filter.name, 'fail_closed', before.length);
          current = [];
        }
        if (outcome !== invocation.outcome) {
          this.noteFailure(state, stage, filter, outcome);
        }
        records.push({ ...record, ...statusFields(outcome), outputCount: current.length });
      }
      return { value: current, records, outputCount: current.length };
    });
  }

  private async scorers<Q extends QueryBase, C extends CandidateBase>(
    state: RunState<Q, C>,
    query: Q,
    input: C[],
  ): Promise<C[]> {
    return this.stage(state, 'scorers', input.length, async (stageCtx) => {
      let current = input;
      const records: ComponentRecord[] = [];
      for (const scorer of state.def.scorers) {
        const batch = frozenDistinct(current);
        const { invocation, record } = await this.call(
          state,
          stageCtx,
          'scorers',
          scorer,
          query,
          batch.length,
          (ctx) => scorer.score(query, batch, ctx),
        );
        const applied = this.applyRows(state, 'scorers', scorer, scorer.fields, current, invocation, record);
        current = applied.candidates;
        records.push(applied.record);
      }
      return { value: current, records, outputCount: current.length };
    });
  }

  private selector<Q extends QueryBase, C extends CandidateBase>(
    state: RunState<Q, C>,
    query: Q,
    candidates: C[],
  ): { selected: readonly Placement<C>[]; notSelected: readonly Placement<C>[] } {
    const started = this._clock.now();
    const selector = state.def.selector;
    const span = this._tracer.startSpan(
      'stage/selector',
      { attributes: this.stageAttrs(state, 'selector') },
      state.parent,
    );
    let status: StageStatus = 'ok';
    let result: { selected: readonly Placement<C>[]; notSelected: readonly Placement<C>[] };
    if (!(selector.enabled?.(query) ?? true)) {
      status = 'skipped';
      result = {
        selected: candidates.map((c) => ({ candidate: c, reason: 'selector disabled' })),
        notSelected: [],
      };
    } else {
      result = selector.select(query, candidates);
      const all = [...result.selected, ...result.notSelected].map((p) => p.candidate);
      if (!conserves(candidates, all)) {
        this._metrics.alignmentViolations(state.def.name, selector.name, 'selector_conservation', 1);
        status = 'degraded';
        result = {
          selected: [],
          notSelected: candidates.map((c) => ({ candidate: c, reason: 'selector_violation' })),
        };
      }
    }
    span.setAttributes({ [Attr.inputCount]: candidates.length, [Attr.outputCount]: result.selected.length });
    span.end();
    const latencyMs = this._clock.now() - started;
    state.stages.push({
      stage: 'selector',
      inputCount: candidates.length,
      outputCount: result.selected.length,
      latencyMs,
      status,
      errorKind: status === 'degraded' ? 'alignment_violation' : null,
      components: [],
    });
    this._metrics.stage(state.def.name, 'selector', status, latencyMs / 1000, state.options.traceId);
    this._metrics.candidates(state.def.name, 'selector', candidates.length, result.selected.length);
    return result;
  }

  private truncate<Q extends QueryBase, C extends CandidateBase>(
    state: RunState<Q, C>,
    query: Q,
    selected: C[],
  ): { kept: C[]; overflow: C[] } {
    const size = Math.max(0, state.def.resultSize(query));
    const kept = selected.slice(0, size);
    const overflow = selected.slice(size);
    state.stages.push({
      stage: 'truncate',
      inputCount: selected.length,
      outputCount: kept.length,
      latencyMs: 0,
      status: 'ok',
      errorKind: null,
      components: [],
    });
    this._metrics.candidates(state.def.name, 'truncate', selected.length, kept.length);
    return { kept, overflow };
  }

  // ---- shared machinery -----------------------------------------------------------------------------

  /** Runs one stage body inside its span, then writes its ledger row and metrics. */
  private async stage<Q extends QueryBase, C extends CandidateBase, T>(
    state: RunState<Q, C>,
    stage: StageKind,
    inputCount: number | null,
    body: (
      stageCtx: Context,
    ) => Promise<{ value: T; records: ComponentRecord[]; outputCount: number | null }>,
  ): Promise<T> {
    const started = this._clock.now();
    const span = this._tracer.startSpan(
      `stage/${stage}`,
      { attributes: this.stageAttrs(state, stage) },
      state.parent,
    );
    const { value, records, outputCount } = await body(trace.setSpan(state.parent, span));
    const failed = records.filter((r) => isFailure(asOutcome(r)) || r.status === 'partial');
    const status: StageStatus = failed.length > 0 ? 'degraded' : 'ok';
    const latencyMs = this._clock.now() - started;
    state.stages.push({
      stage,
      inputCount,
      outputCount,
      latencyMs,
      status,
      errorKind: failed[0]?.errorKind ?? null,
      components: records,
    });
    span.setAttributes({
      [Attr.enabledCount]: records.filter((r) => r.status !== 'disabled').length,
      [Attr.disabledComponents]: records.filter((r) => r.status === 'disabled').map((r) => r.component),
      ...(inputCount === null ? {} : { [Attr.inputCount]: inputCount }),
      ...(outputCount === null ? {} : { [Attr.outputCount]: outputCount }),
    });
    if (status === 'degraded') {
      span.setStatus({
        code: SpanStatusCode.ERROR,
        message: failed.map((r) => `${r.component}:${r.status}`).join(','),
      });
    }
    span.end();
    this._metrics.stage(state.def.name, stage, status, latencyMs / 1000, state.options.traceId);
    if (inputCount !== null && outputCount !== null) {
      this._metrics.candidates(state.def.name, stage, inputCount, outputCount);
    }
    return value;
  }

  /** One component call: enabled check, deadline, span, metrics, degradation note, ledger record. */
  private async call<Q extends QueryBase, C extends CandidateBase, T>(
    state: RunState<Q, C>,
    stageCtx: Context,
    stage: StageKind,
    component: Component<Q>,
    query: Q,
    inputCount: number | null,
    fn: (ctx: ComponentContext) => Promise<Result<T>>,
    describeOutput?: (value: T) => { count: number; partial?: string },
  ): Promise<{ invocation: Invocation<T>; record: ComponentRecord }> {
    const policy = policyOf(component);
    const base = { component: component.name, policy, inputCount, alignmentViolations: 0 };
    if (!(component.enabled?.(query) ?? true)) {
      const outcome: ComponentOutcome = { status: 'disabled' };
      this.noteFailure(state, stage, component, outcome);
      this._metrics.component(state.def.name, stage, component.name, 'disabled', null, 0);
      return {
        invocation: { outcome },
        record: { ...base, ...statusFields(outcome), latencyMs: 0, outputCount: null },
      };
    }
    const deadline = this.componentDeadline(state, stage, component, query);
    const span = this._tracer.startSpan(
      `${stage}/${component.name}`,
      {
        attributes: {
          [Attr.pipeline]: state.def.name,
          [Attr.stageKind]: stage,
          [Attr.component]: component.name,
          [Attr.failurePolicy]: policy,
          [Attr.budgetMs]: Math.round(deadline.remainingMs()),
        },
      },
      stageCtx,
    );
    const started = this._clock.now();
    const invocation = await context.with(trace.setSpan(stageCtx, span), () =>
      invoke(this._clock, state.signal, deadline, fn),
    );
    const latencyMs = this._clock.now() - started;
    let outcome = invocation.outcome;
    let outputCount: number | null = null;
    if (invocation.value !== undefined && describeOutput) {
      const described = describeOutput(invocation.value);
      outputCount = described.count;
      if (described.partial !== undefined) {
        outcome = { status: 'partial', message: described.partial };
      } else if (outputCount === 0) {
        outcome = { status: 'empty' };
      }
    }
    this.finishSpan(span, outcome);
    this._metrics.component(
      state.def.name,
      stage,
      component.name,
      outcome.status,
      outcome.status === 'error' ? outcome.errorKind : null,
      latencyMs / 1000,
    );
    if (isFailure(outcome) || outcome.status === 'partial') {
      this.noteFailure(state, stage, component, outcome);
    }
    return {
      invocation: { ...invocation, outcome },
      record: { ...base, ...statusFields(outcome), latencyMs, outputCount },
    };
  }

  /**
   * Applies batch rows (hydrator or scorer) joined by id. Violating rows are rejected; a fail-closed
   * component's candidates without an accepted row are removed.
   */
  private applyRows<Q extends QueryBase, C extends CandidateBase>(
    state: RunState<Q, C>,
    stage: StageKind,
    component: Component<Q>,
    fields: readonly (keyof C)[],
    current: C[],
    invocation: Invocation<readonly HydratedRow<C>[]>,
    record: ComponentRecord,
  ): { candidates: C[]; record: ComponentRecord } {
    const policy = policyOf(component);
    const rows = invocation.value;
    if (!rows) {
      if (isFailure(invocation.outcome) && policy === 'fail_closed') {
        for (const c of current) {
          this.removeCandidate(
            state,
            stage,
            component.name,
            c.id,
            'fail_closed',
            describe(invocation.outcome),
          );
        }
        this._metrics.removed(state.def.name, component.name, 'fail_closed', current.length);
        return { candidates: [], record: { ...record, outputCount: 0 } };
      }
      return { candidates: current, record: { ...record, outputCount: current.length } };
    }
    const { accepted, violations } = joinById(distinct(current), rows);
    countReasons(violations.map((v) => v.kind)).forEach((n, kind) =>
      this._metrics.alignmentViolations(state.def.name, component.name, kind, n),
    );
    const next: C[] = [];
    let rejected = 0;
    for (const c of current) {
      const patch = accepted.get(c.id);
      if (patch) {
        const { value, set } = applyOwned(c, patch, fields);
        state.ledger.recordFields(
          c.id,
          set,
          component.name,
          stage === 'scorers' ? (value as Readonly<Record<string, unknown>>) : undefined,
        );
        next.push(value);
      } else if (policy === 'fail_closed') {
        rejected += 1;
        this.removeCandidate(
          state,
          stage,
          component.name,
          c.id,
          'fail_closed',
          'no aligned result for this candidate',
        );
      } else {
        next.push(c);
      }
    }
    if (rejected > 0) {
      this._metrics.removed(state.def.name, component.name, 'fail_closed', rejected);
    }
    let outcome: ComponentOutcome = invocation.outcome;
    if (violations.length > 0) {
      const kinds = [...countReasons(violations.map((v) => v.kind))].map(([k, n]) => `${k}=${n}`).join(' ');
      outcome = { status: 'error', errorKind: 'alignment_violation', message: kinds };
      this.noteFailure(state, stage, component, outcome);
    }
    return {
      candidates: next,
      record: {
        ...record,
        ...statusFields(outcome),
        outputCount: next.length,
        alignmentViolations: violations.length,
      },
    };
  }

  private removeCandidate<Q extends QueryBase, C extends CandidateBase>(
    state: RunState<Q, C>,
    stage: StageKind,
    component: string,
    id: string,
    reason: string,
    detail?: string,
  ): void {
    state.ledger.remove(id, stage, component, reason, detail);
  }

  private noteFailure<Q extends QueryBase, C extends CandidateBase>(
    state: RunState<Q, C>,
    stage: StageKind,
    component: Component<Q>,
    outcome: ComponentOutcome,
  ): void {
    if (outcome.status === 'ok' || outcome.status === 'empty') {
      return;
    }
    state.degradations.push({
      pipeline: state.def.name,
      stage,
      component: component.name,
      status: outcome.status,
      policy: policyOf(component),
      errorKind: outcome.status === 'error' ? outcome.errorKind : null,
      reason: describe(outcome),
    });
  }

  private componentDeadline<Q extends QueryBase, C extends CandidateBase>(
    state: RunState<Q, C>,
    stage: StageKind,
    component: Component<Q>,
    query: Q,
  ): Deadline {
    const reserveMs = IO_STAGES.has(stage) ? (state.options.reserveMs ?? 0) : 0;
    const capMs = component.timeoutMs?.(query);
    return state.options.deadline.narrow({ reserveMs, ...(capMs === undefined ? {} : { capMs }) });
  }

  private stageAttrs<Q extends QueryBase, C extends CandidateBase>(state: RunState<Q, C>, stage: StageKind) {
    return { [Attr.pipeline]: state.def.name, [Attr.stageKind]: stage };
  }

  private finishSpan(span: Span, outcome: ComponentOutcome): void {
    span.setAttribute(Attr.outcome, outcome.status);
    if (outcome.status === 'error') {
      span.setAttribute(Attr.errorKind, outcome.errorKind);
    }
    if (isFailure(outcome)) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: describe(outcome) });
    }
    span.end();
  }
}

function statusFields(outcome: ComponentOutcome): {
  status: ComponentOutcome['status'];
  errorKind: ErrorKind | null;
  message: string | null;
} {
  switch (outcome.status) {
    case 'error':
      return { status: 'error', errorKind: outcome.errorKind, message: outcome.message };
    case 'partial':
      return { status: 'partial', errorKind: null, message: outcome.message };
    case 'ok':
    case 'empty':
    case 'timeout':
    case 'cancelled':
    case 'disabled':
      return { status: outcome.status, errorKind: null, message: null };
  }
}

function asOutcome(record: ComponentRecord): ComponentOutcome {
  switch (record.status) {
    case 'error':
      return { status: 'error', errorKind: record.errorKind ?? 'internal', message: record.message ?? '' };
    case 'partial':
      return { status: 'partial', message: record.message ?? '' };
    case 'ok':
    case 'empty':
    case 'timeout':
    case 'cancelled':
    case 'disabled':
      return { status: record.status };
  }
}

function describe(outcome: ComponentOutcome): string {
  switch (outcome.status) {
    case 'error':
      return `${outcome.errorKind}: ${outcome.message}`;
    case 'timeout':
      return 'deadline exceeded';
    case 'cancelled':
      return 'request cancelled';
    case 'disabled':
      return 'disabled for this request';
    case 'partial':
      return `partial: ${outcome.message}`;
    case 'ok':
    case 'empty':
      return outcome.status;
  }
}

/**
 * One frozen copy per id (the first): what batch components see. Results are joined by id, so every
 * copy of an id (e.g. from two sources, before DropDuplicates) receives the same fields.
 */
function frozenDistinct<C extends CandidateBase>(candidates: readonly C[]): readonly C[] {
  return Object.freeze(distinct(candidates).map((c) => Object.freeze({ ...c })));
}

function distinct<C extends CandidateBase>(candidates: readonly C[]): C[] {
  const seen = new Set<string>();
  return candidates.filter((c) => !seen.has(c.id) && seen.add(c.id) !== undefined);
}

/** Same multiset of ids (and no candidate invented or lost). */
function conserves(input: readonly CandidateBase[], output: readonly CandidateBase[]): boolean {
  if (input.length !== output.length) {
    return false;
  }
  const counts = countReasons(input.map((c) => c.id));
  for (const c of output) {
    const n = counts.get(c.id);
    if (!n) {
      return false;
    }
    counts.set(c.id, n - 1);
  }
  return true;
}

function countReasons(values: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const v of values) {
    counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  return counts;
}
