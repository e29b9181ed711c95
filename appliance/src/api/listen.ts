import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { VantageError } from '../errors.js';

/** Serves `fetch` on host:port; a refusal (port in use, no permission) names the config keys to change. */
export function listen(fetch: Parameters<typeof serve>[0]['fetch'], host: string, port: number): Promise<Server> {
  return new Promise<Server>((resolve, reject) => {
    const server = serve({ fetch, hostname: host, port }, () => resolve(server)) as Server;
    server.once('error', (e: NodeJS.ErrnoException) => {
      const why = e.code === 'EADDRINUSE' ? 'the address is already in use' : e.code === 'EACCES' ? 'permission denied' : e.message;
      reject(new VantageError('ERR_CONFIG_INVALID', `cannot listen on ${host}:${port} (http.host, http.port): ${why}`, { cause: e }));
    });
  });
}
