import { randomUUID } from 'node:crypto';
import type { Viewer } from '../../platform/identity';
import { dataOf, postGraphQL } from '../../platform/testing/graphql-client';
import {
  anonymous,
  AUTHORIZE,
  authorize,
  capture,
  CAPTURE,
  captureOnly,
  orders,
  otherStaff,
  payments,
  REFUND,
  staff,
  stored,
  usePaymentsSubgraph,
  VOID,
} from './test-kit';

/** Reading payments (by id, as Order.payments) and refusing what may not be read or done. */
usePaymentsSubgraph('payments_reads');

describe('payments subgraph', () => {
  describe('reads', () => {
    const ENTITIES = /* GraphQL */ `
      query ($representations: [_Any!]!) {
        _entities(representations: $representations) {
          ... on Order {
            id
            payments {
              id
              status
              amount {
                amount
              }
              transactions {
                kind
              }
              order {
                id
              }
            }
          }
        }
      }
    `;

    it('resolves Order.payments through _entities, oldest first', async () => {
      const orderA = randomUUID();
      const orderB = randomUUID();
      const a1 = (await authorize({ orderId: orderA, token: 'tok_chargeDeclined' })).payment.id;
      const a2 = (await authorize({ orderId: orderA, amount: 1500 })).payment.id;
      const b1 = (await authorize({ orderId: orderB, amount: 700 })).payment.id;
      const data = dataOf(
        await postGraphQL(
          payments().url,
          ENTITIES,
          {
            representations: [
              { __typename: 'Order', id: orderA },
              { __typename: 'Order', id: orderB },
              { __typename: 'Order', id: randomUUID() },
            ],
          },
          { viewer: orders },
        ),
      );
      expect(data._entities[0].payments.map((p: { id: string }) => p.id)).toEqual([a1, a2]);
      expect(data._entities[0].payments[1]).toMatchObject({
        status: 'AUTHORIZED',
        amount: { amount: 1500 },
        transactions: [{ kind: 'AUTHORIZATION' }],
        order: { id: orderA },
      });
      expect(data._entities[1].payments.map((p: { id: string }) => p.id)).toEqual([b1]);
      expect(data._entities[2]).toEqual({ id: expect.any(String), payments: [] });
    });

    it('costs the same number of statements for 3 and for 30 orders', async () => {
      const orderIds = Array.from({ length: 30 }, () => randomUUID());
      for (const orderId of orderIds) {
        const { payment } = await authorize({ orderId });
        await capture({ id: payment.id });
      }
      const statementsFor = async (ids: string[]) => {
        const before = payments().subgraph.statements.count;
        const data = dataOf(
          await postGraphQL(
            payments().url,
            ENTITIES,
            { representations: ids.map((id) => ({ __typename: 'Order', id })) },
            { viewer: orders },
          ),
        );
        expect(data._entities).toHaveLength(ids.length);
        expect(data._entities.every((o: { payments: unknown[] }) => o.payments.length === 1)).toBe(
          true,
        );
        return payments().subgraph.statements.count - before;
      };
      const three = await statementsFor(orderIds.slice(0, 3));
      const thirty = await statementsFor(orderIds);
      expect(thirty).toBe(three);
      expect(three).toBe(2);
    });

    it('lets staff read a payment by id, and no one else', async () => {
      const { payment } = await authorize({ amount: 4200 });
      const query = `query ($id: ID!) { payment(id: $id) { id status amount { amount } } }`;
      for (const viewer of [staff, captureOnly, orders]) {
        const data = dataOf(
          await postGraphQL(payments().url, query, { id: payment.id }, { viewer }),
        );
        expect(data.payment).toEqual({
          id: payment.id,
          status: 'AUTHORIZED',
          amount: { amount: 4200 },
        });
      }
      for (const [viewer, code] of [
        [anonymous, 'UNAUTHENTICATED'],
        [otherStaff, 'FORBIDDEN'],
        [{ kind: 'customer', customerId: 'c1' } as Viewer, 'FORBIDDEN'],
      ] as const) {
        const response = await postGraphQL(payments().url, query, { id: payment.id }, { viewer });
        expect(response.errors?.[0]?.extensions?.code).toBe(code);
      }
      const missing = dataOf(
        await postGraphQL(payments().url, query, { id: randomUUID() }, { viewer: staff }),
      );
      expect(missing.payment).toBeNull();
    });
  });

  describe('refusals', () => {
    it('answers malformed ids with BAD_USER_INPUT', async () => {
      const responses = [
        await postGraphQL(payments().url, `{ payment(id: "nope") { id } }`, {}, { viewer: staff }),
        await postGraphQL(payments().url, CAPTURE, { id: 'nope' }, { viewer: staff }),
        await postGraphQL(payments().url, REFUND, { id: '1234' }, { viewer: staff }),
        await postGraphQL(
          payments().url,
          AUTHORIZE,
          {
            input: {
              orderId: 'order-1',
              amount: 100,
              currency: 'EUR',
              token: 'tok_visa',
              idempotencyKey: 'x',
            },
          },
          { viewer: orders },
        ),
      ];
      for (const response of responses) {
        expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
        expect(JSON.stringify(response)).not.toMatch(/stack|QueryFailedError/);
      }
      expect((await capture({ id: randomUUID() })).userErrors[0].code).toBe('NOT_FOUND');
    });

    it('refuses staff mutations: UNAUTHENTICATED without a viewer, FORBIDDEN without the permission', async () => {
      const { payment } = await authorize();
      const attempts: [string, Viewer, string][] = [
        [CAPTURE, anonymous, 'UNAUTHENTICATED'],
        [VOID, anonymous, 'UNAUTHENTICATED'],
        [REFUND, anonymous, 'UNAUTHENTICATED'],
        [CAPTURE, otherStaff, 'FORBIDDEN'],
        [VOID, otherStaff, 'FORBIDDEN'],
        [REFUND, captureOnly, 'FORBIDDEN'],
        [REFUND, { kind: 'customer', customerId: 'c1' }, 'FORBIDDEN'],
      ];
      for (const [query, viewer, code] of attempts) {
        const response = await postGraphQL(
          payments().url,
          query,
          { id: payment.id, amount: 100 },
          { viewer },
        );
        expect(response.errors?.[0]?.extensions?.code).toBe(code);
      }
      expect(await stored(payment.id)).toMatchObject({ status: 'AUTHORIZED', captured: 0 });
    });
  });
});
