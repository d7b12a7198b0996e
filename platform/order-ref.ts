/**
 * An order as a subgraph that extends orders' `Order` entity knows it: its id, and the
 * access grant orders put on it for the caller (when the router carried one), which is
 * how orders' own rules decide, when asked, whether that caller may read it.
 */
export interface OrderRef {
  id: string;
  accessGrant: string | null;
}

/** The `_entities` representation that asks orders about `order`, grant included. */
export function orderRepresentation(order: OrderRef): Record<string, unknown> {
  return order.accessGrant === null
    ? { __typename: 'Order', id: order.id }
    : { __typename: 'Order', id: order.id, accessGrant: order.accessGrant };
}
