import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from '@foryou/telemetry';
import { AppModule, type AppModuleOptions } from './app.module';
import { FeedErrorFilter } from './errors/feed-error.filter';

/**
 * Builds the Nest application (not yet listening) from explicit options; shared by main and tests.
 * Signal handling belongs to the caller (bootstrap), not to Nest.
 */
export async function createApp(options: AppModuleOptions): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.register(options),
    new FastifyAdapter(),
    {
      logger: nestLogger(options.logger),
      bufferLogs: false,
    },
  );
  app.useGlobalFilters(new FeedErrorFilter((err) => options.logger.error({ err }, 'unhandled error')));
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

/** Routes Nest's own log lines into the JSON logger. */
function nestLogger(logger: Logger) {
  return {
    log: (message: unknown) => logger.debug({ nest: true }, String(message)),
    error: (message: unknown, trace?: string) => logger.error({ nest: true, trace }, String(message)),
    warn: (message: unknown) => logger.warn({ nest: true }, String(message)),
    debug: (message: unknown) => logger.debug({ nest: true }, String(message)),
    verbose: (message: unknown) => logger.trace({ nest: true }, String(message)),
  };
}
