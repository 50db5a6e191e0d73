export { ConfigError, parseEnv } from './parse-env';
export { CallError, type CallErrorCode, type CallErrorOutcome } from './call-error';
export { grpcBudgetMs, type MonotonicClock, systemClock, yieldToEventLoop } from './call-clock';
export { type GrpcService, listenGrpc, type RunningGrpcServer } from './grpc-server';
export { InFlightLimiter } from './in-flight-limiter';
export { type ServedCode, serveUnaryCall, type UnaryCallOptions, type UnaryWork } from './serve-unary';
export {
  describeFetchError,
  ReadyWaitError,
  type ReadyWaitFailure,
  waitForReady,
  type WaitForReadyOptions,
} from './wait-for-ready';
