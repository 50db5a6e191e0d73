import { loadPhoenixProto, type RankingHandlers, type RetrievalHandlers } from '@foryou/contracts';
import { Server, ServerCredentials } from '@grpc/grpc-js';

export interface RunningGrpcServer {
  readonly server: Server;
  /** The bound port (useful when asked for port 0). */
  readonly port: number;
  /** Stops accepting calls and waits for those in flight (bounded by `graceMs`, then forced). */
  close(graceMs: number): Promise<void>;
}

/** Serves `foryou.phoenix.v1.Retrieval` and `.Ranking` on host:port (plaintext; internal traffic). */
export async function startGrpcServer(
  host: string,
  port: number,
  handlers: { retrieval: RetrievalHandlers; ranking: RankingHandlers },
): Promise<RunningGrpcServer> {
  const proto = loadPhoenixProto().foryou.phoenix.v1;
  const server = new Server();
  server.addService(proto.Retrieval.service, handlers.retrieval);
  server.addService(proto.Ranking.service, handlers.ranking);
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
