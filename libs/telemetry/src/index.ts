export { Attr } from './attributes';
export { startTelemetry, type TelemetryOptions, type TelemetryHandle } from './otel';
export { createLogger, type Logger } from './logger';
export { activeTraceId } from './trace-context';
export { createOpenMetricsRegistry, type OpenMetricsRegistry } from './registry';
