import { existsSync, statSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { transcodeForBrowser } from '../sources/ffmpeg.js';
import { UUID_TEXT } from '../util/ids.js';

/**
 * The video of a file session as the browser plays it for an audit: an MP4 (H.264) copy made once (on first
 * request, one conversion per session at a time), kept under `dir` by session id, and removed with
 * the session. The path always comes from the session's own record, never from a request.
 */
export class SessionVideo {
  private readonly making = new Map<string, Promise<string>>();
  /** Conversions run one at a time, beside the live cameras. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly dir: string) {}

  /** The browser copy of `source` for session `id` (a UUID), converting it first if needed. */
  async file(id: string, source: string): Promise<{ path: string; size: number }> {
    const path = this.pathOf(id);
    if (!existsSync(path)) {
      let p = this.making.get(id);
      if (!p) {
        p = this.queue.catch(() => undefined).then(() => this.make(source, path)).finally(() => this.making.delete(id));
        this.queue = p;
        this.making.set(id, p);
      }
      await p;
    }
    return { path, size: statSync(path).size };
  }

  /** Deletes the copy of session `id`; an id that is not a UUID never had one. */
  async remove(id: string): Promise<void> {
    if (UUID_TEXT.test(id)) await rm(this.pathOf(id), { force: true });
  }

  private pathOf(id: string): string {
    if (!UUID_TEXT.test(id)) throw new Error(`not a session id: ${id}`);
    return join(this.dir, `${id}.mp4`);
  }

  private async make(source: string, path: string): Promise<string> {
    await mkdir(this.dir, { recursive: true });
    const tmp = `${path}.part`;
    try {
      await transcodeForBrowser(source, tmp);
      await rename(tmp, path);
    } finally {
      await rm(tmp, { force: true });
    }
    return path;
  }
}
