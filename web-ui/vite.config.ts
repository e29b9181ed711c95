import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';

// The dashboard: static files in web-ui/dist that the daemon serves (WEB_UI_DIR). `npx vite --config
// web-ui/vite.config.ts` runs a dev server that forwards /api (and the live WebSockets) to a daemon
// on VANTAGE_DEV_API (default http://127.0.0.1:8080), as if the page came from the daemon itself
// (its cookie-authenticated WebSockets accept only their own origin).
const devApi = process.env.VANTAGE_DEV_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [preact({ devToolsEnabled: false, prefreshEnabled: false, reactAliasesEnabled: false })],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Everything is served by the daemon under `default-src 'self'`: no inline data: fonts or CDN.
    assetsInlineLimit: 0,
    reportCompressedSize: true,
  },
  server: {
    proxy: { '/api': { target: devApi, ws: true, changeOrigin: true, headers: { origin: devApi } } },
  },
});
