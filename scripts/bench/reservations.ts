import { interleavedRounds, startLoadProcess, summarizeRounds } from './harness/load';
import { BENCH_ADMIN, PRODUCTION_ENV } from './harness/platform';
import { deployedBench } from './harness/deployed';
import { Started } from './harness/processes';
import { benchSetup } from './harness/setup';
import { benchWarehouse, staffCaller } from './harness/staff';

export interface ReservationBenchOptions {
  seconds: number;
  warmupSeconds: number;
  rounds: number;
  /** Concurrent callers, each one reserve → commit after another. */
  clients: number;
}

const SKU = 'BENCH-HOT';
const STOCK = 1_000_000;

/**
 * `npm run bench -- reservations`: how many holds one hot SKU takes per second, i.e. how
 * long a reservation keeps that SKU's inventory_item row locked. The platform runs as
 * deployed (harness/platform.ts); the load process calls the inventory subgraph itself,
 * signed as orders (stockReserve is @inaccessible: only checkout calls it), each client
 * looping stockReserve(1 unit of the one SKU, fresh reference) → reservationCommit. At the
 * end the item's reserved units must equal what the committed holds hold: no oversell, no
 * lost hold.
 */
export async function reservationBench(options: ReservationBenchOptions) {
  const started = new Started();
  try {
    const { platform, sql } = await deployedBench(started);

    const staff = await staffCaller(platform.routerUrl, BENCH_ADMIN);
    const warehouse = await benchWarehouse(staff);
    await staff(
      `mutation ($input: ProductCreateInput!) { productCreate(input: $input) { product { id } userErrors { code } } }`,
      { input: { name: 'Bench hot', variants: [{ sku: SKU, title: SKU }] } },
    );
    await staff(
      `mutation ($input: StockReceiveInput!) { stockReceive(input: $input) { inventoryItem { onHand } userErrors { code } } }`,
      { input: { sku: SKU, warehouseId: warehouse, quantity: STOCK } },
    );

    const inventory = platform.subgraphs.inventory!;
    const load = started.add(await startLoadProcess());
    const setup = benchSetup({
      ...PRODUCTION_ENV,
      pubsub: process.env.REDIS_URL ? 'REDIS_URL' : 'private redis-server',
    });
    const rounds = await interleavedRounds(
      load,
      {
        hotSku: {
          url: platform.subgraphUrls.inventory!,
          workload: { kind: 'reserve', sku: SKU, quantity: 1 },
          measure: [inventory],
        },
      },
      options,
    );
    const [check] = (await sql.query(
      `SELECT i.reserved, (SELECT coalesce(sum(l.quantity), 0)::int FROM inventory.reservation_line l
                             JOIN inventory.reservation r ON r.id = l.reservation_id
                            WHERE l.inventory_item_id = i.id AND r.status IN ('ACTIVE', 'COMMITTED')) AS held
         FROM inventory.inventory_item i WHERE i.sku = $1`,
      [SKU],
    )) as { reserved: number; held: number }[];
    return {
      setup: {
        ...setup,
        processes: `router + ${Object.keys(platform.subgraphs).length} subgraphs, each its own process; load from its own process, straight to inventory`,
        clients: options.clients,
        rounds: `${options.rounds} × ${options.seconds} s, after ${options.warmupSeconds} s warm-up`,
      },
      // A sample is one stockReserve + reservationCommit; CPU is the inventory process's.
      reserveAndCommit: summarizeRounds(rounds.hotSku!),
      hotItem: { ...check, consistent: check?.reserved === check?.held },
    };
  } finally {
    await started.stopAll();
  }
}
