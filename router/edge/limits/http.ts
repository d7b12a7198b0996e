import express, {
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import type { GraphQLError } from 'graphql';

/** The paths the router serves GraphQL on (server.ts): HTTP, and SSE's own path. */
export function isGraphQLPath(req: Request): boolean {
  return req.path === '/graphql' || req.path === '/graphql/stream';
}

/**
 * Reads JSON bodies on the GraphQL paths before server.ts's own `express.json` does (which
 * then finds the body read and passes), so that a body above the limit is answered as
 * GraphQL: HTTP 400 `DOCUMENT_TOO_LARGE` in JSON rather than Express's HTML 413, and
 * malformed JSON as a JSON 400 too. Idempotent: a second one finds the body read.
 */
export function graphqlBodyParser(maxBodyBytes: number): RequestHandler {
  const parse = express.json({ limit: maxBodyBytes });
  return (req, res, next) => {
    if (!isGraphQLPath(req)) return next();
    parse(req, res, (error?: unknown) => {
      if (!error) return next();
      const { status, type } = error as { status?: number; type?: string };
      if (type === 'entity.too.large') {
        return sendErrors(req, res, 400, [
          {
            message: `The request body is larger than ${maxBodyBytes} bytes`,
            extensions: { code: 'DOCUMENT_TOO_LARGE', limit: maxBodyBytes },
          },
        ]);
      }
      const clientError = typeof status === 'number' && status >= 400 && status < 500;
      if (!clientError) return next(error);
      const message =
        type === 'entity.parse.failed'
          ? 'The request body is not valid JSON'
          : (error as Error).message;
      sendErrors(req, res, status, [{ message, extensions: { code: 'BAD_REQUEST' } }]);
    });
  };
}

export interface GraphQLParams {
  query?: unknown;
  operationName?: unknown;
  variables?: unknown;
  extensions?: unknown;
}

/**
 * The operations an HTTP request carries: a POST body's (one, or each of a batch), or a
 * GET's query string (`variables` and `extensions` JSON-encoded there). Empty when the
 * body is not (yet) parsed JSON.
 */
export function operationsOf(req: Request): GraphQLParams[] {
  if (req.method === 'GET') {
    const params = new URL(req.originalUrl ?? req.url, 'http://router').searchParams;
    if (!params.has('query') && !params.has('extensions')) return [];
    return [
      {
        query: params.get('query') ?? undefined,
        operationName: params.get('operationName') ?? undefined,
        variables: parseJson(params.get('variables')),
        extensions: parseJson(params.get('extensions')),
      },
    ];
  }
  const body: unknown = req.body;
  if (Array.isArray(body)) return body.filter(isRecord);
  return isRecord(body) ? [body] : [];
}

/** `extensions.persistedQuery.sha256Hash`, when the operation carries one. */
export function persistedHashOf(params: GraphQLParams): string | undefined {
  const persisted = isRecord(params.extensions) ? params.extensions.persistedQuery : undefined;
  const hash = isRecord(persisted) ? persisted.sha256Hash : undefined;
  return typeof hash === 'string' ? hash : undefined;
}

export interface WireError {
  message: string;
  extensions: Record<string, unknown>;
}

/** A GraphQL error as it goes out: message and extensions, without the HTTP hints. */
export function toWireError(error: GraphQLError): WireError {
  const { http: _http, ...extensions } = error.extensions as Record<string, unknown>;
  return { message: error.message, extensions };
}

/**
 * An errors-only GraphQL response, in the media type the client prefers
 * (application/graphql-response+json when it asks for that rather than application/json).
 */
export function sendErrors(req: Request, res: Response, status: number, errors: WireError[]): void {
  const mediaType =
    req.accepts(['application/json', 'application/graphql-response+json']) || 'application/json';
  res.status(status).type(`${mediaType}; charset=utf-8`).send(JSON.stringify({ errors }));
}

/** Runs `check` on every operation of the request; the first error answers the request. */
export function checkEachOperation(
  check: (params: GraphQLParams, req: Request) => GraphQLError | null,
): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!isGraphQLPath(req)) return next();
    for (const params of operationsOf(req)) {
      const error = check(params, req);
      if (error)
        return sendErrors(
          req,
          res,
          Number((error.extensions.http as { status?: number } | undefined)?.status ?? 400),
          [toWireError(error)],
        );
    }
    next();
  };
}

function parseJson(text: string | null): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined; // Apollo Server answers malformed parameters itself
  }
}

/**
 * Whether a query text can hold a subscription: only one with the keyword can, so others
 * need not be parsed to find out (a text that has it is parsed and looked at properly).
 */
export function mayHoldSubscription(query: string): boolean {
  return /\bsubscription\b/.test(query);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
