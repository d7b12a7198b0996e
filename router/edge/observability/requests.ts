import { randomUUID } from 'node:crypto';
import {
  context,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Span,
} from '@opentelemetry/api';
import type { ApolloServerPlugin } from '@apollo/server';
import type { Request, RequestHandler, Response } from 'express';
import { getOperationAST, parse, type GraphQLFormattedError } from 'graphql';
import type { RouterContext } from '../../context';
import { errorCodesOf } from '../../../platform/logging';
import { tracingEnabled } from './tracing';

/** What the router knows of one request once it is answered: what metrics and logs record. */
export interface CompletedRequest {
  requestId: string;
  /** `http` for anything through Express (POST/GET, SSE, multipart); `ws` for queries over graphql-ws. */
  transport: 'http' | 'ws';
  method?: string;
  path?: string;
  status: number;
  durationMs: number;
  operationName: string | null;
  /** query, mutation, subscription; null when the operation never resolved (bad document, rejected early). */
  operationType: string | null;
  /** Distinct `extensions.code`s of the errors in the response. */
  errorCodes: string[];
  /** anonymous, customer, staff, service: never who. */
  viewer?: string;
  /** The trace id of the request's span, when tracing is on. */
  traceId?: string;
}

export type RequestListener = (request: CompletedRequest) => void;

interface OperationDetails {
  operationName: string | null;
  operationType: string | null;
  errorCodes: string[];
  viewer?: string;
}

interface Pending {
  started: number;
  details?: OperationDetails;
  /** An error body answered outside Apollo (rate limits, CSRF, body parser), read at the end. */
  errorBody?: string;
}

// The same rule as server.ts: a usable id is kept, anything else replaced.
const REQUEST_ID = /^[A-Za-z0-9._-]{1,100}$/;
const tracer = () => trace.getTracer('commerce-router');

/**
 * Follows every /graphql request from the first middleware to the last byte: gives it a
 * request id up front (so the context, the subgraphs and the log line agree, and the
 * client gets it back as `x-request-id`), takes the operation's name, type, errors and
 * viewer kind from Apollo, and tells the listeners once the response is done. Requests
 * rejected before Apollo (limits, rate limits) are told too, with the codes of their body.
 * Queries over graphql-ws never pass Express; Apollo alone tells of them.
 */
export function createRequestTracker(listeners: RequestListener[]) {
  const pending = new Map<string, Pending>();
  const emit = (request: CompletedRequest) => {
    for (const listener of listeners) {
      try {
        listener(request);
      } catch {
        // Observability must not fail a request.
      }
    }
  };

  const middleware: RequestHandler = (req, res, next) => {
    // Read now: Express rewrites req.url under a mounted path.
    const path = req.path;
    if (!path.startsWith('/graphql')) return next();
    const given = req.headers['x-request-id'];
    const requestId = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    req.headers['x-request-id'] = requestId;
    res.setHeader('x-request-id', requestId);
    const entry: Pending = { started: performance.now() };
    const owned = !pending.has(requestId);
    if (owned) pending.set(requestId, entry);
    captureErrorBody(res, entry);

    const span = tracingEnabled() ? startServerSpan(req, requestId) : undefined;
    let finished = false;
    const done = () => {
      if (finished) return;
      finished = true;
      if (owned) pending.delete(requestId);
      const details = entry.details ?? fallbackDetails(req, entry);
      const request: CompletedRequest = {
        requestId,
        transport: 'http',
        method: req.method,
        path,
        status: res.headersSent || res.writableFinished ? res.statusCode : 499,
        durationMs: round(performance.now() - entry.started),
        ...details,
        ...(span ? { traceId: span.spanContext().traceId } : {}),
      };
      if (span) endServerSpan(span, request);
      emit(request);
    };
    res.once('finish', done);
    res.once('close', done);
    if (!span) return next();
    context.with(trace.setSpan(context.active(), span), next);
  };

  const plugin: ApolloServerPlugin<RouterContext> = {
    async requestDidStart({ contextValue }) {
      const started = performance.now();
      return {
        async willSendResponse({ response, operation, operationName, request }) {
          const body = response.body;
          const details: OperationDetails = {
            operationName: operationName ?? request.operationName ?? null,
            operationType: operation?.operation ?? null,
            errorCodes: errorCodesOf(
              body.kind === 'single' ? body.singleResult.errors : body.initialResult.errors,
            ),
            viewer: contextValue.viewer?.kind,
          };
          const entry = pending.get(contextValue.requestId);
          if (entry && !entry.details) {
            entry.details = details;
            return;
          }
          // Not through Express: a query or mutation over graphql-ws (or SSE without an id).
          emit({
            requestId: contextValue.requestId,
            transport: 'ws',
            status: response.http.status ?? 200,
            durationMs: round(performance.now() - started),
            ...details,
          });
        },
      };
    },
  };

  return { middleware, plugin };
}

