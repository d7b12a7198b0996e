import type { GraphQLFormattedError } from 'graphql';

/** What `requestIncremental` asks for: incremental delivery first, one JSON result else. */
export const INCREMENTAL_ACCEPT =
  'multipart/mixed;deferSpec=20220824, application/graphql-response+json, application/json;q=0.9';

/**
 * One step of a deferred query (`@defer`): the data so far, with every deferred fragment
 * that has arrived merged in (the generated type marks those fields optional until then),
 * the errors so far (a deferred part can fail alone: its fields stay absent), and whether
 * more parts are coming.
 */
export interface IncrementalResult<TData> {
  data: TData;
  errors: readonly GraphQLFormattedError[];
  hasNext: boolean;
}

interface Payload {
  data?: Record<string, unknown> | null;
  errors?: GraphQLFormattedError[];
  incremental?: {
    data?: Record<string, unknown> | null;
    path?: (string | number)[];
    errors?: GraphQLFormattedError[];
  }[];
  hasNext?: boolean;
}

type Fail = (message: string, errors: readonly GraphQLFormattedError[], data?: unknown) => Error;

/**
 * The results of one response: a `multipart/mixed` one (the incremental delivery RFC,
 * deferSpec=20220824: `{ data, hasNext }`, then `{ incremental: [{ data, path }], hasNext }`
 * parts) merged part by part, or a single JSON result (nothing was deferred).
 */
export async function* incrementalResults(
  response: Response,
  fail: Fail,
): AsyncGenerator<IncrementalResult<unknown>> {
  const contentType = response.headers.get('content-type') ?? '';
  const payloads = contentType.startsWith('multipart/mixed')
    ? multipartPayloads(response, contentType)
    : singlePayload(response, fail);
  let data: Record<string, unknown> | null = null;
  const errors: GraphQLFormattedError[] = [];
  let first = true;
  for await (const payload of payloads) {
    errors.push(...(payload.errors ?? []));
    if (first) {
      first = false;
      if (!payload.data) throw fail(messageOf(errors, response.status), errors, payload.data);
      data = payload.data;
    }
    for (const item of payload.incremental ?? []) {
      errors.push(...(item.errors ?? []));
      let target: unknown = data;
      for (const step of item.path ?? []) target = (target as Record<string, unknown>)?.[step];
      if (item.data && target && typeof target === 'object') deepMerge(target, item.data);
    }
    const hasNext = payload.hasNext === true;
    yield { data, errors: [...errors], hasNext };
    if (!hasNext) return;
  }
}

function messageOf(errors: readonly GraphQLFormattedError[], status: number): string {
  return errors.length ? errors.map((e) => e.message).join('; ') : `HTTP ${status}: no data`;
}

async function* singlePayload(response: Response, fail: Fail): AsyncGenerator<Payload> {
  const text = await response.text();
  let body: Payload;
  try {
    body = JSON.parse(text) as Payload;
  } catch {
    throw fail(`HTTP ${response.status}: not a GraphQL response`, []);
  }
  yield { ...body, hasNext: false };
}

/** RFC 2046 parts: a delimiter is CRLF `--boundary`, the close delimiter adds `--`. */
async function* multipartPayloads(
  response: Response,
  contentType: string,
): AsyncGenerator<Payload> {
  const boundary = /boundary=(?:"([^"]+)"|([^;,\s]+))/i.exec(contentType);
  const delimiter = `\r\n--${boundary?.[1] ?? boundary?.[2] ?? '-'}`;
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  // A leading CRLF lets a body that opens with the delimiter be read like the rest.
  let buffer = '\r\n';
  for (;;) {
    const chunk = await reader.read();
    if (chunk.done) return;
    buffer += decoder.decode(chunk.value, { stream: true });
    for (;;) {
      const start = buffer.indexOf(delimiter);
      if (start < 0) break;
      const end = buffer.indexOf(delimiter, start + delimiter.length);
      if (buffer.startsWith('--', start + delimiter.length)) return void reader.cancel();
      if (end < 0) break;
      const part = buffer.slice(start + delimiter.length, end);
      buffer = buffer.slice(end);
      const body = part.slice(part.indexOf('\r\n\r\n') + 4).trim();
      // An empty part (`{}`) is a keep-alive, not a result.
      if (body && body !== '{}') yield JSON.parse(body) as Payload;
    }
  }
}

function deepMerge(target: object, source: Record<string, unknown>): void {
  const into = target as Record<string, unknown>;
  for (const [key, value] of Object.entries(source)) {
    const existing = into[key];
    if (value && typeof value === 'object' && existing && typeof existing === 'object')
      deepMerge(existing, value as Record<string, unknown>);
    else into[key] = value;
  }
}
