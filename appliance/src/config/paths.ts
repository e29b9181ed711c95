import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';

/** The package root (where package.json, models/ and web-ui/ live), from source or from dist/. */
export const PACKAGE_ROOT: string = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(resolve(dir, 'package.json')) && existsSync(resolve(dir, 'models'))) return dir;
    dir = dirname(dir);
  }
  throw new Error('cannot locate the vantage package root');
})();

/**
 * The bundled model when the config names none: YOLOX-Nano with a symbolic input size, so that with
 * `detector.input: auto` each camera runs at its own aspect (416×320 for 4:3, 416×256 for 16:9).
 */
export const DEFAULT_MODEL_MANIFEST = resolve(PACKAGE_ROOT, 'models/yolox-nano/manifest-any.json');
export const DEFAULT_CONFIG_FILE = resolve(PACKAGE_ROOT, 'config/default.yaml');
export const WEB_UI_DIR = resolve(PACKAGE_ROOT, 'web-ui/dist');
/** Sample videos shipped with the appliance: the default of storage.media_dirs. */
export const BUNDLED_MEDIA_DIR = resolve(PACKAGE_ROOT, 'appliance/media');
