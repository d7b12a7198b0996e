import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse, print } from 'graphql';

/**
 * A safelist of operations, read from a manifest file in any of these shapes:
 *
 * - `{ "operations": [{ "name", "sha256", "body" }] }` (also Apollo's persisted query
 *   manifest: `id` for `sha256`; `document` or `query` for `body`);
 * - `{ "<sha256>": "<body>" }`, a plain map;
 * - `{ "<name>": { "sha256", "document" } }`, what the SDK's codegen writes
 *   (sdk/generated/operation-manifest.json).
 *
 * An entry's hash is the SHA-256 (hex) of its body; a listed hash that differs from the
 * body's own is accepted as an alias of it. Bodies are also accepted as graphql-js
 * prints them, which is how queries sent over graphql-ws reach Apollo Server.
 */
export interface Safelist {
  /** Listed hash → body, to run a request that sends the hash alone. */
  readonly bodies: ReadonlyMap<string, string>;
  /** Whether an operation text is listed: its exact body, or its printed form. */
  allows(query: string): boolean;
  readonly size: number;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function loadSafelist(path: string): Safelist {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`OPERATION_SAFELIST: cannot read ${path}: ${(error as Error).message}`);
  }
  return safelistFrom(manifestEntries(json), path);
}

export function safelistFrom(
  entries: { sha256?: string; body: string }[],
  origin = 'the manifest',
): Safelist {
  const bodies = new Map<string, string>();
  const allowed = new Set<string>();
  for (const entry of entries) {
    const own = sha256(entry.body);
    bodies.set(own, entry.body);
    if (entry.sha256) bodies.set(entry.sha256.toLowerCase(), entry.body);
    allowed.add(own);
    try {
      allowed.add(sha256(print(parse(entry.body))));
    } catch (error) {
      throw new Error(
        `OPERATION_SAFELIST: an operation in ${origin} does not parse: ${(error as Error).message}`,
      );
    }
  }
  return { bodies, allows: (query) => allowed.has(sha256(query)), size: entries.length };
}

export function manifestEntries(json: unknown): { sha256?: string; body: string }[] {
  const entries: { sha256?: string; body: string }[] = [];
  const add = (hash: unknown, value: unknown): void => {
    if (typeof value === 'string') {
      entries.push({ sha256: typeof hash === 'string' ? hash : undefined, body: value });
      return;
    }
    if (typeof value !== 'object' || value === null)
      throw new Error('OPERATION_SAFELIST: an entry is neither a body nor an object');
    const record = value as Record<string, unknown>;
    const body = record.body ?? record.document ?? record.query;
    if (typeof body !== 'string')
      throw new Error('OPERATION_SAFELIST: an entry has no body (body, document or query)');
    const listed = record.sha256 ?? record.id;
    entries.push({ sha256: typeof listed === 'string' ? listed : undefined, body });
  };
  if (typeof json !== 'object' || json === null)
    throw new Error('OPERATION_SAFELIST: the manifest is not a JSON object');
  const operations = (json as { operations?: unknown }).operations;
  if (Array.isArray(operations)) {
    for (const operation of operations) add(undefined, operation);
  } else {
    // `{ sha256: body }` keys are hashes; `{ name: { sha256, document } }` keys are names.
    for (const [key, value] of Object.entries(json))
      add(typeof value === 'string' ? key : undefined, value);
  }
  return entries;
}
