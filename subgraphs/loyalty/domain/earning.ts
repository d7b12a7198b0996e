/**
 * Loyalty's earning rules as plain values: the tier a rolling 12-month spend reaches, the
 * points an order's eligible amount earns at that tier, and what a refund takes back. No
 * I/O, so the rules are tested without a database.
 */
export type TierName = 'BRONZE' | 'SILVER' | 'GOLD' | 'PLATINUM';

export interface Tier {
  name: TierName;
  /** Rolling 12-month spend (minor units) from which the tier holds. */
  minSpend: number;
  /** Earning multiplier of the tier. */
  multiplier: number;
}

export interface EarningRules {
  /** Points per whole currency unit (100 minor units) spent, before the tier's multiplier. */
  pointsPerUnit: number;
  tiers: Tier[];
}

/** The highest tier whose threshold the spend reaches (tiers sorted by threshold). */
export function tierFor(spend: number, tiers: Tier[]): Tier {
  const sorted = [...tiers].sort((a, b) => a.minSpend - b.minSpend);
  let reached = sorted[0]!;
  for (const tier of sorted) if (spend >= tier.minSpend) reached = tier;
  return reached;
}

/** The tier above, or null at the top: what the account page shows as the next goal. */
export function nextTier(current: Tier, tiers: Tier[]): Tier | null {
  const above = tiers.filter((t) => t.minSpend > current.minSpend);
  return above.sort((a, b) => a.minSpend - b.minSpend)[0] ?? null;
}

/** Whole points for an eligible amount (minor units): rounded down, never negative. */
export function pointsFor(eligibleAmount: number, multiplier: number, rules: EarningRules): number {
  if (eligibleAmount <= 0) return 0;
  return Math.floor((eligibleAmount * rules.pointsPerUnit * multiplier) / 100);
}

/**
 * What an order earns: its total less what points paid of it (points do not earn points),
 * less what was refunded of it. Gift card and card tenders earn.
 */
export function eligibleAmount(order: {
  totalAmount: number;
  pointsAmount: number;
  refundedAmount: number;
}): number {
  return Math.max(0, order.totalAmount - order.pointsAmount - order.refundedAmount);
}

/**
 * The share of a checkout's redemption a refund gives back: the refunded part of the card
 * payment, applied to the points and the gift card amount, rounded down (a full refund gives
 * everything back). Returns what is owed in total, so a repeated event owes nothing more.
 */
export function restoredShare(held: number, refunded: number, paid: number): number {
  if (held <= 0 || refunded <= 0 || paid <= 0) return 0;
  if (refunded >= paid) return held;
  return Math.floor((held * refunded) / paid);
}
