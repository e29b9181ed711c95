import { randomUUID } from 'node:crypto';
import { createWriteStream, readdirSync, statfsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream } from 'node:stream/web';

/** Uploaded videos live in `uploads/` beside the database; names never leave that folder. */
export function uploadsDir(dbPath: string): string {
  return join(dirname(dbPath), 'uploads');
}

export interface UploadLimits {
  /** Largest file. */
  maxBytes: number;
  /** Uploaded files kept at once (those being written included). */
  maxFiles: number;
  /** Free space the file system must keep (storage.min_free_mb): checked before and while writing. */
  minFreeBytes: number;
  /** The declared size (Content-Length), when the client sent one. */
  expectedBytes?: number | undefined;
}

export type UploadRefusal = 'size' | 'count' | 'space';

/** Free space is read again after every this many bytes written. */
const SPACE_CHECK_BYTES = 8 * 1024 * 1024;

/** Uploads being written now, per folder (they count against maxFiles before their file is complete). */
const writing = new Map<string, number>();

/**
 * Streams `body` to a new file in `dir`. Refused (and nothing left behind) when it would pass
 * `maxBytes`, when `maxFiles` uploads are already kept, or when the disk would keep less than
 * `minFreeBytes` free (before the first byte when the size is declared, else as soon as it happens).
 */
export async function saveUpload(
  dir: string,
  name: string,
  body: ReadableStream<Uint8Array>,
  limits: UploadLimits,
): Promise<{ ok: true; path: string } | { ok: false; refused: UploadRefusal }> {
  await mkdir(dir, { recursive: true });
  const free = (): number => {
    const st = statfsSync(dir);
    return st.bavail * st.bsize;
  };
  if (limits.expectedBytes !== undefined && limits.expectedBytes > limits.maxBytes) return { ok: false, refused: 'size' };
  if (free() - (limits.expectedBytes ?? 0) < limits.minFreeBytes) return { ok: false, refused: 'space' };
  const inFlight = writing.get(dir) ?? 0;
  if (readdirSync(dir).length + inFlight >= limits.maxFiles) return { ok: false, refused: 'count' };
  writing.set(dir, inFlight + 1);
  const path = join(dir, `${randomUUID()}-${name.replace(/[^A-Za-z0-9._ -]/g, '_')}`);
  let total = 0;
  let nextCheck = SPACE_CHECK_BYTES;
  let refused: UploadRefusal | undefined;
  const limit = new Transform({
    transform(chunk: Buffer, _enc, done) {
      total += chunk.length;
      if (total > limits.maxBytes) refused = 'size';
      else if (total >= nextCheck) {
        nextCheck = total + SPACE_CHECK_BYTES;
        if (free() - chunk.length < limits.minFreeBytes) refused = 'space';
      }
      done(refused ? new Error(refused) : null, chunk);
    },
  });
  try {
    await pipeline(Readable.fromWeb(body), limit, createWriteStream(path));
    return { ok: true, path };
  } catch (e) {
    await rm(path, { force: true });
    if (refused) return { ok: false, refused };
    throw e;
  } finally {
    writing.set(dir, (writing.get(dir) ?? 1) - 1);
  }
}
