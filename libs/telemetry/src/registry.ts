import { Registry, type OpenMetricsContentType } from 'prom-client';

export type OpenMetricsRegistry = Registry<OpenMetricsContentType>;

/** A prom-client registry that renders OpenMetrics, the format that carries exemplars (trace ids). */
export function createOpenMetricsRegistry(): OpenMetricsRegistry {
  const registry = new Registry<OpenMetricsContentType>();
  registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  return registry;
}
