/**
 * Assignment strategies: which warehouses ship which units of an order. Pure functions of
 * plain values (stock per warehouse, distance, the next free slot), so each is tested
 * without a database. Every strategy splits only when no single warehouse can serve the
 * whole order; what no warehouse has is left as backordered (or unassignable).
 */

export interface Candidate {
  warehouseId: string;
  /** Units of each SKU this order may take from the warehouse now. */
  stock: Map<string, number>;
  /** From the DistanceOracle: smaller is nearer. */
  distance: number;
  /** Start of the earliest slot with room for the order (ms); null when none within the horizon. */
  nextSlot: number | null;
}

export interface WantedLine {
  lineId: string;
  sku: string;
  quantity: number;
}

export interface PlannedLine extends WantedLine {
  warehouseId: string;
}

export interface Plan {
  lines: PlannedLine[];
  /** Units no warehouse can serve now, per line id. */
  missing: Map<string, number>;
}

export interface AssignmentStrategy {
  readonly name: StrategyName;
  plan(lines: WantedLine[], candidates: Candidate[]): Plan;
}

export const STRATEGY_NAMES = ['most-stock', 'nearest', 'fewest-splits', 'capacity-aware'] as const;
export type StrategyName = (typeof STRATEGY_NAMES)[number];

const totalStock = (c: Candidate, lines: WantedLine[]) =>
  lines.reduce((sum, l) => sum + Math.min(c.stock.get(l.sku) ?? 0, l.quantity), 0);
/** Everything the warehouse holds of the order's SKUs, uncapped: how well stocked it is. */
const heldStock = (c: Candidate, lines: WantedLine[]) =>
  [...new Set(lines.map((l) => l.sku))].reduce((sum, sku) => sum + (c.stock.get(sku) ?? 0), 0);
const servesAll = (c: Candidate, lines: WantedLine[]) =>
  lines.every((l) => (c.stock.get(l.sku) ?? 0) >= l.quantity);
const slotOf = (c: Candidate) => c.nextSlot ?? Number.MAX_SAFE_INTEGER;
const byId = (a: Candidate, b: Candidate) => a.warehouseId.localeCompare(b.warehouseId);

/**
 * The shape three strategies share: candidates in the strategy's order; the first that
 * serves everything takes the order whole, otherwise each line is filled from the
 * candidates in that order.
 */
function rankedPlan(lines: WantedLine[], ranked: Candidate[]): Plan {
  const whole = ranked.find((c) => servesAll(c, lines));
  if (whole)
    return {
      lines: lines.map((l) => ({ ...l, warehouseId: whole.warehouseId })),
      missing: new Map(),
    };
  return fillLines(lines, ranked);
}

function fillLines(lines: WantedLine[], order: Candidate[]): Plan {
  const left = new Map(order.map((c) => [c.warehouseId, new Map(c.stock)]));
  const planned: PlannedLine[] = [];
  const missing = new Map<string, number>();
  for (const line of lines) {
    let need = line.quantity;
    for (const candidate of order) {
      if (need === 0) break;
      const stock = left.get(candidate.warehouseId)!;
      const take = Math.min(need, stock.get(line.sku) ?? 0);
      if (take <= 0) continue;
      stock.set(line.sku, (stock.get(line.sku) ?? 0) - take);
      planned.push({ ...line, quantity: take, warehouseId: candidate.warehouseId });
      need -= take;
    }
    if (need > 0) missing.set(line.lineId, need);
  }
  return { lines: planned, missing };
}

/** The warehouse holding the most of what the order wants first: spreads stock evenly. */
export const mostStock: AssignmentStrategy = {
  name: 'most-stock',
  plan: (lines, candidates) =>
    rankedPlan(
      lines,
      [...candidates].sort((a, b) => heldStock(b, lines) - heldStock(a, lines) || byId(a, b)),
    ),
};

/** The nearest warehouse to the destination first: cheaper, faster parcels. */
export const nearest: AssignmentStrategy = {
  name: 'nearest',
  plan: (lines, candidates) =>
    rankedPlan(
      lines,
      [...candidates].sort(
        (a, b) =>
          a.distance - b.distance || totalStock(b, lines) - totalStock(a, lines) || byId(a, b),
      ),
    ),
};

/**
 * As few parcels as possible: greedily the warehouse that covers the most units still
 * wanted (set cover), then the next, until nothing is left or nobody has more.
 */
export const fewestSplits: AssignmentStrategy = {
  name: 'fewest-splits',
  plan(lines, candidates) {
    let wanted = lines.map((l) => ({ ...l }));
    const remaining = [...candidates];
    const order: Candidate[] = [];
    while (remaining.length && wanted.some((l) => l.quantity > 0)) {
      remaining.sort((a, b) => totalStock(b, wanted) - totalStock(a, wanted) || byId(a, b));
      const best = remaining.shift()!;
      if (totalStock(best, wanted) === 0) break;
      order.push(best);
      wanted = wanted.map((l) => ({
        ...l,
        quantity: Math.max(0, l.quantity - (best.stock.get(l.sku) ?? 0)),
      }));
    }
    return rankedPlan(lines, order.length ? order : candidates);
  },
};

/**
 * The warehouse that can start soonest: each candidate's next slot with room (from its
 * orders per slot, items per hour and orders per day) comes first, so a full slot sends
 * the order to another warehouse rather than to a later hour; nearest breaks ties.
 */
export const capacityAware: AssignmentStrategy = {
  name: 'capacity-aware',
  plan: (lines, candidates) =>
    rankedPlan(
      lines,
      [...candidates].sort(
        (a, b) =>
          slotOf(a) - slotOf(b) ||
          a.distance - b.distance ||
          totalStock(b, lines) - totalStock(a, lines) ||
          byId(a, b),
      ),
    ),
};

export const STRATEGIES: Record<StrategyName, AssignmentStrategy> = {
  'most-stock': mostStock,
  nearest,
  'fewest-splits': fewestSplits,
  'capacity-aware': capacityAware,
};
