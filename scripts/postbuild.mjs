// Makes the compiled CLI entry executable so `npx vantage` and the installed bin work.
import { chmodSync } from 'node:fs';
chmodSync(new URL('../dist/appliance/src/main.js', import.meta.url), 0o755);
