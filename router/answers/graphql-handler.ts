import type { ApolloServer, BaseContext } from '@apollo/server';
import { HeaderMap } from '@apollo/server';
import type { Request, RequestHandler, Response } from 'express';
import type { SerialisedAnswers } from './serialised-answers';

/**
 * Apollo Server on Express, as `@as-integrations/express5` does it, except that a complete
 * answer goes out as the bytes `answers` keeps for it: callers sharing one execution share
 * its encoded body too (see SerialisedAnswers). Streamed answers (@defer) are written as
 * they come. The body parser must have run before (req.body set).
 */
export function graphqlHandler<C extends BaseContext>(
  server: ApolloServer<C>,
  answers: SerialisedAnswers,
  context: (req: Request, res: Response) => Promise<C>,
): RequestHandler {
  server.assertStarted('graphqlHandler()');
  return async (req, res) => {
    if (!('body' in req)) {
      res.status(500).send('req.body is not set: the JSON body parser must run first');
      return;
    }
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const queryAt = req.originalUrl.indexOf('?');
    const response = await server.executeHTTPGraphQLRequest({
      httpGraphQLRequest: {
        method: req.method.toUpperCase(),
        headers,
        search: queryAt === -1 ? '' : req.originalUrl.slice(queryAt),
        body: req.body,
      },
      context: () => context(req, res),
    });
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      // Without a content type Express would call bytes an octet stream; a string, HTML.
      const body = response.body.string;
      res.send(res.getHeader('content-type') ? answers.bytes(body) : body);
      return;
    }
    for await (const chunk of response.body.asyncIterator) {
      res.write(chunk);
      const flushable = res as Response & { flush?: () => void };
      if (typeof flushable.flush === 'function') flushable.flush();
    }
    res.end();
  };
}
