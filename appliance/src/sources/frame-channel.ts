/**
 * The decoder's frames travel over a connected pair of Unix stream sockets instead of a child-process
 * pipe. The child gets one end as its stdout; this process reads the other with Node's `onread`
 * option, which makes libuv read straight into memory we choose: the ring slot being written. A
 * child's stdout stream would allocate a 64 KiB buffer for every read (eight or more per 416×416
 * frame) to be copied into the slot and then collected by the garbage collector.
 */
import net from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface FrameReader {
  /** Where the next bytes go; called before the first read and after every read. */
  buffer(): Uint8Array;
  /** `n` bytes were read into `buf` (the last buffer() result). Return false to pause reading. */
  bytes(n: number, buf: Uint8Array): boolean;
}

export interface FrameChannel {
  /** This process's end: read with the FrameReader; emits 'end' at the child's EOF and 'close' after. */
  reader: net.Socket;
  /** The child's end, to pass as its stdout; destroy this process's copy once the child has it. */
  childEnd: net.Socket;
}

let socketDir: string | undefined;
let counter = 0;

/**
 * A socket's path must fit in 108 bytes (sun_path); a long TMPDIR falls back to /tmp. Exported for
 * the test.
 */
export function socketParent(dir = tmpdir()): string {
  return dir.length <= 64 ? dir : '/tmp';
}

/** This process's socket directory, once a channel has been opened (for tests). */
export function frameSocketDir(): string | undefined {
  return socketDir;
}

/** A directory only this user can enter (mkdtemp makes it 0700), removed when the process exits. */
function privateDir(): string {
  if (!socketDir) {
    const dir = mkdtempSync(join(socketParent(), 'vantage-sock-'));
    socketDir = dir;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return socketDir;
}

/**
 * Opens a connected socket pair: a one-shot listener in a private directory, a connection to it
 * with `onread`, the accepted end handed back for the child, the listener closed and its path
 * removed at once.
 */
export async function openFrameChannel(reader: FrameReader): Promise<FrameChannel> {
  const path = join(privateDir(), `${process.pid}-${++counter}.sock`);
  const server = net.createServer({ pauseOnConnect: true });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
    const client = net.connect({ path, onread: { buffer: () => reader.buffer(), callback: (n, buf) => reader.bytes(n, buf) } });
    await new Promise<void>((resolve, reject) => {
      client.once('error', reject);
      client.once('connect', () => {
        client.off('error', reject);
        resolve();
      });
    });
    return { reader: client, childEnd: await accepted };
  } finally {
    server.close();
    rmSync(path, { force: true });
  }
}
