import { HeaderMap, type ApolloServer } from '@apollo/server';
import { GraphQLError, print, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { RouterContext } from '../context';
import { DEFER_SPEC } from './plugin';

/**
 * Like router/subscriptions/operations.ts `executeThroughApollo`, for a transport that
 * can deliver several results for one query (SSE: one `next` event each): a deferred
 * query is answered incrementally, its first part and then each deferred one, in the
 * shapes multipart HTTP carries (`{ data, hasNext }`, `{ incremental, hasNext }`).
 */
export async function executeIncrementallyThroughApollo(
  apollo: ApolloServer<RouterContext>,
  args: ExecutionArgs,
): Promise<ExecutionResult | AsyncIterableIterator<ExecutionResult>> {
  const response = await apollo.executeOperation(
    {
      query: print(args.document),
      variables: (args.variableValues ?? undefined) as Record<string, unknown> | undefined,
      operationName: args.operationName ?? undefined,
      // The transport takes incremental delivery: the deferred plugin reads it from here.
      http: {
        method: 'POST',
        headers: new HeaderMap([['accept', DEFER_SPEC]]),
        search: '',
        body: null,
      },
    },
    { contextValue: args.contextValue as RouterContext },
  );
  if (response.body.kind === 'single') {
    const { data, errors, extensions } = response.body.singleResult;
    return {
      data,
      extensions,
      ...(errors
        ? {
            errors: errors.map(
              (e) => new GraphQLError(e.message, { path: e.path, extensions: e.extensions }),
            ),
          }
        : {}),
    } as ExecutionResult;
  }
  const { initialResult, subsequentResults } = response.body;
  async function* parts(): AsyncGenerator<ExecutionResult> {
    yield initialResult as ExecutionResult;
    for await (const result of subsequentResults) yield result as ExecutionResult;
  }
  return parts();
}