/** Keeps the body of an error answered outside Apollo, to read its codes at the end. */
function captureErrorBody(res: Response, entry: Pending): void {
  const send = res.send.bind(res);
  res.send = (body?: unknown) => {
    if (res.statusCode >= 400 && !entry.details && entry.errorBody === undefined) {
      if (typeof body === 'string') entry.errorBody = body.slice(0, 65536);
      else if (Buffer.isBuffer(body)) entry.errorBody = body.subarray(0, 65536).toString('utf8');
      else if (body && typeof body === 'object')
        entry.errorBody = JSON.stringify(body).slice(0, 65536);
    }
    return send(body);
  };
}

/** What can be told of a request Apollo did not answer (an SSE or multipart subscription, a rejection). */
function fallbackDetails(req: Request, entry: Pending): OperationDetails {
  const body = (req.body ?? {}) as { query?: unknown; operationName?: unknown };
  const source =
    typeof body.query === 'string'
      ? body.query
      : typeof req.query.query === 'string'
        ? req.query.query
        : undefined;
  const operationName =
    typeof body.operationName === 'string'
      ? body.operationName
      : typeof req.query.operationName === 'string'
        ? req.query.operationName
        : null;
  let operationType: string | null = null;
  if (source && source.length <= 100_000) {
    try {
      operationType = getOperationAST(parse(source), operationName)?.operation ?? null;
    } catch {
      operationType = null;
    }
  }
  let errorCodes: string[] = [];
  if (entry.errorBody) {
    try {
      const parsed = JSON.parse(entry.errorBody) as { errors?: GraphQLFormattedError[] };
      errorCodes = errorCodesOf(parsed.errors);
    } catch {
      errorCodes = [];
    }
  }
  return { operationName, operationType, errorCodes };
}

function startServerSpan(req: Request, requestId: string): Span {
  // Continue the client's trace when it sent a traceparent.
  const parent = propagation.extract(context.active(), req.headers, {
    get: (headers, key) => headers[key] as string | string[] | undefined,
    keys: (headers) => Object.keys(headers),
  });
  return tracer().startSpan(
    `${req.method} ${req.path}`,
    {
      kind: SpanKind.SERVER,
      attributes: {
        'http.request.method': req.method,
        'url.path': req.path,
        'commerce.request_id': requestId,
      },
    },
    parent,
  );
}

function endServerSpan(span: Span, request: CompletedRequest): void {
  span.setAttribute('http.response.status_code', request.status);
  if (request.operationName) span.setAttribute('graphql.operation.name', request.operationName);
  if (request.operationType) span.setAttribute('graphql.operation.type', request.operationType);
  if (request.errorCodes.length) span.setAttribute('graphql.error.codes', request.errorCodes);
  if (request.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
  if (request.operationType || request.operationName) {
    span.updateName(
      `${request.operationType ?? 'operation'} ${request.operationName ?? 'anonymous'}`,
    );
  }
  span.end();
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
