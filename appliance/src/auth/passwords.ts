/** The one place argon2 is imported: password hashing (argon2id) and the password policy. */
import argon2 from 'argon2';
import { dictionary } from '@zxcvbn-ts/language-common';

/** OWASP's argon2id minimum (19 MiB, 2 passes): cheap enough for a Jetson, costly for an attacker. */
const PARAMS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const MIN_PASSWORD_LENGTH = 10;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, PARAMS);
}

let dummy: Promise<string> | undefined;

/**
 * Checks a password against a stored hash in constant time. With no hash (unknown user) it still
 * verifies against a dummy, so the answer takes as long either way.
 */
export async function verifyPassword(hash: string | undefined, password: string): Promise<boolean> {
  const h = hash ?? (await (dummy ??= hashPassword('dummy password that never matches')));
  try {
    const ok = await argon2.verify(h, password);
    return ok && hash !== undefined;
  } catch {
    return false;
  }
}

let common: Set<string> | undefined;

/** Why a password is refused, or undefined when it is acceptable. */
export function passwordProblem(password: string, username: string): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH) return `must be at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > 256) return 'must be at most 256 characters';
  const lower = password.toLowerCase();
  common ??= new Set(dictionary['passwords-common'] as string[]);
  if (common.has(lower)) return 'is one of the most common passwords';
  if (new Set(lower).size < 4) return 'has too few different characters';
  if (username.length >= 3 && lower.includes(username.toLowerCase())) return 'must not contain the username';
  return undefined;
}
