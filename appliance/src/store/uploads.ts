import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream } from 'node:stream/web';

/** Uploaded videos live in `uploads/` beside the database; names never leave that folder. */
export function uploadsDir(dbPath: string): string {
  return join(dirname(dbPath), 'uploads');
}

/** Streams `body` to a new file in `dir`, stopping (and deleting it) past `limitBytes`. */
export async function saveUpload(
  dir: string,
  name: string,
  body: ReadableStream<Uint8Array>,
  limitBytes: number,
): Promise<{ ok: true; path: string } | { ok: false }> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${randomUUID()}-${name.replace(/[^A-Za-z0-9._ -]/g, '_')}`);
  let total = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _enc, done) {
      total += chunk.length;
      done(total > limitBytes ? new Error('limit') : null, chunk);
    },
  });
  try {
    await pipeline(Readable.fromWeb(body), limit, createWriteStream(path));
    return { ok: true, path };
  } catch (e) {
    await rm(path, { force: true });
    if (total > limitBytes) return { ok: false };
    throw e;
  }
}
