/* eslint-disable @typescript-eslint/no-explicit-any -- the helpers hand back untyped GraphQL answers, as the tests read them */
import { startFakeSubgraph, type FakeSubgraph } from '../../platform/testing/fake-subgraph';
import { startSubgraphForTest, type TestSubgraph, viewers } from '../../platform/testing/harness';
import { inventorySubgraph, type InventoryServices } from '.';

/** Shared by the inventory test files: viewers, operations, and a subgraph with fake neighbours. */
export const staff = viewers.staff(['inventory:write']);
export const clerk = viewers.staff([], 'clerk');
export const orders = viewers.service('orders');
export const anonymous = viewers.anonymous;

export const ITEM = `id sku onHand reserved available lowStock updatedAt warehouse { code }`;
export const RECEIVE = `mutation ($input: StockReceiveInput!) {
  stockReceive(input: $input) { inventoryItem { ${ITEM} } movement { id kind onHandDelta reservedDelta reference createdAt } userErrors { field message code } }
}`;
export const ADJUST = `mutation ($input: StockAdjustInput!) {
  stockAdjust(input: $input) { inventoryItem { ${ITEM} } movement { id kind onHandDelta reason } userErrors { field message code } }
}`;
export const RESERVATION = `id reference status expiresAt lines { sku quantity warehouse { code } }`;
export const RESERVE = `mutation ($input: StockReserveInput!) {
  stockReserve(input: $input) { reservation { ${RESERVATION} } userErrors { field message code } }
}`;
export const transition = (name: string) => `mutation ($id: ID!) {
  ${name}(id: $id) { reservation { ${RESERVATION} } userErrors { field message code } }
}`;

export interface InventoryTest {
  t: TestSubgraph<InventoryServices>;
  /** SKUs the fake catalog says it does not have (it knows every other one). */
  notInCatalog: Set<string>;
  /** Order ids the fake orders has; `ordersDown` makes it fail like an outage. */
  ordersHave: Set<string>;
  neighbours: { ordersDown: boolean; catalog: FakeSubgraph; orders: FakeSubgraph };
  berlin: string;
  paris: string;
  receive(sku: string, warehouseId: string, quantity: number, extra?: object): Promise<any>;
  adjust(sku: string, warehouseId: string, delta: number, reason?: string): Promise<any>;
  reserve(
    reference: string,
    lines: { sku: string; quantity: number }[],
    ttl?: number,
  ): Promise<any>;
  act(name: string, id: string): Promise<any>;
  stockOf(
    sku: string,
  ): Promise<
    { onHand: number; reserved: number; available: number; warehouse: { code: string } }[]
  >;
  createWarehouse(code: string, countryCode: string): Promise<any>;
  /** The ledger invariant: per item, on_hand = Σ on_hand_delta and reserved = Σ reserved_delta. */
  ledgerDrift(): Promise<unknown[]>;
  stop(): Promise<void>;
}

export async function startInventoryTest(env: Record<string, string> = {}): Promise<InventoryTest> {
  const notInCatalog = new Set<string>();
  const ordersHave = new Set<string>();
  const neighbours = { ordersDown: false } as InventoryTest['neighbours'];
  neighbours.catalog = await startFakeSubgraph(({ variables }) => {
    const sku = String(variables.sku);
    return { data: { variant: notInCatalog.has(sku) ? null : { id: sku, sku } } };
  });
  neighbours.orders = await startFakeSubgraph(({ variables }) => {
    if (neighbours.ordersDown) return { status: 503 };
    const representations = variables.representations as { id: string }[];
    return {
      data: { _entities: representations.map((r) => (ordersHave.has(r.id) ? { id: r.id } : null)) },
    };
  });
  const t = await startSubgraphForTest(inventorySubgraph, {
    env,
    background: false, // the jobs have their own tests, which start them
    subgraphUrls: { catalog: neighbours.catalog.url, orders: neighbours.orders.url },
  });
  const createWarehouse = async (code: string, countryCode: string) =>
    (
      await t.data(
        `mutation ($input: WarehouseCreateInput!) { warehouseCreate(input: $input) { warehouse { id code countryCode } userErrors { field code } } }`,
        { input: { code, name: `Warehouse ${code}`, countryCode } },
        { viewer: staff },
      )
    ).warehouseCreate;
  const berlin = (await createWarehouse('BER-1', 'de')).warehouse.id as string;
  const paris = (await createWarehouse('PAR-1', 'FR')).warehouse.id as string;
  return {
    t,
    notInCatalog,
    ordersHave,
    neighbours,
    berlin,
    paris,
    createWarehouse,
    receive: async (sku, warehouseId, quantity, extra = {}) =>
      (
        await t.data(
          RECEIVE,
          { input: { sku, warehouseId, quantity, ...extra } },
          { viewer: staff },
        )
      ).stockReceive,
    adjust: async (sku, warehouseId, delta, reason = 'stock count') =>
      (await t.data(ADJUST, { input: { sku, warehouseId, delta, reason } }, { viewer: staff }))
        .stockAdjust,
    reserve: async (reference, lines, ttlSeconds) =>
      (await t.data(RESERVE, { input: { reference, lines, ttlSeconds } }, { viewer: orders }))
        .stockReserve,
    act: async (name, id) => (await t.data(transition(name), { id }, { viewer: orders }))[name],
    stockOf: async (sku) =>
      (
        await t.data(
          `query ($sku: String!) { inventoryItems(sku: $sku) { ${ITEM} } }`,
          { sku },
          { viewer: staff },
        )
      ).inventoryItems,
    ledgerDrift: () =>
      t.sql(`
        SELECT i.sku, i.on_hand, i.reserved, m.on_hand_sum, m.reserved_sum
          FROM inventory.inventory_item i
          LEFT JOIN (SELECT inventory_item_id, sum(on_hand_delta)::int AS on_hand_sum, sum(reserved_delta)::int AS reserved_sum
                       FROM inventory.stock_movement GROUP BY inventory_item_id) m ON m.inventory_item_id = i.id
         WHERE i.on_hand <> coalesce(m.on_hand_sum, 0) OR i.reserved <> coalesce(m.reserved_sum, 0)`),
    stop: async () => {
      await t.stop();
      await neighbours.catalog.stop();
      await neighbours.orders.stop();
    },
  };
}
