/**
 * The discount arithmetic, pure: no database, no GraphQL. The service feeds it the cart
 * and the promotions that may apply; it answers what each line, the order and the
 * shipping get off.
 *
 * Rules (all amounts are integer minor units of the cart's currency):
 *
 * - Percentages are basis points (1000 = 10 %). A percentage of an amount is rounded
 *   half-up to the minor unit: 10 % of 1005 is 101 (100.5 → 101), 10 % of 1004 is 100.
 *   PERCENTAGE_LINE rounds per line, PERCENTAGE_ORDER once for the order.
 * - A line matches a promotion when it satisfies every condition that is set: its
 *   product is listed, any of its category ids (the product's category and its
 *   ancestors) is listed, its brand is listed. A condition left empty matches every line.
 * - A promotion is eligible when its fixed amount (if any) is in the cart's currency, the
 *   customer has one of its segments (if any), at least one line matches, and the
 *   original subtotal of the matching lines reaches the promotion's minimum for the
 *   cart's currency. A promotion with minimums but none in the cart's currency is not
 *   eligible. BUY_X_GET_Y needs at least X + Y matching units.
 * - Line kinds discount matching lines: PERCENTAGE_LINE a share of what is left of the
 *   line, FIXED_LINE an amount per unit, BUY_X_GET_Y makes ⌊units / (X+Y)⌋ · Y of the
 *   cheapest matching units free. Order kinds (gated by the conditions) discount what is
 *   left of the whole order; FREE_SHIPPING takes what is left of the shipping amount.
 * - Stacking: stackable promotions apply by priority (highest first, then by id), each on
 *   what the previous ones left. Every exclusive promotion is also computed alone; the
 *   best of them replaces the stack only when its total is strictly larger.
 * - An order-level discount is split over the lines in proportion to what is left of
 *   each line, by largest remainder, so the parts sum exactly to it (ties go to the
 *   earlier line). A line's total discount never exceeds the line, the order discount
 *   never exceeds what the line discounts left, shipping never exceeds shipping.
 */

export type PromotionKind =
  | 'PERCENTAGE_ORDER'
  | 'FIXED_ORDER'
  | 'PERCENTAGE_LINE'
  | 'FIXED_LINE'
  | 'BUY_X_GET_Y'
  | 'FREE_SHIPPING';

export const PROMOTION_KINDS: readonly PromotionKind[] = [
  'PERCENTAGE_ORDER',
  'FIXED_ORDER',
  'PERCENTAGE_LINE',
  'FIXED_LINE',
  'BUY_X_GET_Y',
  'FREE_SHIPPING',
];

/** 100 % in basis points. */
export const BASIS_POINTS = 10_000;

export interface MinimumSubtotal {
  amount: number;
  currency: string;
}

export interface Conditions {
  minSubtotals: MinimumSubtotal[];
  productIds: string[];
  categoryIds: string[];
  brandIds: string[];
  customerSegments: string[];
}

/** A promotion as the calculation sees it; `code` is the coupon that unlocked it, if any. */
export interface DiscountRule {
  promotionId: string;
  name: string;
  kind: PromotionKind;
  /** Basis points for percentages, minor units for fixed amounts, null otherwise. */
  value: number | null;
  currency: string | null;
  buyQuantity: number | null;
  getQuantity: number | null;
  conditions: Conditions;
  exclusive: boolean;
  priority: number;
  code: string | null;
}

export interface CartLine {
  variantId: string;
  productId: string;
  categoryIds: string[];
  brandId: string | null;
  quantity: number;
  unitPrice: number;
}

export interface Cart {
  currency: string;
  customerSegments: string[];
  shippingAmount: number;
  lines: CartLine[];
}

export interface AppliedDiscount {
  promotionId: string;
  name: string;
  code: string | null;
  amount: number;
}

export interface Quote {
  currency: string;
  /** Per input line: its line-level discount plus its share of the order-level discount. */
  lines: { variantId: string; discountAmount: number }[];
  orderDiscountAmount: number;
  shippingDiscountAmount: number;
  /** Σ lines.discountAmount + shippingDiscountAmount. */
  discountTotal: number;
  applied: AppliedDiscount[];
}

