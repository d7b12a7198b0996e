import { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../../platform/testing/database';
import { migrate } from '../../platform/db';
import { DomainError } from '../../platform/errors';
import { CheckoutAttempts } from './checkout-attempts';
import { ordersEntities } from './entities';
import { ordersSubgraph } from '.';

let db: TestDatabase;
let dataSource: DataSource;
let attempts: CheckoutAttempts;

beforeAll(async () => {
  db = await createTestDatabase('attempts');
  dataSource = new DataSource({
    type: 'postgres',
    url: db.url,
    schema: 'orders',
    entities: ordersEntities,
    migrations: ordersSubgraph.migrations,
    migrationsTableName: 'migrations',
  });
  await dataSource.initialize();
  await migrate(dataSource, 'orders');
  attempts = new CheckoutAttempts(dataSource);
});

afterAll(async () => {
  await dataSource?.destroy();
  await db?.drop();
});

const ORDER = '00000000-0000-4000-8000-00000000000a';

describe('checkout attempts (the idempotency key)', () => {
  it('runs the first request, answers the same request with the first failure, refuses another input', async () => {
    expect(await attempts.begin('key-one-00', 'hash-a', ORDER)).toEqual({
      kind: 'run',
      attempt: 1,
      orderId: ORDER,
    });
    await attempts.fail('key-one-00', new DomainError('PAYMENT_DECLINED', 'declined'), false);
    const again = await attempts.begin('key-one-00', 'hash-a', ORDER);
    expect(again).toMatchObject({ kind: 'failed', failure: { code: 'PAYMENT_DECLINED' } });
    const other = await attempts.begin('key-one-00', 'hash-b', ORDER);
    expect(other).toMatchObject({ kind: 'failed', failure: { code: 'IDEMPOTENCY_KEY_REUSED' } });
  });

  it('lets a retryable failure run again as the next attempt', async () => {
    expect(await attempts.begin('key-two-00', 'hash', ORDER)).toMatchObject({ attempt: 1 });
    await attempts.fail('key-two-00', new DomainError('PAYMENT_FAILED', 'outage'), true);
    expect(await attempts.begin('key-two-00', 'hash', ORDER)).toEqual({
      kind: 'run',
      attempt: 2,
      orderId: ORDER,
    });
  });

  it('keeps keys for the retention period and forgets them after', async () => {
    await attempts.begin('key-old-00', 'hash', ORDER);
    await attempts.fail('key-old-00', new DomainError('PAYMENT_DECLINED', 'declined'), false);
    await dataSource.query(
      `UPDATE orders.checkout_attempt SET created_at = now() - interval '2 days' WHERE idempotency_key = 'key-old-00'`,
    );
    // Two days old is still kept with a week's retention; gone with a one-day retention.
    expect(await attempts.sweep(7)).toBe(0);
    expect(await attempts.sweep(1)).toBe(1);
    expect(await attempts.begin('key-old-00', 'hash', ORDER)).toMatchObject({
      kind: 'run',
      attempt: 1,
    });
  });
});
