import {
  extendSchema,
  Kind,
  parse,
  print,
  validate,
  visit,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';

/** The root field a Saleor-style document subscribes to; a delivery resolves it as a query. */
export const EVENT_FIELD = 'webhookEvent';
const DELIVERY_VARIABLE = 'webhookDeliveryId';

const extended = new WeakMap<GraphQLSchema, GraphQLSchema>();

/**
 * The API schema plus `Subscription.webhookEvent`: what a subscription-form document is
 * validated against. The field is not served as a live subscription; deliveries resolve
 * the same selection through `Query.webhookEvent(deliveryId)`.
 */
function withEventSubscription(api: GraphQLSchema): GraphQLSchema {
  let schema = extended.get(api);
  if (!schema) {
    schema = extendSchema(api, parse(`extend type Subscription { ${EVENT_FIELD}: WebhookEvent! }`));
    extended.set(api, schema);
  }
  return schema;
}

/** Problems with a subscription-form document; empty when it is fine. */
export function subscriptionDocumentProblems(
  api: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
): string[] {
  if (operation.variableDefinitions?.length)
    return ['A webhookEvent subscription declares no variables: the event gives its data'];
  const fields = operation.selectionSet.selections;
  if (
    fields.length !== 1 ||
    fields[0]!.kind !== Kind.FIELD ||
    fields[0]!.name.value !== EVENT_FIELD ||
    fields[0]!.alias
  )
    return [`A webhook subscription selects exactly one field, ${EVENT_FIELD}, without an alias`];
  return validate(withEventSubscription(api), document).map((e) => e.message);
}

/**
 * What a delivery sends to the router for an endpoint's document: a subscription-form
 * document becomes the query `webhookEvent(deliveryId: $webhookDeliveryId) { …same… }`;
 * a query-form document goes as it is.
 */
export function deliveryRequest(
  query: string,
  deliveryId: string,
  variables: Record<string, unknown>,
): { query: string; variables: Record<string, unknown> } {
  const document = parse(query);
  const operation = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  if (operation?.operation !== 'subscription') return { query, variables };
  const rewritten = visit(document, {
    OperationDefinition: (node) => ({
      ...node,
      operation: 'query' as never,
      variableDefinitions: [
        {
          kind: Kind.VARIABLE_DEFINITION,
          variable: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: DELIVERY_VARIABLE } },
          type: {
            kind: Kind.NON_NULL_TYPE,
            type: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: 'ID' } },
          },
        },
      ],
      selectionSet: {
        ...node.selectionSet,
        selections: node.selectionSet.selections.map((field) =>
          field.kind === Kind.FIELD && field.name.value === EVENT_FIELD
            ? {
                ...field,
                arguments: [
                  {
                    kind: Kind.ARGUMENT,
                    name: { kind: Kind.NAME, value: 'deliveryId' },
                    value: {
                      kind: Kind.VARIABLE,
                      name: { kind: Kind.NAME, value: DELIVERY_VARIABLE },
                    },
                  },
                ],
              }
            : field,
        ),
      },
    }),
  });
  return { query: print(rewritten), variables: { [DELIVERY_VARIABLE]: deliveryId } };
}
