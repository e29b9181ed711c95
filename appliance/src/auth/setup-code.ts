import { randomInt, timingSafeEqual } from 'node:crypto';
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Crockford's base32 letters: no I, L, O or U to misread. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Where the setup code of a database is written: beside it, readable by its owner only (none for `:memory:`). */
export function setupCodePath(databasePath: string): string | null {
  return databasePath === ':memory:' || databasePath === '' ? null : join(dirname(databasePath), 'setup-code');
}

/** Upper case, without the dashes and spaces people type between the groups. */
const normal = (code: string) => code.toUpperCase().replace(/[\s-]/g, '');

/**
 * The one-time code that proves first-run setup comes from someone who can read this box's log or its
 * files, not from whoever reached the port first. 12 base32 characters (60 bits), shown as XXXX-XXXX-XXXX;
 * a new one is made at every start while no admin exists, and the file goes when setup is done.
 */
export class SetupCode {
  private code: string | undefined;
  private written = false;
  /** Why the file could not be written (a full or read-only disk): the log still has the code. */
  writeError: string | undefined;

  constructor(private readonly path: string | null) {}

  /** The file holding the current code, or null (none written, or setup is done). */
  get file(): string | null {
    return this.written ? this.path : null;
  }

  /** Makes a new code and writes it to the file (mode 0600, never through an existing file or link). */
  issue(): string {
    const raw = Array.from({ length: 12 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
    this.code = raw;
    this.written = false;
    if (this.path) {
      try {
        rmSync(this.path, { force: true });
        writeFileSync(this.path, `${format(raw)}\n`, { mode: 0o600, flag: 'wx' });
        chmodSync(this.path, 0o600);
        this.written = true;
      } catch (e) {
        this.writeError = `${this.path}: ${(e as Error).message}`;
      }
    }
    return format(raw);
  }

  /** Whether `given` is the current code (compared in constant time; case, dashes and spaces do not matter). */
  check(given: string): boolean {
    if (this.code === undefined) return false;
    const a = Buffer.from(normal(given));
    const b = Buffer.from(this.code);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  /** Setup is done (or was never needed): the code stops working and its file goes. */
  done(): void {
    this.code = undefined;
    this.written = false;
    try {
      if (this.path) rmSync(this.path, { force: true });
    } catch {
      // unreadable folder: the code no longer works either way
    }
  }
}

/** The code the running daemon wrote for a database, or undefined when there is none. */
export function readSetupCode(databasePath: string): string | undefined {
  const file = setupCodePath(databasePath);
  if (!file) return undefined;
  try {
    return readFileSync(file, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

function format(raw: string): string {
  return `${raw.slice(0, 4)}-${raw.slice(4, 8)}-${raw.slice(8)}`;
}
