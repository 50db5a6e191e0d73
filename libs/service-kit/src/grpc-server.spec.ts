import {
  credentials,
  makeGenericClientConstructor,
  type ServiceDefinition,
  type ServiceError,
  status,
} from '@grpc/grpc-js';
import { listenGrpc } from './grpc-server';

const bytes = (b: Buffer) => b;
const method = (name: string) => ({
  path: `/test.Echo/${name}`,
  requestStream: false,
  responseStream: false,
  requestSerialize: bytes,
  requestDeserialize: bytes,
  responseSerialize: bytes,
  responseDeserialize: bytes,
});
const Echo: ServiceDefinition = { Echo: method('Echo'), Hang: method('Hang') };
const EchoClient = makeGenericClientConstructor(Echo, 'Echo');
type Call = (req: Buffer, cb: (err: ServiceError | null, res?: Buffer) => void) => void;

describe(listenGrpc.name, () => {
  it('should serve on the bound port and stop answering once closed', async () => {
    const running = await listenGrpc('127.0.0.1', 0, [
      {
        definition: Echo,
        handlers: {
          Echo: (call: { request: Buffer }, cb: (e: null, r: Buffer) => void) => cb(null, call.request),
          Hang: () => undefined,
        },
      },
    ]);
    const client = new EchoClient(`127.0.0.1:${running.port}`, credentials.createInsecure());
    const echo = (client as unknown as { Echo: Call }).Echo.bind(client);
    try {
      expect(running.port).toBeGreaterThan(0);
      await expect(
        new Promise((resolve, reject) =>
          echo(Buffer.from('hi'), (e, r) => (e ? reject(e) : resolve(r?.toString()))),
        ),
      ).resolves.toBe('hi');

      // A call that never ends: the grace period runs out and the server is forced down.
      const hanging = new Promise<ServiceError | null>((resolve) =>
        (client as unknown as { Hang: Call }).Hang.call(client, Buffer.from(''), (e) => resolve(e)),
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
      const closing = performance.now();
      await running.close(100);

      expect(performance.now() - closing).toBeGreaterThanOrEqual(90);
      expect((await hanging)?.code).toBe(status.CANCELLED);
    } finally {
      client.close();
    }
  });
});