/** `amount · factor / divisor`, rounded half-up; exact for any safe integers. */
export function mulDivHalfUp(amount: number, factor: number, divisor: number): number {
  if (amount < 0 || factor < 0 || divisor <= 0)
    throw new RangeError('mulDivHalfUp takes non-negative numbers');
  const product = BigInt(amount) * BigInt(factor);
  const d = BigInt(divisor);
  return Number((product * 2n + d) / (d * 2n));
}

/** `basisPoints` of `amount`, rounded half-up to the minor unit. */
export function percentOf(amount: number, basisPoints: number): number {
  return mulDivHalfUp(amount, basisPoints, BASIS_POINTS);
}

/**
 * Splits `total` over `weights` in proportion, by largest remainder: each part is the
 * floor of its exact share, and the units left go to the largest fractional remainders
 * (the earlier index on ties). The parts sum to `total`; with total ≤ Σ weights no part
 * exceeds its weight.
 */
export function distribute(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (total === 0 || sum === 0) return weights.map(() => 0);
  const bigSum = BigInt(sum);
  const exact = weights.map((w) => BigInt(total) * BigInt(w));
  const parts = exact.map((e) => Number(e / bigSum));
  let left = total - parts.reduce((a, b) => a + b, 0);
  const order = exact
    .map((e, index) => ({ index, remainder: e % bigSum }))
    .sort((a, b) =>
      a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1,
    );
  for (const { index } of order) {
    if (left === 0) break;
    parts[index]! += 1;
    left -= 1;
  }
  return parts;
}

export function lineMatches(conditions: Conditions, line: CartLine): boolean {
  const { productIds, categoryIds, brandIds } = conditions;
  if (productIds.length > 0 && !productIds.includes(line.productId)) return false;
  if (categoryIds.length > 0 && !line.categoryIds.some((id) => categoryIds.includes(id)))
    return false;
  if (brandIds.length > 0 && (line.brandId === null || !brandIds.includes(line.brandId)))
    return false;
  return true;
}

const isFixed = (kind: PromotionKind) => kind === 'FIXED_ORDER' || kind === 'FIXED_LINE';
const lineTotal = (line: CartLine) => line.quantity * line.unitPrice;

/** Why a promotion cannot apply to the cart, or null when it can. */
export function ineligibility(rule: DiscountRule, cart: Cart): string | null {
  if (isFixed(rule.kind) && rule.currency !== cart.currency) {
    return `The promotion's amount is in ${rule.currency ?? 'no currency'}, the cart in ${cart.currency}`;
  }
  const segments = rule.conditions.customerSegments;
  if (segments.length > 0 && !cart.customerSegments.some((s) => segments.includes(s))) {
    return 'The customer is not in a segment the promotion is for';
  }
  const matching = cart.lines.filter((line) => lineMatches(rule.conditions, line));
  if (matching.length === 0) return 'No item in the cart qualifies for the promotion';
  if (rule.conditions.minSubtotals.length > 0) {
    const minimum = rule.conditions.minSubtotals.find((m) => m.currency === cart.currency);
    if (!minimum) return `The promotion has no minimum subtotal in ${cart.currency}`;
    const subtotal = matching.reduce((sum, line) => sum + lineTotal(line), 0);
    if (subtotal < minimum.amount)
      return `The qualifying subtotal is below ${minimum.amount} ${minimum.currency}`;
  }
  if (rule.kind === 'BUY_X_GET_Y') {
    const units = matching.reduce((sum, line) => sum + line.quantity, 0);
    const group = (rule.buyQuantity ?? 0) + (rule.getQuantity ?? 0);
    if (units < group) return `Buy ${group} qualifying items to get this promotion`;
  }
  return null;
}

/** The running state of one stack: what each line and the shipping still cost. */
interface Ledger {
  lineDiscount: number[];
  orderShare: number[];
  shippingDiscount: number;
  applied: AppliedDiscount[];
}

function remainingOf(cart: Cart, ledger: Ledger, index: number): number {
  return lineTotal(cart.lines[index]!) - ledger.lineDiscount[index]! - ledger.orderShare[index]!;
}

