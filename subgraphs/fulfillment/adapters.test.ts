import { randomUUID } from 'node:crypto';
import { LocationDistance, ShippingLabelPurchaser } from './adapters';
import { LabelPurchaseError } from './domain/ports';
import type { InventoryGateway } from './gateways';

// The adapters' own decisions, without the subgraphs: test/fulfillment*.test.ts drives them
// against the real shipping and location through the router.
describe('fulfillment adapters', () => {
  it('ranks by country and region while location cannot answer', async () => {
    const oracle = new LocationDistance({});
    await expect(
      oracle.distances(
        [{ country: 'FR' }, { country: 'DE', region: 'BY' }, { country: 'DE', region: 'BE' }],
        { country: 'DE', region: 'BE' },
      ),
    ).resolves.toEqual([2, 1, 0]);
    await expect(oracle.distances([], { country: 'DE' })).resolves.toEqual([]);
  });

  it('buys nothing for a warehouse without an address', async () => {
    let asked = 0;
    const inventory = {
      warehouseAddress: async () => {
        asked += 1;
        return null;
      },
    } as unknown as InventoryGateway;
    const purchaser = new ShippingLabelPurchaser({}, inventory, {
      carrier: 'DHL-sandbox',
      unitWeightGrams: 500,
    });
    const purchase = purchaser.purchase({
      fulfillmentId: randomUUID(),
      orderId: randomUUID(),
      warehouseId: randomUUID(),
      shipTo: { name: 'Ada', line1: 'A 1', city: 'Berlin', postalCode: '10117', country: 'DE' },
      lines: [{ sku: 'X', quantity: 1 }],
    });
    await expect(purchase).rejects.toBeInstanceOf(LabelPurchaseError);
    await expect(purchase).rejects.toThrow(/has no address/);
    expect(asked).toBe(1);
  });
});
