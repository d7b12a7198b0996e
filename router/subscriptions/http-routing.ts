import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { getOperationAST, parse, validate, type DocumentNode } from 'graphql';
import { mayHoldSubscription } from '../edge/limits/http';
import type { LoadedSupergraph } from '../supergraph';
import {
  acceptsMultipartSubscription,
  serveMultipartSubscription,
  type MultipartOptions,
} from './multipart-transport';

/**
 * Subscriptions sent over HTTP go to the transport the client asked for: SSE
 * (text/event-stream) or multipart (Apollo Client). A subscription in a plain JSON
 * request gets a clear 400 instead of the gateway's "not supported".
 */
export function subscriptionRouting(options: {
  supergraph: LoadedSupergraph;
  sse: RequestHandler;
  multipart: MultipartOptions;
}): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if ((req.headers.accept ?? '').includes('text/event-stream'))
      return options.sse(req, res, next);
    const body =
      req.method === 'POST' ? (req.body as Record<string, unknown> | undefined) : undefined;
    if (typeof body?.query !== 'string') return next();
    // Queries are not parsed here a second time only to learn they are not subscriptions.
    if (!mayHoldSubscription(body.query)) return next();
    let document: DocumentNode;
    try {
      document = parse(body.query);
    } catch {
      return next(); // Apollo Server answers parse errors in its usual shape.
    }
    const operationName = typeof body.operationName === 'string' ? body.operationName : null;
    if (getOperationAST(document, operationName)?.operation !== 'subscription') return next();
    if (!acceptsMultipartSubscription(req)) {
      res.status(400).json({
        errors: [
          {
            message:
              'Subscriptions are served over WebSocket (graphql-ws), Server-Sent Events (Accept: text/event-stream) or multipart HTTP (Accept: multipart/mixed;subscriptionSpec=1.0)',
            extensions: { code: 'SUBSCRIPTION_TRANSPORT_REQUIRED' },
          },
        ],
      });
      return;
    }
    const errors = validate(options.supergraph.apiGraphQLSchema, document);
    if (errors.length) {
      res.status(400).json({
        errors: errors.map((e) => ({
          ...e.toJSON(),
          extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
        })),
      });
      return;
    }
    const variables = (body.variables ?? undefined) as Record<string, unknown> | undefined;
    serveMultipartSubscription(
      req,
      res,
      { document, variables, operationName },
      options.multipart,
    ).catch((error) => {
      if (res.headersSent) return next(error);
      const extensions = (error as { extensions?: { code?: string } }).extensions;
      if (extensions?.code === 'UNAUTHENTICATED' || extensions?.code === 'RATE_LIMITED') {
        const status = extensions.code === 'UNAUTHENTICATED' ? 401 : 429;
        res.status(status).json({
          errors: [{ message: (error as Error).message, extensions: { code: extensions.code } }],
        });
        return;
      }
      next(error);
    });
  };
}
