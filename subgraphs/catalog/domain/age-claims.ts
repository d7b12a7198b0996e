import type { DataSource } from 'typeorm';
import {
  CUSTOMER_AGE_VERIFIED_TOPIC,
  type CustomerAgeVerifiedEvent,
} from '../../../platform/events/product-topics';
import { DomainError } from '../../../platform/errors';
import type { Viewer } from '../../../platform/identity';
import { recordEvent } from '../../../platform/outbox';
import { AgeClaimRow } from '../entities';
import { CatalogErrorCode } from '../errors';
import { ageOn } from './visibility';

/**
 * An age verification provider (an ID check the customer goes through at the provider,
 * which hands the shop a token): the outside world, behind this interface.
 */
export interface AgeVerifier {
  readonly name: string;
  /** The birth date the provider confirmed for this token, or null when it did not. */
  verify(token: string): Promise<{ birthDate: string; reference: string } | null>;
}

/**
 * The sandbox: `age_sandbox_<YYYY-MM-DD>` confirms that birth date, anything else fails.
 * Tests and the demo shop verify ages with it; a real provider replaces it in index.ts.
 */
export class SandboxAgeVerifier implements AgeVerifier {
  readonly name = 'sandbox';

  async verify(token: string): Promise<{ birthDate: string; reference: string } | null> {
    const match = /^age_sandbox_(\d{4}-\d{2}-\d{2})$/.exec(token);
    if (!match) return null;
    const date = new Date(`${match[1]}T00:00:00Z`);
    if (Number.isNaN(date.getTime()) || date > new Date()) return null;
    return { birthDate: match[1]!, reference: `sandbox-${match[1]}` };
  }
}

/**
 * Customers' verified ages. Identity keeps no birth date, so catalog keeps what the
 * provider confirmed, for its visibility rules, and announces it (search hides
 * age-restricted products with it).
 */
export class AgeClaimService {
  constructor(
    private readonly db: DataSource,
    private readonly verifier: AgeVerifier,
  ) {}

  async verify(viewer: Viewer, token: string): Promise<AgeClaimRow> {
    if (viewer.kind !== 'customer')
      throw new DomainError(
        CatalogErrorCode.CUSTOMER_REQUIRED,
        'Only a signed-in customer verifies an age',
      );
    const confirmed = await this.verifier.verify(token.slice(0, 200));
    if (!confirmed)
      throw new DomainError(
        CatalogErrorCode.AGE_VERIFICATION_FAILED,
        'The age could not be verified',
        ['token'],
      );
    return this.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO catalog.age_claim (customer_id, birth_date, provider, reference)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (customer_id) DO UPDATE SET birth_date = EXCLUDED.birth_date,
           provider = EXCLUDED.provider, reference = EXCLUDED.reference, verified_at = now()`,
        [viewer.customerId, confirmed.birthDate, this.verifier.name, confirmed.reference],
      );
      const event: CustomerAgeVerifiedEvent = {
        customerId: viewer.customerId,
        birthDate: confirmed.birthDate,
      };
      await recordEvent(tx, 'catalog', CUSTOMER_AGE_VERIFIED_TOPIC, event);
      return tx.getRepository(AgeClaimRow).findOneByOrFail({ customerId: viewer.customerId });
    });
  }

  /** Whole years of a customer with a verified birth date; null for anyone else. */
  async ageOf(customerId: string | null): Promise<number | null> {
    if (!customerId) return null;
    const claim = await this.db.getRepository(AgeClaimRow).findOneBy({ customerId });
    return claim ? ageOn(claim.birthDate, new Date()) : null;
  }
}
