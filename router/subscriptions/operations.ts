import type { ApolloServer } from '@apollo/server';
import { GraphQLError, print, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { RouterContext } from '../context';

/**
 * Queries and mutations that arrive over a subscription transport (graphql-ws, SSE) run
 * through the same Apollo Server pipeline as HTTP ones: same plugins, same gateway.
 */
export async function executeThroughApollo(
  apollo: ApolloServer<RouterContext>,
  args: ExecutionArgs,
): Promise<ExecutionResult> {
  const response = await apollo.executeOperation(
    {
      query: print(args.document),
      variables: (args.variableValues ?? undefined) as Record<string, unknown> | undefined,
      operationName: args.operationName ?? undefined,
    },
    { contextValue: args.contextValue as RouterContext },
  );
  if (response.body.kind !== 'single')
    throw new Error('Incremental delivery is not supported here');
  const { data, errors, extensions } = response.body.singleResult;
  // Apollo Server hands back formatted (plain) errors; the transports want GraphQLErrors.
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
