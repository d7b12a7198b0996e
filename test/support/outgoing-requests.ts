import diagnostics from 'node:diagnostics_channel';

export interface OutgoingRequest {
  /** origin + path, e.g. http://127.0.0.1:4001/graphql */
  url: string;
  method: string;
  headers: Record<string, string>;
}

interface UndiciRequest {
  origin: string;
  path: string;
  method: string;
  headers: string[] | string;
}

/**
 * Tells `onRequest` of every HTTP request this process sends through undici (the router's
 * subgraph pools and fetch alike), from undici's `undici:request:create` diagnostics
 * channel: what went out, without standing in its way. Returns the unsubscribe.
 */
export function watchOutgoingRequests(onRequest: (request: OutgoingRequest) => void): () => void {
  const channel = diagnostics.channel('undici:request:create');
  const listener = (message: unknown) => {
    const { request } = message as { request: UndiciRequest };
    onRequest({
      url: `${request.origin}${request.path}`,
      method: request.method,
      headers: headersOf(request.headers),
    });
  };
  channel.subscribe(listener);
  return () => channel.unsubscribe(listener);
}

function headersOf(raw: string[] | string): Record<string, string> {
  const headers: Record<string, string> = {};
  if (Array.isArray(raw)) {
    for (let i = 0; i + 1 < raw.length; i += 2) headers[raw[i]!.toLowerCase()] = raw[i + 1]!;
    return headers;
  }
  for (const line of raw.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0)
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}
