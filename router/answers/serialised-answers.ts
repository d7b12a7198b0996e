import type { FormattedExecutionResult } from 'graphql';

/** Bytes kept for answers sent more than once, at most (the oldest go first). */
const DEFAULT_BYTES_BUDGET = 4 * 1024 * 1024;
const MAX_KEPT_ANSWERS = 16;

/**
 * Serialises GraphQL answers for Apollo Server (its `stringifyResult`) and for the wire,
 * once per result rather than once per caller.
 *
 * Callers whose identical queries shared one execution (router/dedup) get results that
 * hold the same `data` object. Its JSON is kept beside it (a WeakMap: it goes when the
 * result does), so the next caller's answer reuses it; an answer with nothing else in it
 * (no errors, no extensions) is the very same string, and its UTF-8 bytes are kept too,
 * for a few answers within a byte budget, so a 100 KB answer is neither stringified nor
 * encoded again for each of the callers that share it. The output is exactly what Apollo
 * Server's own serialiser writes: `JSON.stringify({ errors, data, extensions }) + '\n'`.
 */
export class SerialisedAnswers {
  private readonly dataJson = new WeakMap<object, { json: string; whole?: string }>();
  // Looked up by identity (`===` on the very string stringify returned is one pointer
  // comparison); a Map would hash and compare 100 KB strings on every request.
  private readonly kept: { body: string; bytes: Buffer }[] = [];
  private keptBytes = 0;
  /** Answers whose data was serialised before (for tests and metrics). */
  reused = 0;

  constructor(private readonly bytesBudget = DEFAULT_BYTES_BUDGET) {}

  readonly stringify = (value: FormattedExecutionResult): string => {
    const { data, errors, extensions } = value;
    if (data === null || data === undefined || typeof data !== 'object')
      return JSON.stringify({ errors, data, extensions }) + '\n';
    let known = this.dataJson.get(data);
    if (known) this.reused += 1;
    else {
      known = { json: JSON.stringify(data) };
      this.dataJson.set(data, known);
    }
    if (errors === undefined && extensions === undefined) {
      if (known.whole === undefined) known.whole = `{"data":${known.json}}\n`;
      else this.keep(known.whole);
      return known.whole;
    }
    const fields: string[] = [];
    if (errors !== undefined) fields.push(`"errors":${JSON.stringify(errors)}`);
    fields.push(`"data":${known.json}`);
    if (extensions !== undefined) fields.push(`"extensions":${JSON.stringify(extensions)}`);
    return `{${fields.join(',')}}\n`;
  };

  /** The body's UTF-8 bytes: the kept ones when this answer was sent before. */
  bytes(body: string): Buffer {
    return this.find(body)?.bytes ?? Buffer.from(body, 'utf8');
  }

  private find(body: string): { body: string; bytes: Buffer } | undefined {
    for (const entry of this.kept) if (entry.body === body) return entry;
    return undefined;
  }

  /** Kept only once it is sent a second time: most answers are sent once. */
  private keep(whole: string): void {
    if (this.find(whole)) return;
    const bytes = Buffer.from(whole, 'utf8');
    if (bytes.length > this.bytesBudget) return;
    this.kept.push({ body: whole, bytes });
    this.keptBytes += bytes.length;
    while (this.keptBytes > this.bytesBudget || this.kept.length > MAX_KEPT_ANSWERS)
      this.keptBytes -= this.kept.shift()!.bytes.length;
  }
}
