import { createHash, randomBytes } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { DomainError } from '../../../platform/errors';
import { LoyaltyErrorCode as Code } from '../errors';
import { returnedRows } from './ledger';

export interface GiftCard {
  id: string;
  last4: string;
  currency: string;
  initialAmount: number;
  balance: number;
  expiresAt: Date | null;
  createdAt: Date;
}

interface GiftCardRecord {
  id: string;
  last4: string;
  currency: string;
  initial_amount: string;
  balance: string;
  expires_at: Date | null;
  created_at: Date;
}

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** Sixteen characters (80 bits) in groups of four: unguessable, and typed without look-alikes. */
export function newGiftCardCode(): string {
  const chars = [...randomBytes(16)].map((b) => ALPHABET[b % ALPHABET.length]).join('');
  return chars.match(/.{4}/g)!.join('-');
}

/** Codes are compared as typed loosely: case, spaces and dashes do not matter. */
export const normaliseCode = (code: string) => code.toUpperCase().replace(/[^A-Z0-9]/g, '');

/** Only a hash is stored: a leaked table does not hand out spendable codes. */
export const hashCode = (code: string) =>
  createHash('sha256').update(normaliseCode(code)).digest('hex');

const toCard = (r: GiftCardRecord): GiftCard => ({
  id: r.id,
  last4: r.last4,
  currency: r.currency,
  initialAmount: Number(r.initial_amount),
  balance: Number(r.balance),
  expiresAt: r.expires_at,
  createdAt: r.created_at,
});

const COLUMNS = `id, last4, currency, initial_amount, balance, expires_at, created_at`;

/**
 * Gift cards on loyalty's ledger: issued by staff (the code shown once), looked up by code,
 * debited by checkout holds with one conditional UPDATE (never below zero, never after
 * expiry) and credited back by releases and refunds; each change a ledger row.
 */
export class GiftCardStore {
  constructor(private readonly db: DataSource) {}

  async issue(input: {
    amount: number;
    currency: string;
    expiresAt: Date | null;
    issuedBy: string;
    idempotencyKey: string | null;
  }): Promise<{ card: GiftCard; code: string | null }> {
    const code = newGiftCardCode();
    return this.db.transaction(async (tx) => {
      const rows: GiftCardRecord[] = await tx.query(
        `INSERT INTO loyalty.gift_card
           (code_hash, last4, currency, initial_amount, balance, expires_at, issued_by, idempotency_key)
         VALUES ($1, $2, $3, $4, $4, $5, $6, $7)
         ON CONFLICT (idempotency_key) DO NOTHING RETURNING ${COLUMNS}`,
        [
          hashCode(code),
          normaliseCode(code).slice(-4),
          input.currency,
          input.amount,
          input.expiresAt,
          input.issuedBy,
          input.idempotencyKey,
        ],
      );
      if (rows.length === 0) {
        // A retry: the card issued first, whose code was shown then and is not kept.
        const first: GiftCardRecord[] = await tx.query(
          `SELECT ${COLUMNS} FROM loyalty.gift_card WHERE idempotency_key = $1`,
          [input.idempotencyKey],
        );
        return { card: toCard(first[0]!), code: null };
      }
      const card = toCard(rows[0]!);
      await this.record(tx, card.id, 'GIFT_CARD_ISSUE', card.balance, `issue:${card.id}`);
      return { card, code };
    });
  }

  async byCode(code: string, tx: EntityManager = this.db.manager): Promise<GiftCard | null> {
    const rows: GiftCardRecord[] = await tx.query(
      `SELECT ${COLUMNS} FROM loyalty.gift_card WHERE code_hash = $1`,
      [hashCode(code)],
    );
    return rows[0] ? toCard(rows[0]) : null;
  }

  /** Takes `amount` off the card at `now`, or refuses; false when `reference` was taken already. */
  async debit(
    tx: EntityManager,
    card: GiftCard,
    amount: number,
    reference: string,
    now: Date,
    field: string[],
  ): Promise<boolean> {
    if (!(await this.record(tx, card.id, 'GIFT_CARD_REDEEM', -amount, reference))) return false;
    const rows = returnedRows(
      await tx.query(
        `UPDATE loyalty.gift_card SET balance = balance - $2
         WHERE id = $1 AND balance >= $2 AND (expires_at IS NULL OR expires_at > $3)
         RETURNING id`,
        [card.id, amount, now],
      ),
    );
    if (rows.length === 0) {
      throw new DomainError(
        Code.INSUFFICIENT_GIFT_CARD_BALANCE,
        'The gift card no longer holds that much',
        field,
      );
    }
    return true;
  }

  async credit(tx: EntityManager, cardId: string, amount: number, kind: string, reference: string) {
    if (amount <= 0 || !(await this.record(tx, cardId, kind, amount, reference))) return false;
    await tx.query(`UPDATE loyalty.gift_card SET balance = balance + $2 WHERE id = $1`, [
      cardId,
      amount,
    ]);
    return true;
  }

  private async record(
    tx: EntityManager,
    cardId: string,
    kind: string,
    amount: number,
    reference: string,
  ) {
    const rows: unknown[] = await tx.query(
      `INSERT INTO loyalty.ledger (gift_card_id, kind, amount, reference)
       VALUES ($1, $2, $3, $4) ON CONFLICT (reference) DO NOTHING RETURNING id`,
      [cardId, kind, amount, reference],
    );
    return rows.length > 0;
  }
}
