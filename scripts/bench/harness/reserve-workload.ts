import { randomUUID } from 'node:crypto';
import type { Pool } from 'undici';
import { signIdentity } from '../../../platform/identity';
import type { Outcome } from './workloads';

/** Holds `quantity` of one SKU and commits the hold, as checkout asks inventory to. */
export interface ReserveWorkload {
  kind: 'reserve';
  sku: string;
  quantity: number;
}

const RESERVE = `mutation ($input: StockReserveInput!) { stockReserve(input: $input) { reservation { id status } userErrors { code } } }`;
const COMMIT = `mutation ($id: ID!) { reservationCommit(id: $id) { reservation { id status } userErrors { code } } }`;

type Payload = {
  reservation: { id: string; status: string } | null;
  userErrors: { code: string }[];
};

/**
 * Straight to the inventory subgraph, signed as orders: `stockReserve` is @inaccessible,
 * so no router serves it; orders' checkout calls it exactly like this.
 */
async function call(
  pool: Pool,
  field: string,
  query: string,
  variables: object,
): Promise<{ error: string } | { reservation: { id: string; status: string } }> {
  const body = JSON.stringify({ query, variables });
  try {
    const response = await pool.request({
      path: '/graphql',
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...signIdentity({ kind: 'service', service: 'orders' }, { audience: 'inventory', body }),
      },
      body,
    });
    const json = (await response.body.json()) as {
      data?: Record<string, Payload>;
      errors?: { extensions?: { code?: string } }[];
    };
    if (json.errors?.length)
      return { error: `${field}:${json.errors[0]!.extensions?.code ?? 'ERROR'}` };
    const payload = json.data?.[field];
    if (!payload?.reservation)
      return { error: `${field}:${payload?.userErrors[0]?.code ?? 'NO_DATA'}` };
    return { reservation: payload.reservation };
  } catch (error) {
    return { error: (error as { code?: string }).code ?? 'NETWORK' };
  }
}

/** stockReserve (a fresh reference) → reservationCommit, timed as one; both must succeed. */
export function reserveStep(spec: ReserveWorkload): (pool: Pool) => Promise<Outcome> {
  return async (pool) => {
    const started = performance.now();
    const reserved = await call(pool, 'stockReserve', RESERVE, {
      input: {
        reference: `bench:${randomUUID()}`,
        lines: [{ sku: spec.sku, quantity: spec.quantity }],
      },
    });
    if ('error' in reserved) return reserved;
    const committed = await call(pool, 'reservationCommit', COMMIT, {
      id: reserved.reservation.id,
    });
    if ('error' in committed) return committed;
    if (committed.reservation.status !== 'COMMITTED') return { error: 'reservationCommit:STATUS' };
    return { ms: performance.now() - started };
  };
}
