import type { PaymentChangedEvent } from '../../../platform/topics';
import { stepsFor } from './payment-events';

const payment = (over: Partial<PaymentChangedEvent>): PaymentChangedEvent => ({
  paymentId: 'p',
  orderId: 'o',
  status: 'AUTHORIZED',
  currency: 'EUR',
  amount: 1000,
  capturedAmount: 0,
  refundedAmount: 0,
  changedBy: 'staff',
  ...over,
});
const targets = (status: Parameters<typeof stepsFor>[0], p: PaymentChangedEvent) =>
  stepsFor(status, p).map((s) => `${s.to}${s.release ? ' +release' : ''}`);

describe("an order's status from its payment's", () => {
  it('cancels a PENDING order whose payment was voided, and nothing later', () => {
    expect(targets('PENDING', payment({ status: 'VOIDED' }))).toEqual(['CANCELLED +release']);
    expect(targets('CONFIRMED', payment({ status: 'VOIDED' }))).toEqual([]);
  });

  it('confirms on a capture, and refunds on a full refund (releasing only unshipped stock)', () => {
    const captured = payment({ status: 'CAPTURED', capturedAmount: 1000 });
    expect(targets('PENDING', captured)).toEqual(['CONFIRMED']);
    expect(targets('CONFIRMED', captured)).toEqual([]);
    const refunded = payment({ status: 'REFUNDED', capturedAmount: 1000, refundedAmount: 1000 });
    expect(targets('PENDING', refunded)).toEqual(['CONFIRMED', 'REFUNDED +release']);
    expect(targets('CONFIRMED', refunded)).toEqual(['REFUNDED +release']);
    expect(targets('DELIVERED', refunded)).toEqual(['REFUNDED']);
    expect(targets('CANCELLED', refunded)).toEqual([]);
  });

  it('leaves the order alone on a partial refund or an authorization', () => {
    const partial = payment({
      status: 'PARTIALLY_REFUNDED',
      capturedAmount: 1000,
      refundedAmount: 400,
    });
    expect(targets('CONFIRMED', partial)).toEqual([]);
    expect(targets('PENDING', payment({}))).toEqual([]);
  });
});
