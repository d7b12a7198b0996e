import { uuidFromName } from '../../platform/ids';
import type {
  AuthorizationResult,
  AuthorizeRequest,
  CaptureRequest,
  PaymentProvider,
  ProviderResult,
  RefundRequest,
  VoidRequest,
} from './provider';

/** How a buyer may pay besides a card: money that moves outside any processor. */
export const OFFLINE_METHODS = {
  BANK_TRANSFER: 'bank_transfer',
  CASH_ON_DELIVERY: 'cash_on_delivery',
} as const;
export type OfflineMethod = keyof typeof OFFLINE_METHODS;

/**
 * A bank transfer or cash on delivery: nobody to call. The "authorization" is the buyer's
 * promise (the order waits, or ships, on it), a capture is staff recording the money that
 * arrived, a void drops the promise, a refund records money paid back by hand. The
 * payments ledger keeps the amounts and refuses more than was promised or received, as for
 * a card; the reference is derived from the key, so a repeated call gives the same one.
 */
export class OfflineProvider implements PaymentProvider {
  constructor(readonly name: (typeof OFFLINE_METHODS)[OfflineMethod]) {}

  async authorize(request: AuthorizeRequest): Promise<AuthorizationResult> {
    return { approved: true, reference: this.reference('promise', request), card: null };
  }

  async capture(request: CaptureRequest): Promise<ProviderResult> {
    return { approved: true, reference: this.reference('received', request) };
  }

  async void(request: VoidRequest): Promise<ProviderResult> {
    return { approved: true, reference: this.reference('dropped', request) };
  }

  async refund(request: RefundRequest): Promise<ProviderResult> {
    return { approved: true, reference: this.reference('repaid', request) };
  }

  /** A short reference a buyer can write on a bank transfer (e.g. `BT-3F9A2C71`). */
  private reference(what: string, request: { idempotencyKey: string }): string {
    const id = uuidFromName(`${this.name}:${what}:${request.idempotencyKey}`);
    const prefix = this.name === 'bank_transfer' ? 'BT' : 'COD';
    return `${prefix}-${id.replace(/-/g, '').slice(0, 8).toUpperCase()}`;
  }
}
