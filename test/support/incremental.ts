/**
 * A client's side of incremental delivery (`@defer`), written from the specs rather than
 * taken from a client library (Apollo Client is not installed here):
 *
 * - `readMultipart`: RFC 2046 multipart bodies as the GraphQL incremental delivery over
 *   HTTP RFC uses them (`multipart/mixed; boundary=…; deferSpec=20220824`): the boundary
 *   comes from the content type; each part has headers, an empty line and a JSON body;
 *   a delimiter is CRLF `--boundary` (the first may open the body without CRLF), the close
 *   delimiter adds `--`. Parts are yielded as soon as their next delimiter arrives, with
 *   the time they arrived.
 * - `mergeIncremental`: what Apollo Client and urql do with the parts: the first part's
 *   `data`, then each `incremental[]` entry's `data` deep-merged at its `path`, errors
 *   collected, until a part says `hasNext: false`.
 */
export interface Part {
  body: IncrementalPayload;
  arrivedAt: number;
}

export interface IncrementalPayload {
  data?: Record<string, unknown> | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
  incremental?: {
    data?: Record<string, unknown> | null;
    path: (string | number)[];
    label?: string;
    errors?: IncrementalPayload['errors'];
  }[];
  hasNext?: boolean;
}

export function boundaryOf(contentType: string): string {
  const match = /boundary=(?:"([^"]+)"|([^;,\s]+))/i.exec(contentType);
  if (!match) throw new Error(`No boundary in ${contentType}`);
  return (match[1] ?? match[2])!;
}

export async function* readMultipart(response: Response): AsyncGenerator<Part> {
  const contentType = response.headers.get('content-type') ?? '';
  if (!contentType.startsWith('multipart/mixed'))
    throw new Error(`Not a multipart response: ${contentType}`);
  const delimiter = `--${boundaryOf(contentType)}`;
  const decoder = new TextDecoder();
  let buffer = '';
  let opened = false;
  let closed = false;
  const reader = response.body!.getReader();
  for (;;) {
    const chunk = await reader.read();
    if (chunk.done) break;
    buffer += decoder.decode(chunk.value, { stream: true });
    for (;;) {
      if (!opened) {
        // The preamble (here an empty line) ends at the first delimiter.
        const atStart = buffer.startsWith(delimiter);
        const first = atStart ? 0 : buffer.indexOf(`\r\n${delimiter}`);
        if (first < 0) break;
        buffer = buffer.slice(first + (atStart ? 0 : 2) + delimiter.length);
        opened = true;
      }
      if (buffer.startsWith('--')) {
        closed = true;
        buffer = '';
        break;
      }
      // The delimiter line ends with CRLF (after optional transport padding).
      const lineEnd = buffer.indexOf('\r\n');
      if (lineEnd < 0) break;
      const next = buffer.indexOf(`\r\n${delimiter}`, lineEnd);
      if (next < 0) break;
      const part = buffer.slice(lineEnd + 2, next);
      buffer = buffer.slice(next + 2 + delimiter.length);
      const split = part.indexOf('\r\n\r\n');
      const headers = split < 0 ? '' : part.slice(0, split);
      const body = split < 0 ? part : part.slice(split + 4);
      if (!/^content-type:\s*application\/json/im.test(headers))
        throw new Error(`A part that is not JSON: ${headers}`);
      yield { body: JSON.parse(body) as IncrementalPayload, arrivedAt: performance.now() };
    }
  }
  if (!closed) throw new Error('The multipart body ended without its close delimiter');
}

/** The result a client shows after all parts: the first part with every deferred one merged in. */
export function mergeIncremental(payloads: readonly IncrementalPayload[]): IncrementalPayload {
  const [first, ...rest] = payloads;
  if (!first || !('data' in first)) throw new Error('The first part has no data');
  const data = structuredClone(first.data ?? null);
  const errors = [...(first.errors ?? [])];
  let hasNext = first.hasNext === true;
  for (const payload of rest) {
    if (!hasNext) throw new Error('A part after hasNext: false');
    for (const item of payload.incremental ?? []) {
      errors.push(...(item.errors ?? []));
      if (!item.data || !data) continue;
      let target: any = data;
      for (const step of item.path) target = target?.[step];
      if (target === null || typeof target !== 'object')
        throw new Error(`Nothing at ${item.path.join('.')} to merge into`);
      deepMerge(target, item.data);
    }
    hasNext = payload.hasNext === true;
  }
  if (hasNext) throw new Error('The stream ended while hasNext was still true');
  return { data, ...(errors.length ? { errors } : {}) };
}

function deepMerge(target: Record<string, any>, source: Record<string, any>): void {
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key];
    if (Array.isArray(value) && Array.isArray(existing))
      value.forEach((v, i) =>
        v && typeof v === 'object' && existing[i] && typeof existing[i] === 'object'
          ? deepMerge(existing[i], v)
          : (existing[i] = v),
      );
    else if (value && typeof value === 'object' && existing && typeof existing === 'object')
      deepMerge(existing, value);
    else target[key] = value;
  }
}
