/** The few Prometheus HTTP API calls the renderer and the live tests need (fetch, bounded by timeouts). */
export interface PromSeries {
  readonly metric: Record<string, string>;
  readonly values: readonly [number, string][];
}

interface ApiResponse<T> {
  status: 'success' | 'error';
  data: T;
  error?: string;
}

export class PrometheusApiError extends Error {
  override readonly name = 'PrometheusApiError';
}

async function get<T>(base: string, path: string, params: Record<string, string>): Promise<T> {
  const url = new URL(path, base);
  for (const [k, v] of Object.entries(params)) {
    url.searchParams.set(k, v);
  }
  const res = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  const body = (await res.json()) as ApiResponse<T>;
  if (body.status !== 'success') {
    throw new PrometheusApiError(`${url.pathname} ${params.query ?? ''}: ${body.error ?? res.status}`);
  }
  return body.data;
}

export async function queryRange(
  base: string,
  query: string,
  startSec: number,
  endSec: number,
  stepSec: number,
): Promise<PromSeries[]> {
  const data = await get<{ result: PromSeries[] }>(base, '/api/v1/query_range', {
    query,
    start: String(startSec),
    end: String(endSec),
    step: String(stepSec),
  });
  return data.result;
}

export async function queryInstant(
  base: string,
  query: string,
  timeSec?: number,
): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const data = await get<{ result: { metric: Record<string, string>; value: [number, string] }[] }>(
    base,
    '/api/v1/query',
    { query, ...(timeSec !== undefined ? { time: String(timeSec) } : {}) },
  );
  return data.result;
}

export interface PromAlert {
  readonly labels: Record<string, string>;
  readonly state: 'pending' | 'firing' | 'inactive';
  readonly activeAt?: string;
}

export async function alerts(base: string): Promise<PromAlert[]> {
  return (await get<{ alerts: PromAlert[] }>(base, '/api/v1/alerts', {})).alerts;
}
