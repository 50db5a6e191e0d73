import { startTelemetry, type TelemetryHandle } from '@foryou/telemetry';
import type { WorkerConfig } from './config/worker-config';

/** Starts OpenTelemetry; main.ts calls it before loading any module it should instrument. */
export function startInstrumentation(config: WorkerConfig): TelemetryHandle {
  return startTelemetry({
    serviceName: config.serviceName,
    serviceVersion: config.codeVersion,
    ...(config.otlpEndpoint ? { otlpEndpoint: config.otlpEndpoint } : {}),
  });
}
