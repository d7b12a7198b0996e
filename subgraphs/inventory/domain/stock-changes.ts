import { type DataSource, type Repository } from 'typeorm';
import { isUniqueViolation } from '../../../platform/db';
import { DomainError } from '../../../platform/errors';
import { UpstreamError } from '../../../platform/service-client';
import type { AddressDirectory, CatalogDirectory } from '../directories';
import {
  InventoryItemRow,
  StockMovementRow,
  type WarehouseAddress,
  WarehouseRow,
} from '../entities';
import { InventoryErrorCode } from '../errors';
import { applyMovement, type MovementInput, translateCheckViolation } from './ledger';
import {
  checkCountry,
  checkPositive,
  checkSku,
  checkWarehouseCode,
  optionalText,
  requireText,
} from './rules';

export interface WarehouseInput {
  code: string;
  name: string;
  countryCode: string;
  address?: {
    line1: string;
    line2?: string | null;
    city: string;
    region?: string | null;
    postalCode: string;
  } | null;
}

export interface StockReceiveInput {
  sku: string;
  warehouseId: string;
  quantity: number;
  reference?: string | null;
  idempotencyKey?: string | null;
}

export interface StockAdjustInput {
  sku: string;
  warehouseId: string;
  delta: number;
  reason: string;
  idempotencyKey?: string | null;
}

/** The result of a staff stock mutation: the item as it is now and the ledger entry written. */
export interface StockChange {
  item: InventoryItemRow;
  movement: StockMovementRow;
}

/**
 * Staff changes: warehouses, receipts and adjustments. Each stock change locks (or
 * creates) its item row and writes item and ledger together; with an idempotency key a
 * retry returns the first movement.
 */
export class StockChanges {
  private readonly warehouses: Repository<WarehouseRow>;
  private readonly items: Repository<InventoryItemRow>;
  private readonly movements: Repository<StockMovementRow>;

  constructor(
    private readonly db: DataSource,
    private readonly catalog: CatalogDirectory,
    private readonly addresses: AddressDirectory,
  ) {
    this.warehouses = db.getRepository(WarehouseRow);
    this.items = db.getRepository(InventoryItemRow);
    this.movements = db.getRepository(StockMovementRow);
  }

  async createWarehouse(input: WarehouseInput): Promise<WarehouseRow> {
    const code = checkWarehouseCode(input.code);
    const name = requireText(input.name, 'name');
    const countryCode = checkCountry(input.countryCode);
    const { address, regionCode } = await this.checkAddress(countryCode, input.address);
    try {
      return await this.warehouses.save(
        this.warehouses.create({ code, name, countryCode, address, regionCode }),
      );
    } catch (error) {
      if (isUniqueViolation(error))
        throw new DomainError(
          InventoryErrorCode.CODE_TAKEN,
          `Warehouse code ${code} is already used`,
          ['code'],
        );
      throw error;
    }
  }

  /**
   * Location decides whether the address is one of the country (region, postal code form,
   * required fields); its first problem is refused under ["address", field] (["countryCode"]
   * for the country). Labels are sent from the normalised form.
   */
  private async checkAddress(
    countryCode: string,
    input: WarehouseInput['address'],
  ): Promise<{ address: WarehouseAddress | null; regionCode: string | null }> {
    if (!input) return { address: null, regionCode: null };
    const checked = await this.addresses.check(countryCode, input);
    if (!checked.ok) {
      const [problem] = checked.problems;
      const field = problem?.field?.at(-1) ?? 'address';
      throw new DomainError(
        problem?.code ?? InventoryErrorCode.INVALID_TEXT,
        problem?.message ?? 'The address is not valid',
        field === 'country' ? ['countryCode'] : ['address', field],
      );
    }
    return { address: checked.address, regionCode: checked.region };
  }

  /**
   * Receives goods, creating the item when the SKU is new to the warehouse. Only a SKU
   * that catalog knows can be received: stock of a typo would be counted forever.
   */
  async receiveStock(input: StockReceiveInput): Promise<StockChange> {
    const sku = checkSku(input.sku);
    checkPositive(input.quantity, ['quantity'], 'Quantity must be a positive whole number');
    const reference = optionalText(input.reference, 'reference');
    await this.mustBeCatalogued(sku);
    return this.changeStock(sku, input.warehouseId, input.idempotencyKey, () => ({
      kind: 'RECEIPT',
      onHandDelta: input.quantity,
      reservedDelta: 0,
      reference,
    }));
  }

