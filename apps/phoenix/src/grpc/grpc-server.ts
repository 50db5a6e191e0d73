import { loadPhoenixProto, type RankingHandlers, type RetrievalHandlers } from '@foryou/contracts';
import { listenGrpc, type RunningGrpcServer } from '@foryou/service-kit';

/** Serves `foryou.phoenix.v1.Retrieval` and `.Ranking` on host:port (plaintext; internal traffic). */
export async function startGrpcServer(
  host: string,
  port: number,
  handlers: { retrieval: RetrievalHandlers; ranking: RankingHandlers },
): Promise<RunningGrpcServer> {
  const proto = loadPhoenixProto().foryou.phoenix.v1;
  return await listenGrpc(host, port, [
    { definition: proto.Retrieval.service, handlers: handlers.retrieval },
    { definition: proto.Ranking.service, handlers: handlers.ranking },
  ]);
}
