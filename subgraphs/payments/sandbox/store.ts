import { randomBytes } from 'node:crypto';
import { Pool, type PoolClient } from 'pg';
import { createLogger } from '../../../platform/logging';

const log = createLogger('payments.card-sandbox');

/** One authorization as the sandbox processor keeps it. */
export interface SandboxCharge {
  reference: string;
  amount: number;
  currency: string;
  /** Sum of the captures so far; several partial captures are allowed up to `amount`. */
  captured: number;
  refunded: number;
  /** The uncaptured rest was released (a void); nothing more can be captured. */
  released: boolean;
}

/**
 * The sandbox processor's own storage: a schema of its own (`card_sandbox`), reached
 * through a pool of its own. It plays a service outside ours, so it shares nothing with
 * payments' connections: payments calls it while holding a payment row lock, and a shared
 * pool could be exhausted by callers each waiting for a second connection.
 */
export class SandboxStore {
  private ready: Promise<void> | null = null;

  constructor(private readonly pool: Pool) {}

  static open(databaseUrl: string): SandboxStore {
    const pool = new Pool({
      connectionString: databaseUrl,
      max: 4,
      application_name: 'card-sandbox',
    });
    // An idle connection the server ends (a restart, a failover, a closing pool's socket
    // cut by DROP DATABASE) must not crash the process: the pool replaces it on demand.
    pool.on('error', (error) => log.warn('idle connection lost', { error: error.message }));
    return new SandboxStore(pool);
  }

  close(): Promise<void> {
    return this.pool.end();
  }

  /** One statement or a few, outside any request (the challenge page). */
  async withClient<R>(work: (client: PoolClient) => Promise<R>): Promise<R> {
    await this.setUp();
    const client = await this.pool.connect();
    try {
      return await work(client);
    } finally {
      client.release();
    }
  }

