/**
 * Topics that cross domains. Any domain whose change alters what an order looks like
 * (orders itself, payments, later shipping) announces it here; orders' `orderUpdated`
 * subscription listens, and the router fetches every subgraph's fields for each event.
 */
export function orderUpdatedTopic(orderId: string): string {
  return `order.updated.${orderId}`;
}

export interface OrderUpdatedEvent {
  orderId: string;
  /** Set when orders itself changed the status: the status that change left. */
  status?: string;
  source: string;
  eventId?: string;
}
