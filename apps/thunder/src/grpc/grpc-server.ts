import { loadThunderProto, type InNetworkPostsHandlers } from '@foryou/contracts';
import { listenGrpc, type RunningGrpcServer } from '@foryou/service-kit';

/** Serves `foryou.thunder.v1.InNetworkPosts` on host:port (plaintext; internal traffic). */
export async function startGrpcServer(
  host: string,
  port: number,
  handlers: InNetworkPostsHandlers,
): Promise<RunningGrpcServer> {
  const definition = loadThunderProto().foryou.thunder.v1.InNetworkPosts.service;
  return await listenGrpc(host, port, [{ definition, handlers }]);
}
