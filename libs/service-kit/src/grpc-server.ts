import {
  Server,
  ServerCredentials,
  type ServiceDefinition,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';

/** One service to serve: its definition (from the loaded proto) and its handlers. */
export interface GrpcService {
  readonly definition: ServiceDefinition;
  readonly handlers: UntypedServiceImplementation;
}

export interface RunningGrpcServer {
  readonly server: Server;
  /** The bound port (useful when asked for port 0). */
  readonly port: number;
  /** Stops accepting calls and waits for those in flight (bounded by `graceMs`, then forced). */
  close(graceMs: number): Promise<void>;
}

/** Serves `services` on host:port (plaintext; internal traffic). */
export async function listenGrpc(
  host: string,
  port: number,
  services: readonly GrpcService[],
): Promise<RunningGrpcServer> {
  const server = new Server();
  for (const { definition, handlers } of services) {
    server.addService(definition, handlers);
  }
  const bound = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${host}:${port}`, ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  return {
    server,
    port: bound,
    close: (graceMs) =>
      new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, graceMs);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      }),
  };
}
