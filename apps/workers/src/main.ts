// Order matters: configuration, then OpenTelemetry, and only then the modules it instruments
// (http for fastify, ioredis), loaded with require() after the SDK has started.
import type * as Bootstrap from './bootstrap';
import { loadConfig } from './config/worker-config';
import { startInstrumentation } from './instrumentation';

const config = loadConfig();
const telemetry = startInstrumentation(config);

async function main(): Promise<void> {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { bootstrap } = require('./bootstrap') as typeof Bootstrap;
  /* eslint-enable @typescript-eslint/no-require-imports */
  await bootstrap(config, telemetry);
}

main().catch((err: unknown) => {
  process.stderr.write(
    `workers failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
