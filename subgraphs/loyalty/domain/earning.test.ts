import {
  eligibleAmount,
  nextTier,
  pointsFor,
  restoredShare,
  tierFor,
  type EarningRules,
} from './earning';

const rules: EarningRules = {
  pointsPerUnit: 1,
  tiers: [
    { name: 'GOLD', minSpend: 100_000, multiplier: 1.5 },
    { name: 'BRONZE', minSpend: 0, multiplier: 1 },
    { name: 'SILVER', minSpend: 50_000, multiplier: 1.25 },
    { name: 'PLATINUM', minSpend: 250_000, multiplier: 2 },
  ],
};

describe('loyalty earning rules', () => {
  it('a spend reaches the highest tier whose threshold it meets', () => {
    expect(tierFor(0, rules.tiers).name).toBe('BRONZE');
    expect(tierFor(49_999, rules.tiers).name).toBe('BRONZE');
    expect(tierFor(50_000, rules.tiers).name).toBe('SILVER');
    expect(tierFor(1_000_000, rules.tiers).name).toBe('PLATINUM');
    expect(nextTier(tierFor(60_000, rules.tiers), rules.tiers)?.name).toBe('GOLD');
    expect(nextTier(tierFor(300_000, rules.tiers), rules.tiers)).toBeNull();
  });

  it('points are whole, rounded down, multiplied by the tier', () => {
    expect(pointsFor(4599, 1, rules)).toBe(45);
    expect(pointsFor(4599, 1.25, rules)).toBe(57);
    expect(pointsFor(0, 2, rules)).toBe(0);
    expect(pointsFor(-100, 1, rules)).toBe(0);
  });

  it('points and refunds do not earn', () => {
    expect(eligibleAmount({ totalAmount: 5000, pointsAmount: 1000, refundedAmount: 0 })).toBe(4000);
    expect(eligibleAmount({ totalAmount: 5000, pointsAmount: 1000, refundedAmount: 4000 })).toBe(0);
    expect(eligibleAmount({ totalAmount: 5000, pointsAmount: 0, refundedAmount: 9000 })).toBe(0);
  });

  it('a refund gives back its share of a redemption, all of it when fully refunded', () => {
    expect(restoredShare(500, 1000, 4000)).toBe(125);
    expect(restoredShare(500, 4000, 4000)).toBe(500);
    expect(restoredShare(500, 0, 4000)).toBe(0);
    expect(restoredShare(0, 100, 4000)).toBe(0);
  });
});
