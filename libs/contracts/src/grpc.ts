import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType as PhoenixProto } from './generated/phoenix';
import type { ProtoGrpcType as ThunderProto } from './generated/thunder';

export type { PhoenixProto, ThunderProto };

/** Directory of the .proto files (shipped with the package, next to src/ and dist/). */
export const PROTO_DIR = join(__dirname, '..', 'proto');

/** Must match the flags of `npm run generate:proto`, which generates the TypeScript types. */
const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
};

function load(file: string): unknown {
  return grpc.loadPackageDefinition(protoLoader.loadSync(join(PROTO_DIR, file), LOADER_OPTIONS));
}

/** Thunder's service definitions (server: `.foryou.thunder.v1.InNetworkPosts.service`). */
export function loadThunderProto(): ThunderProto {
  return load('thunder.proto') as ThunderProto;
}

/** Phoenix's service definitions (Retrieval and Ranking). */
export function loadPhoenixProto(): PhoenixProto {
  return load('phoenix.proto') as PhoenixProto;
}
