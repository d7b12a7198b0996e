import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** A random, URL-safe token with a readable prefix (rt_, ev_, pr_ ...) and 256 bits of entropy. */
export function randomToken(prefix: string): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

/** Tokens with that much entropy need no slow hash: SHA-256 is what the database keeps. */
export function tokenHash(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/**
 * Secrets the subgraph must read back (signing keys, TOTP secrets) are sealed with
 * AES-256-GCM when IDENTITY_ENCRYPTION_KEY (32 bytes, base64 or hex) is set, so that a
 * database dump alone does not hand them out. Without it (development) they are stored
 * as `plain:`; production should always set it.
 */
export class SecretBox {
  private readonly key: Buffer | null;

  constructor(keyText: string | undefined, production = false) {
    this.key = keyText ? parseKey(keyText) : null;
    if (!this.key && production) {
      throw new Error('IDENTITY_ENCRYPTION_KEY must be set in production');
    }
  }

  seal(plaintext: string): string {
    if (!this.key) return `plain:${plaintext}`;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `gcm1:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
  }

  open(sealed: string): string {
    if (sealed.startsWith('plain:')) return sealed.slice('plain:'.length);
    if (!sealed.startsWith('gcm1:')) throw new Error('Unknown sealed secret format');
    if (!this.key) throw new Error('IDENTITY_ENCRYPTION_KEY is needed to read a sealed secret');
    const raw = Buffer.from(sealed.slice('gcm1:'.length), 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  }
}

function parseKey(text: string): Buffer {
  const key = /^[0-9a-f]{64}$/i.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (key.length !== 32)
    throw new Error('IDENTITY_ENCRYPTION_KEY must be 32 bytes (64 hex characters or base64)');
  return key;
}
