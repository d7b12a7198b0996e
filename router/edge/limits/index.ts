import type { ApolloServerPlugin } from '@apollo/server';
import {
  buildSchema,
  getOperationAST,
  parse,
  type DocumentNode,
  type GraphQLError,
  type GraphQLSchema,
} from 'graphql';
import type { RouterContext } from '../../context';
import type { EdgeModule } from '../index';
import { checkOperation, checkSource } from './checks';
import { operationLimitsFromEnv, type OperationLimits } from './config';
import { checkEachOperation, graphqlBodyParser, isRecord, mayHoldSubscription } from './http';
import { PassedDocuments } from '../../../platform/passed-documents';

export { operationCost } from './cost';
export { DEFAULT_OPERATION_LIMITS, operationLimitsFromEnv, type OperationLimits } from './config';

/**
 * Operation limits (defaults and variables in ./config.ts), read once per router from the
 * environment. Where each check runs, all before the query planner and any subgraph:
 *
 * - HTTP, before Apollo Server: the body (MAX_BODY_BYTES, default 1 MB, else 400
 *   DOCUMENT_TOO_LARGE), then the size and tokens of each `query` text, before it is
 *   parsed; subscriptions sent over HTTP (SSE, multipart), which do not pass through
 *   Apollo Server, get every check here.
 * - Apollo Server's `didResolveOperation` (every query and mutation, whatever the
 *   transport, including graphql-ws): size, tokens, depth, aliases, root fields,
 *   directives, `first` on connections and cost.
 *
 * Not covered: subscriptions over graphql-ws, which router/subscriptions/ws-transport.ts
 * starts without Apollo Server; its `onSubscribe` can call `checkSubscription` below.
 */
export const operationLimits: EdgeModule = (edge) => {
  const limits = { ...operationLimitsFromEnv(process.env), declaredListSizes: edge.listSizes };
  let schema: GraphQLSchema | undefined;
  const apiSchema = (): GraphQLSchema => (schema ??= buildSchema(edge.apiSdl));

  return {
    middleware: [
      graphqlBodyParser(limits.maxBodyBytes),
      checkEachOperation((params) => {
        if (typeof params.query !== 'string') return null;
        const error = checkSource(params.query, limits);
        if (error || !mayHoldSubscription(params.query)) return error;
        return checkSubscription(
          params.query,
          params.variables,
          params.operationName,
          apiSchema(),
          limits,
        );
      }),
    ],
    plugins: [operationLimitsPlugin(limits)],
  };
};

/** The checks for a subscription, which skips Apollo Server; null also when it is not one. */
export function checkSubscription(
  query: string,
  variables: unknown,
  operationName: unknown,
  schema: GraphQLSchema,
  limits: OperationLimits,
  /** The transport's own parser, when it keeps parsed documents (router/subscriptions). */
  parseDocument: (query: string) => DocumentNode = parse,
): GraphQLError | null {
  let document: DocumentNode;
  try {
    document = parseDocument(query);
  } catch {
    return null; // the transport reports syntax errors
  }
  const name = typeof operationName === 'string' ? operationName : null;
  if (getOperationAST(document, name)?.operation !== 'subscription') return null;
  return checkOperation(document, isRecord(variables) ? variables : {}, name, schema, limits);
}

/**
 * Checks in `didResolveOperation`: after validation (so the document is valid against
 * the schema) and before execution, which is where the gateway plans and calls
 * subgraphs. A thrown GraphQLError with `http.status` 400 becomes the response.
 */
export function operationLimitsPlugin(limits: OperationLimits): ApolloServerPlugin<RouterContext> {
  // Apollo Server caches parsed documents by hash, so a document object recurs: its
  // source is checked once, and so is an operation that declares no variables (its cost
  // cannot change); one with variables is checked on every request.
  const sourceChecked = new WeakSet<DocumentNode>();
  const passed = new PassedDocuments();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, source, request, operationName, schema }) {
          if (!sourceChecked.has(document)) {
            const error = checkSource(source, limits);
            if (error) throw error;
            sourceChecked.add(document);
          }
          const name = operationName ?? request.operationName ?? null;
          if (passed.has(document, name)) return;
          const error = checkOperation(document, request.variables, name, schema, limits);
          if (error) throw error;
          if (!getOperationAST(document, name)?.variableDefinitions?.length)
            passed.add(document, name);
        },
      };
    },
  };
}