  /** Corrects on_hand; it may never drop below zero nor below what is reserved. */
  async adjustStock(input: StockAdjustInput): Promise<StockChange> {
    const sku = checkSku(input.sku);
    if (!Number.isSafeInteger(input.delta) || input.delta === 0) {
      throw new DomainError(
        InventoryErrorCode.INVALID_QUANTITY,
        'Delta must be a non-zero whole number',
        ['delta'],
      );
    }
    const reason = requireText(input.reason, 'reason', 500);
    return this.changeStock(sku, input.warehouseId, input.idempotencyKey, (item) => {
      if (item.onHand + input.delta < item.reserved) {
        throw new DomainError(
          InventoryErrorCode.INSUFFICIENT_STOCK,
          `Cannot remove ${-input.delta} of ${sku}: ${item.onHand} on hand, ${item.reserved} reserved`,
          ['delta'],
        );
      }
      return { kind: 'ADJUSTMENT', onHandDelta: input.delta, reservedDelta: 0, reason };
    });
  }

  private async mustBeCatalogued(sku: string): Promise<void> {
    let known: boolean;
    try {
      known = await this.catalog.knowsSku(sku);
    } catch (error) {
      if (!(error instanceof UpstreamError)) throw error;
      throw new DomainError(
        InventoryErrorCode.CATALOG_UNAVAILABLE,
        'Catalog cannot confirm the SKU right now; try again',
        ['sku'],
      );
    }
    if (!known) {
      throw new DomainError(InventoryErrorCode.UNKNOWN_SKU, `Catalog has no variant ${sku}`, [
        'sku',
      ]);
    }
  }

  private async changeStock(
    sku: string,
    warehouseId: string,
    idempotencyKey: string | null | undefined,
    decide: (item: InventoryItemRow) => MovementInput,
  ): Promise<StockChange> {
    const key = optionalText(idempotencyKey, 'idempotencyKey');
    if (key) {
      const replayed = await this.replay(key, sku, warehouseId);
      if (replayed) return replayed;
    }
    try {
      return await translateCheckViolation(() =>
        this.db.transaction(async (tx) => {
          if (!(await tx.getRepository(WarehouseRow).existsBy({ id: warehouseId }))) {
            throw new DomainError(
              InventoryErrorCode.NOT_FOUND,
              `Warehouse ${warehouseId} was not found`,
              ['warehouseId'],
            );
          }
          await tx.query(
            `INSERT INTO inventory.inventory_item (sku, warehouse_id) VALUES ($1, $2)
             ON CONFLICT (sku, warehouse_id) DO NOTHING`,
            [sku, warehouseId],
          );
          const item = await tx
            .getRepository(InventoryItemRow)
            .createQueryBuilder('i')
            .where('i.sku = :sku AND i.warehouse_id = :warehouseId', { sku, warehouseId })
            .setLock('pessimistic_write')
            .getOneOrFail();
          const movement = await applyMovement(tx, item, { ...decide(item), idempotencyKey: key });
          return {
            item: await tx.getRepository(InventoryItemRow).findOneByOrFail({ id: item.id }),
            movement,
          };
        }),
      );
    } catch (error) {
      // A concurrent retry with the same key committed first: answer with its result.
      if (key && isUniqueViolation(error)) {
        const replayed = await this.replay(key, sku, warehouseId);
        if (replayed) return replayed;
      }
      throw error;
    }
  }

  private async replay(key: string, sku: string, warehouseId: string): Promise<StockChange | null> {
    const movement = await this.movements.findOneBy({ idempotencyKey: key });
    if (!movement) return null;
    if (movement.sku !== sku || movement.warehouseId !== warehouseId) {
      throw new DomainError(
        InventoryErrorCode.IDEMPOTENCY_KEY_REUSED,
        'That idempotency key was used for another stock change',
        ['idempotencyKey'],
      );
    }
    return { item: await this.items.findOneByOrFail({ id: movement.inventoryItemId }), movement };
  }
}
