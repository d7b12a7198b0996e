import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildSchema,
  Kind,
  parse,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { DomainError } from '../../../platform/errors';
import { WebhooksErrorCode } from '../errors';
import { subscriptionDocumentProblems } from './event-document';
import { WEBHOOK_TOPICS, type WebhookTopic } from './topics';

let apiSchema: GraphQLSchema | null = null;

/** The API clients see (schema/api.graphql, composed): what a document must validate against. */
function schema(): GraphQLSchema {
  apiSchema ??= buildSchema(
    readFileSync(join(__dirname, '..', '..', '..', 'schema', 'api.graphql'), 'utf8'),
  );
  return apiSchema;
}

const invalid = (message: string) =>
  new DomainError(WebhooksErrorCode.INVALID_DOCUMENT, message, ['input', 'query']);

/**
 * Checks an endpoint's document when it is registered, so a broken one is refused then
 * rather than failing every delivery: one operation, valid against the API schema, either
 * a subscription to `webhookEvent` (Saleor's form, ./event-document.ts) or a query
 * declaring only variables every topic provides (resolved through the router per event).
 */
export function checkDocument(query: string, topics: WebhookTopic[]): void {
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch (error) {
    throw invalid(`The document does not parse: ${(error as Error).message}`);
  }
  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  if (operations.length !== 1) throw invalid('The document must hold exactly one operation');
  const operation = operations[0]!;
  if (operation.operation === 'subscription') {
    const problems = subscriptionDocumentProblems(schema(), document, operation);
    if (problems.length) throw invalid(problems.join('; '));
    return;
  }
  if (operation.operation !== 'query')
    throw invalid(
      `The document must be a webhookEvent subscription or a query, not a ${operation.operation}`,
    );
  const errors = validate(schema(), document);
  if (errors.length) throw invalid(errors.map((e) => e.message).join('; '));
  for (const variable of operation.variableDefinitions ?? []) {
    const name = variable.variable.name.value;
    const missing = topics.filter(
      (t) => !(WEBHOOK_TOPICS[t].variables as readonly string[]).includes(name),
    );
    if (missing.length)
      throw invalid(
        `$${name} is not given by ${missing.join(', ')} (they give: ${missing
          .map((t) => WEBHOOK_TOPICS[t].variables.join(', '))
          .join('; ')})`,
      );
  }
}
