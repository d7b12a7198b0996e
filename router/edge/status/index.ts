import type { ApolloServerPlugin } from '@apollo/server';
import type { RouterContext } from '../../context';
import type { EdgeModule } from '../index';

/** Errors of a request that never ran: the document does not parse or validate, or its variables do not fit. */
const REQUEST_ERRORS = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
]);

/**
 * GraphQL over HTTP: a client that accepts only `application/json` (the legacy media
 * type, no `application/graphql-response+json`) reads the status of a well-formed GraphQL
 * response as the transport's, so request errors (parse, validation, variable coercion)
 * should come with 200 there; `application/graphql-response+json` keeps 400. Operation
 * limits (depth, cost, …) and everything else keep their status.
 */
export const legacyJsonStatus: EdgeModule = () => ({ plugins: [legacyJsonStatusPlugin()] });

function legacyJsonStatusPlugin(): ApolloServerPlugin<RouterContext> {
  return {
    async requestDidStart({ request }) {
      const accept = request.http?.headers.get('accept') ?? '';
      if (accept.includes('application/graphql-response+json')) return;
      return {
        async willSendResponse({ response }) {
          if (response.http.status !== 400 || response.body.kind !== 'single') return;
          const errors = response.body.singleResult.errors ?? [];
          const requestErrors =
            errors.length > 0 &&
            errors.every((e) => REQUEST_ERRORS.has(String(e.extensions?.code ?? '')));
          if (requestErrors && response.body.singleResult.data === undefined)
            response.http.status = 200;
        },
      };
    },
  };
}
