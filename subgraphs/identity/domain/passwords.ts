import { IdentityErrorCode } from '../errors';
import type { Algorithm } from '@node-rs/argon2';
import { hash, verify } from '@node-rs/argon2';
import { DomainError } from '../../../platform/errors';

/** OWASP's argon2id recommendation: 19 MiB of memory, 2 passes, 1 lane. */
export const ARGON2_OPTIONS = {
  algorithm: 2 as Algorithm, // Argon2id (a const enum in the typings)
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
};

export const MIN_PASSWORD_LENGTH = 10;
const MAX_PASSWORD_LENGTH = 256;

/** Passwords so common that their length alone means nothing. */
const COMMON = new Set([
  'password',
  'password1',
  'password123',
  'passw0rd',
  '1234567890',
  '12345678910',
  'qwertyuiop',
  'qwerty1234',
  'iloveyou',
  'letmein123',
  'welcome123',
  'admin12345',
  'abc1234567',
  'changeme',
  'changeme123',
  '1q2w3e4r5t',
  'qwertzuiop',
  'football123',
  'monkey1234',
  'dragon1234',
  'sunshine123',
  'princess123',
  'trustno1',
]);

/**
 * The rules a new password must meet: long enough, not absurdly long (argon2 input is
 * bounded to keep the hash cost predictable), not a well-known password, not one
 * character repeated or a plain sequence, not the account's email.
 */
export function checkPasswordStrength(
  password: string,
  context: { email?: string; field?: string } = {},
): void {
  const field = [context.field ?? 'password'];
  if (typeof password !== 'string' || password.length < MIN_PASSWORD_LENGTH) {
    throw new DomainError(
      IdentityErrorCode.PASSWORD_TOO_SHORT,
      `The password must have at least ${MIN_PASSWORD_LENGTH} characters`,
      field,
    );
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw new DomainError(
      IdentityErrorCode.PASSWORD_TOO_LONG,
      `The password must have at most ${MAX_PASSWORD_LENGTH} characters`,
      field,
    );
  }
  const lower = password.toLowerCase();
  const email = context.email?.toLowerCase();
  if (
    COMMON.has(lower) ||
    new Set(lower).size < 4 ||
    isSequence(lower) ||
    (email && (lower === email || lower === email.split('@')[0]))
  ) {
    throw new DomainError(
      IdentityErrorCode.PASSWORD_TOO_WEAK,
      'The password is too easy to guess',
      field,
    );
  }
}

function isSequence(text: string): boolean {
  for (let i = 1; i < text.length; i += 1) {
    if (Math.abs(text.charCodeAt(i) - text.charCodeAt(i - 1)) !== 1) return false;
  }
  return true;
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

/** A hash of nothing in particular: verifying against it costs what a real check costs. */
let decoy: Promise<string> | null = null;

/**
 * Checks a password against a stored hash. Without a stored hash (no such account, or a
 * social-only one) it still spends the time of one argon2 verification, so that response
 * times do not tell which emails have accounts.
 */
export async function verifyPassword(
  stored: string | null | undefined,
  password: string,
): Promise<boolean> {
  const candidate = typeof password === 'string' ? password.slice(0, MAX_PASSWORD_LENGTH) : '';
  if (!stored) {
    decoy ??= hashPassword('decoy password that matches nothing');
    await verify(await decoy, candidate).catch(() => false);
    return false;
  }
  return verify(stored, candidate).catch(() => false);
}