/** Applies one promotion on what the ledger left; returns the amount it took. */
function applyRule(rule: DiscountRule, cart: Cart, ledger: Ledger): number {
  const remaining = cart.lines.map((_, i) => remainingOf(cart, ledger, i));
  const matching = cart.lines.flatMap((line, i) => (lineMatches(rule.conditions, line) ? [i] : []));
  const value = rule.value ?? 0;
  let taken = 0;
  const takeFromLine = (index: number, amount: number) => {
    const capped = Math.max(0, Math.min(amount, remaining[index]!));
    ledger.lineDiscount[index]! += capped;
    remaining[index]! -= capped;
    taken += capped;
  };
  const takeFromOrder = (amount: number) => {
    const capped = Math.min(
      amount,
      remaining.reduce((a, b) => a + b, 0),
    );
    const shares = distribute(capped, remaining);
    shares.forEach((share, i) => (ledger.orderShare[i]! += share));
    taken += capped;
  };

  switch (rule.kind) {
    case 'PERCENTAGE_LINE':
      for (const i of matching) takeFromLine(i, percentOf(remaining[i]!, value));
      break;
    case 'FIXED_LINE':
      for (const i of matching) takeFromLine(i, value * cart.lines[i]!.quantity);
      break;
    case 'BUY_X_GET_Y': {
      const buy = rule.buyQuantity ?? 0;
      const get = rule.getQuantity ?? 0;
      const units = matching.reduce((sum, i) => sum + cart.lines[i]!.quantity, 0);
      let free = buy + get > 0 ? Math.floor(units / (buy + get)) * get : 0;
      // The cheapest units go free first (by unit price, the earlier line on ties).
      const cheapestFirst = [...matching].sort(
        (a, b) => cart.lines[a]!.unitPrice - cart.lines[b]!.unitPrice || a - b,
      );
      for (const i of cheapestFirst) {
        if (free === 0) break;
        const line = cart.lines[i]!;
        const units = Math.min(free, line.quantity);
        free -= units;
        // Earlier discounts are spread evenly over the line's units: a free unit is free
        // at the price that is left of it.
        takeFromLine(
          i,
          units === line.quantity
            ? remaining[i]!
            : mulDivHalfUp(remaining[i]!, units, line.quantity),
        );
      }
      break;
    }
    case 'PERCENTAGE_ORDER':
      takeFromOrder(
        percentOf(
          remaining.reduce((a, b) => a + b, 0),
          value,
        ),
      );
      break;
    case 'FIXED_ORDER':
      takeFromOrder(value);
      break;
    case 'FREE_SHIPPING': {
      const left = cart.shippingAmount - ledger.shippingDiscount;
      ledger.shippingDiscount += left;
      taken += left;
      break;
    }
  }
  if (taken > 0) {
    ledger.applied.push({
      promotionId: rule.promotionId,
      name: rule.name,
      code: rule.code,
      amount: taken,
    });
  }
  return taken;
}

function runStack(cart: Cart, rules: DiscountRule[]): Ledger {
  const ledger: Ledger = {
    lineDiscount: cart.lines.map(() => 0),
    orderShare: cart.lines.map(() => 0),
    shippingDiscount: 0,
    applied: [],
  };
  for (const rule of rules) applyRule(rule, cart, ledger);
  return ledger;
}

const totalOf = (ledger: Ledger) => ledger.applied.reduce((sum, a) => sum + a.amount, 0);

/** Highest priority first; the promotion id settles ties so that the order is stable. */
export function byPriority(a: DiscountRule, b: DiscountRule): number {
  return (
    b.priority - a.priority ||
    (a.promotionId < b.promotionId ? -1 : a.promotionId > b.promotionId ? 1 : 0)
  );
}

/**
 * The discounts of the cart with the given candidate promotions; ineligible candidates
 * are left out (the service reports them when a coupon asked for them).
 */
export function computeQuote(cart: Cart, rules: DiscountRule[]): Quote {
  const eligible = rules.filter((rule) => ineligibility(rule, cart) === null).sort(byPriority);
  let best = runStack(
    cart,
    eligible.filter((rule) => !rule.exclusive),
  );
  for (const rule of eligible.filter((r) => r.exclusive)) {
    const alone = runStack(cart, [rule]);
    if (totalOf(alone) > totalOf(best)) best = alone;
  }
  const lines = cart.lines.map((line, i) => ({
    variantId: line.variantId,
    discountAmount: best.lineDiscount[i]! + best.orderShare[i]!,
  }));
  const orderDiscountAmount = best.orderShare.reduce((a, b) => a + b, 0);
  return {
    currency: cart.currency,
    lines,
    orderDiscountAmount,
    shippingDiscountAmount: best.shippingDiscount,
    discountTotal: lines.reduce((sum, l) => sum + l.discountAmount, 0) + best.shippingDiscount,
    applied: best.applied,
  };
}
