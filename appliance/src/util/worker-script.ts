import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PACKAGE_ROOT } from '../config/paths.js';

/**
 * The compiled JavaScript of a worker module (workers run JavaScript, also when the caller runs from
 * TypeScript under the test runner): the caller's sibling when it runs compiled, else the build
 * output in dist/; undefined when neither exists.
 */
export function compiledWorker(callerUrl: string, sourcePath: string): string | undefined {
  const caller = fileURLToPath(callerUrl);
  const file = sourcePath.split('/').pop()!.replace(/\.ts$/, '.js');
  const sibling = resolve(caller, '..', file);
  if (caller.endsWith('.js') && existsSync(sibling)) return sibling;
  const built = resolve(PACKAGE_ROOT, 'dist', sourcePath.replace(/\.ts$/, '.js'));
  return existsSync(built) ? built : undefined;
}