  /**
   * Runs `work` once per idempotency key: the first call's result is stored with its
   * effect in one transaction, and a later call with the key gets that result. Two calls
   * with one key at once are serialized on the key's row. A thrown error stores nothing,
   * so the call can be repeated (an outage did not happen at the processor).
   */
  async once<R>(
    key: string,
    fingerprint: string,
    work: (charges: ChargeAccess) => Promise<R>,
    /** False for an answer that is not final (a challenge pending): asked again, it is run again. */
    remember: (result: R) => boolean = () => true,
  ): Promise<R> {
    await this.setUp();
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO card_sandbox.request (idempotency_key, fingerprint) VALUES ($1, $2)
           ON CONFLICT (idempotency_key) DO NOTHING`,
        [key, fingerprint],
      );
      const {
        rows: [request],
      } = await client.query<{ fingerprint: string; result: R | null }>(
        `SELECT fingerprint, result FROM card_sandbox.request WHERE idempotency_key = $1 FOR UPDATE`,
        [key],
      );
      if (request!.fingerprint !== fingerprint) {
        throw new Error(`Idempotency key ${key} was reused for a different request`);
      }
      if (request!.result !== null) {
        await client.query('COMMIT');
        return request!.result;
      }
      const result = await work(new ChargeAccess(client));
      if (remember(result)) {
        await client.query(
          `UPDATE card_sandbox.request SET result = $2 WHERE idempotency_key = $1`,
          [key, JSON.stringify(result)],
        );
      } else {
        await client.query(`DELETE FROM card_sandbox.request WHERE idempotency_key = $1`, [key]);
      }
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** Creates the sandbox's tables once per database; replicas starting together take turns. */
  private setUp(): Promise<void> {
    this.ready ??= (async () => {
      const client = await this.pool.connect();
      try {
        await client.query('BEGIN');
        await client.query(`SELECT pg_advisory_xact_lock(hashtext('card_sandbox:setup'))`);
        await client.query(`CREATE SCHEMA IF NOT EXISTS card_sandbox`);
        await client.query(`
          CREATE TABLE IF NOT EXISTS card_sandbox.charge (
            reference text PRIMARY KEY,
            amount bigint NOT NULL CHECK (amount > 0),
            currency char(3) NOT NULL,
            captured bigint NOT NULL DEFAULT 0,
            refunded bigint NOT NULL DEFAULT 0,
            released boolean NOT NULL DEFAULT false,
            created_at timestamptz NOT NULL DEFAULT now(),
            CHECK (captured <= amount AND refunded <= captured)
          )`);
        await client.query(`
          CREATE TABLE IF NOT EXISTS card_sandbox.challenge (
            id text PRIMARY KEY,
            idempotency_key text NOT NULL UNIQUE,
            status text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'PASSED', 'FAILED')),
            expires_at timestamptz NOT NULL
          )`);
        await client.query(`
          CREATE TABLE IF NOT EXISTS card_sandbox.vaulted (
            vault_token text PRIMARY KEY,
            card_token text NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now()
          )`);
        await client.query(`
          CREATE TABLE IF NOT EXISTS card_sandbox.request (
            idempotency_key text PRIMARY KEY,
            fingerprint text NOT NULL,
            result jsonb,
            created_at timestamptz NOT NULL DEFAULT now()
          )`);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        this.ready = null;
        throw error;
      } finally {
        client.release();
      }
    })();
    return this.ready;
  }
}

export type ChallengeStatus = 'PENDING' | 'PASSED' | 'FAILED';

/** The cardholder answers the bank's challenge (the sandbox's ACS page). */
export async function answerChallenge(
  store: SandboxStore,
  id: string,
  passed: boolean,
): Promise<'PASSED' | 'FAILED' | 'EXPIRED' | 'UNKNOWN' | 'ANSWERED'> {
  return store.withClient(async (client) => {
    const { rows } = await client.query<{ status: ChallengeStatus; expired: boolean }>(
      `UPDATE card_sandbox.challenge SET status = CASE WHEN expires_at > now() THEN $2 ELSE status END
        WHERE id = $1 AND status = 'PENDING'
        RETURNING status, expires_at <= now() AS expired`,
      [id, passed ? 'PASSED' : 'FAILED'],
    );
    if (rows[0])
      return rows[0].expired ? 'EXPIRED' : rows[0].status === 'PASSED' ? 'PASSED' : 'FAILED';
    const known = await client.query(`SELECT 1 FROM card_sandbox.challenge WHERE id = $1`, [id]);
    return known.rowCount ? 'ANSWERED' : 'UNKNOWN';
  });
}

/** The charges, inside one request's transaction. */
export class ChargeAccess {
  constructor(private readonly client: PoolClient) {}

  async create(charge: Pick<SandboxCharge, 'reference' | 'amount' | 'currency'>): Promise<void> {
    await this.client.query(
      `INSERT INTO card_sandbox.charge (reference, amount, currency) VALUES ($1, $2, $3)`,
      [charge.reference, charge.amount, charge.currency],
    );
  }

  /** The charge, locked until the request ends; null for a reference the sandbox never issued. */
  async lock(reference: string): Promise<SandboxCharge | null> {
    const { rows } = await this.client.query<SandboxCharge>(
      `SELECT reference, amount::int, currency, captured::int, refunded::int, released
         FROM card_sandbox.charge WHERE reference = $1 FOR UPDATE`,
      [reference],
    );
    return rows[0] ?? null;
  }

  /** The 3-D Secure challenge of an authorization (its key), made on the first ask. */
  async challengeOf(
    key: string,
    ttlSeconds: number,
  ): Promise<{ id: string; status: ChallengeStatus; expiresAt: Date }> {
    await this.client.query(
      `INSERT INTO card_sandbox.challenge (id, idempotency_key, expires_at)
       VALUES ($1, $2, now() + make_interval(secs => $3))
       ON CONFLICT (idempotency_key) DO NOTHING`,
      [`acs_sandbox_${randomBytes(12).toString('hex')}`, key, ttlSeconds],
    );
    const { rows } = await this.client.query<{
      id: string;
      status: ChallengeStatus;
      expires_at: Date;
    }>(`SELECT id, status, expires_at FROM card_sandbox.challenge WHERE idempotency_key = $1`, [
      key,
    ]);
    const row = rows[0]!;
    return { id: row.id, status: row.status, expiresAt: row.expires_at };
  }

  /** Keeps a card in the vault under a token of its own, reusable for later charges. */
  async vault(vaultToken: string, cardToken: string): Promise<void> {
    await this.client.query(
      `INSERT INTO card_sandbox.vaulted (vault_token, card_token) VALUES ($1, $2)`,
      [vaultToken, cardToken],
    );
  }

  /** The card behind a vault token; null for one the sandbox never issued. */
  async vaultedCard(vaultToken: string): Promise<string | null> {
    const { rows } = await this.client.query<{ card_token: string }>(
      `SELECT card_token FROM card_sandbox.vaulted WHERE vault_token = $1`,
      [vaultToken],
    );
    return rows[0]?.card_token ?? null;
  }

  async update(
    reference: string,
    changes: Partial<Pick<SandboxCharge, 'captured' | 'refunded' | 'released'>>,
  ): Promise<void> {
    await this.client.query(
      `UPDATE card_sandbox.charge
          SET captured = coalesce($2, captured), refunded = coalesce($3, refunded),
              released = coalesce($4, released)
        WHERE reference = $1`,
      [reference, changes.captured ?? null, changes.refunded ?? null, changes.released ?? null],
    );
  }
}
