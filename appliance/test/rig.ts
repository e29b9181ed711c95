import { join } from 'node:path';
import { Appliance } from '../src/appliance.js';
import { validateConfig } from '../src/config/loader.js';
import { silentLogger } from '../src/logger.js';
import { freePort, tempDir } from './helpers.js';
import { startBroker, type TestBroker } from './mqtt-broker.js';
import { startRtspServer, type RtspServer } from './rtsp-server.js';
import { TelegramTestServer } from './telegram-server.js';

// The real parts an end-to-end test runs the appliance against, started together and stopped in
// order: a fresh SQLite file, the local Telegram test server, an aedes broker, a GStreamer RTSP
// camera — each only when asked for — and the daemon in this process, without scheduled reports.

export interface RigUrls {
  /** The Telegram test server's base URL, when `telegram` was asked for. */
  telegram?: string;
  /** mqtt://127.0.0.1:PORT, when `mqtt` was asked for. */
  mqtt?: string;
  /** The RTSP camera's URL, when `rtsp` was asked for. */
  rtsp?: string;
}

export interface RigOptions {
  telegram?: boolean;
  mqtt?: boolean;
  rtsp?: boolean;
  /** The rest of the config (cameras, site, privacy …); http, storage, analytics, telegram and mqtt are filled in (and may be overridden). */
  config: (urls: RigUrls) => Record<string, unknown>;
}

export interface Rig {
  app: Appliance;
  /** http://127.0.0.1:PORT of the daemon. */
  base: string;
  dir: string;
  dbPath: string;
  urls: RigUrls;
  mqttPort?: number;
  tg?: TelegramTestServer;
  broker?: TestBroker;
  rtsp?: RtspServer;
  stop(): Promise<void>;
}

export async function startRig(opts: RigOptions): Promise<Rig> {
  const dir = tempDir();
  const dbPath = join(dir, 'v.db');
  const tg = opts.telegram ? await new TelegramTestServer().start() : undefined;
  const rtsp = opts.rtsp ? await startRtspServer() : undefined;
  const mqttPort = opts.mqtt ? await freePort() : undefined;
  const broker = mqttPort ? await startBroker(mqttPort) : undefined;
  const urls: RigUrls = { telegram: tg?.url, mqtt: mqttPort ? `mqtt://127.0.0.1:${mqttPort}` : undefined, rtsp: rtsp?.url };
  const app = new Appliance(
    validateConfig({
      http: { port: 0 },
      storage: { path: dbPath },
      analytics: { hourly_reports: false, daily_reports: false },
      ...(tg ? { telegram: { base_url: tg.url } } : {}),
      ...(urls.mqtt ? { mqtt: { url: urls.mqtt } } : {}),
      ...opts.config(urls),
    }),
    silentLogger(),
  );
  await app.start();
  return {
    app,
    base: `http://127.0.0.1:${app.address!.port}`,
    dir,
    dbPath,
    urls,
    mqttPort,
    tg,
    broker,
    rtsp,
    async stop() {
      await app.stop();
      await tg?.stop();
      await broker?.close();
      await rtsp?.stop();
    },
  };
}
