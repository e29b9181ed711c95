/**
 * A real MQTT broker (aedes) on 127.0.0.1 recording what the appliance publishes. Closing it drops
 * every client (an outage); starting another on the same port is the broker coming back.
 */
import { createServer, type Server } from 'node:net';
import { Aedes } from 'aedes';

export interface Published {
  topic: string;
  payload: string;
  raw: Buffer;
  retain: boolean;
  at: number;
}

export interface TestBroker {
  readonly received: Published[];
  close(): Promise<void>;
}

export async function startBroker(port: number): Promise<TestBroker> {
  const broker = await Aedes.createBroker();
  const received: Published[] = [];
  broker.on('publish', (packet, client) => {
    if (client) received.push({ topic: packet.topic, payload: packet.payload.toString(), raw: Buffer.from(packet.payload), retain: packet.retain, at: Date.now() });
  });
  const server: Server = createServer(broker.handle);
  // A port a previous broker just released may need a moment.
  for (let attempt = 0; ; attempt++) {
    try {
      await new Promise<void>((res, rej) => {
        server.once('error', rej);
        server.listen(port, '127.0.0.1', () => (server.off('error', rej), res()));
      });
      break;
    } catch (e) {
      if (attempt >= 20) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    received,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => broker.close(() => r()));
        for (const c of Object.values((broker as unknown as { clients: Record<string, { close(): void }> }).clients)) c.close();
      }),
  };
}
