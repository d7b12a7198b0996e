import type { DocumentNode, GraphQLSchema } from 'graphql';
import { operationCost } from '../limits/cost';

/** What a request weighs against the per-minute cost budget (RATE_LIMIT_COST). */
export type RequestWeigher = (operation: {
  document: DocumentNode;
  variables: Record<string, unknown>;
  schema: GraphQLSchema;
  operationName: string | null;
}) => number | Promise<number>;

/** Every operation the same: the cost budget becomes a second request count. */
export const unitWeigher: RequestWeigher = () => 1;

/**
 * The default: the operation's cost as router/edge/limits/cost.ts computes it (list fields
 * multiplied by their `first`), at least 1.
 */
export const costWeigher: RequestWeigher = ({ document, variables, schema, operationName }) =>
  Math.max(1, Math.ceil(operationCost(document, variables, schema, { operationName })));
