import type { ShipmentStatus } from '../entities';

/**
 * How far along a parcel is. A carrier's events can arrive out of order (retries,
 * several hubs); a later-arriving earlier step is recorded in the history but never moves
 * the status backwards. EXCEPTION sits beside IN_TRANSIT: it may be followed by delivery.
 */
const RANK: Record<ShipmentStatus, number> = {
  LABEL_PURCHASED: 0,
  IN_TRANSIT: 1,
  EXCEPTION: 1,
  OUT_FOR_DELIVERY: 2,
  DELIVERED: 3,
  RETURNED: 4,
};

export const TRACKING_STATUSES = Object.keys(RANK) as ShipmentStatus[];

/** The status after `incoming`, or null when the shipment stays where it is. */
export function advance(current: ShipmentStatus, incoming: ShipmentStatus): ShipmentStatus | null {
  if (incoming === current) return null;
  return RANK[incoming] >= RANK[current] ? incoming : null;
}
