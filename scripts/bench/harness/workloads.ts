import { randomInt, randomUUID } from 'node:crypto';
import type { Pool } from 'undici';
import { reserveStep, type ReserveWorkload } from './reserve-workload';

/** What one request of a workload came to: its time, or the code of what went wrong. */
export type Outcome = { ms: number } | { error: string };

/** One client's next unit of work (a request, or a cart then a checkout), timed. */
export type Step = (pool: Pool) => Promise<Outcome>;

/** A workload as the parent describes it to the load process (JSON). */
export type WorkloadSpec =
  | {
      kind: 'post';
      /** The JSON body, posted as is. */
      body: string;
      headers?: Record<string, string>;
      /** Root fields the answer must have as non-empty lists (a short answer is an error). */
      lists: string[];
    }
  | {
      kind: 'checkout';
      /** Variant ids the carts draw 1-3 lines from. */
      variants: string[];
      /** A variant every cart holds as its first line (one inventory row every checkout locks). */
      hot?: string;
    }
  | ReserveWorkload;

type GraphQLAnswer = {
  data?: Record<string, unknown> | null;
  errors?: { extensions?: { code?: string } }[];
};

async function post(
  pool: Pool,
  body: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: GraphQLAnswer } | { error: string }> {
  try {
    const response = await pool.request({
      path: '/graphql',
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
    return { status: response.statusCode, json: (await response.body.json()) as GraphQLAnswer };
  } catch (error) {
    return { error: (error as { code?: string }).code ?? 'NETWORK' };
  }
}

function failure(answer: { status: number; json: GraphQLAnswer }): string | null {
  const first = answer.json.errors?.[0];
  if (first) return String(first.extensions?.code ?? `HTTP_${answer.status}`);
  return answer.status === 200 ? null : `HTTP_${answer.status}`;
}

export function stepOf(spec: WorkloadSpec): Step {
  if (spec.kind === 'reserve') return reserveStep(spec);
  return spec.kind === 'post' ? postStep(spec) : checkoutStep(spec);
}

function postStep(spec: Extract<WorkloadSpec, { kind: 'post' }>): Step {
  return async (pool) => {
    const sent = performance.now();
    const answer = await post(pool, spec.body, spec.headers);
    const ms = performance.now() - sent;
    if ('error' in answer) return answer;
    const failed = failure(answer);
    if (failed) return { error: failed };
    for (const field of spec.lists) {
      const value = answer.json.data?.[field];
      const list = Array.isArray(value) ? value : (value as { edges?: unknown[] })?.edges;
      if (!Array.isArray(list) || list.length === 0) return { error: 'SHORT_ANSWER' };
    }
    return { ms };
  };
}

const CART_CREATE = `mutation ($input: CartCreateInput) { cartCreate(input: $input) { cart { id } userErrors { code } } }`;
const CHECKOUT = `mutation ($input: CheckoutInput!) { checkout(input: $input) { order { id status } userErrors { code } } }`;
const ADDRESS = {
  name: 'Ada Lovelace',
  line1: 'Unter den Linden 1',
  city: 'Berlin',
  postalCode: '10117',
  country: 'DE',
};

/**
 * cartCreate (1-3 lines, 1-3 of each) → checkout (fresh idempotency key, `tok_visa`),
 * timed as one; the checkout must leave a PENDING order. A user error is an error.
 */
function checkoutStep(spec: Extract<WorkloadSpec, { kind: 'checkout' }>): Step {
  const linesOf = () => {
    const chosen = new Set<string>(spec.hot ? [spec.hot] : []);
    const count = randomInt(1, 4);
    while (chosen.size < count) chosen.add(spec.variants[randomInt(spec.variants.length)]!);
    return [...chosen].map((variantId) => ({ variantId, quantity: randomInt(1, 4) }));
  };
  const call = async (pool: Pool, field: string, body: string) => {
    const answer = await post(pool, body);
    if ('error' in answer) return answer;
    const failed = failure(answer);
    if (failed) return { error: `${field}:${failed}` };
    const payload = answer.json.data?.[field] as
      { userErrors: { code: string }[]; [key: string]: unknown } | undefined;
    if (!payload) return { error: `${field}:NO_DATA` };
    if (payload.userErrors.length) return { error: `${field}:${payload.userErrors[0]!.code}` };
    return { payload };
  };
  return async (pool) => {
    const started = performance.now();
    const cart = await call(
      pool,
      'cartCreate',
      JSON.stringify({ query: CART_CREATE, variables: { input: { lines: linesOf() } } }),
    );
    if ('error' in cart) return cart;
    const cartId = (cart.payload.cart as { id: string }).id;
    const input = {
      cartId,
      idempotencyKey: randomUUID(),
      email: 'bench@example.com',
      shippingAddress: ADDRESS,
      payment: { token: 'tok_visa' },
    };
    const checkout = await call(
      pool,
      'checkout',
      JSON.stringify({ query: CHECKOUT, variables: { input } }),
    );
    if ('error' in checkout) return checkout;
    const order = checkout.payload.order as { status: string } | null;
    if (order?.status !== 'PENDING') return { error: `checkout:STATUS_${order?.status}` };
    return { ms: performance.now() - started };
  };
}
