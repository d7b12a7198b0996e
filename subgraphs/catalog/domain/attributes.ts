import { type DataSource, type EntityManager, In } from 'typeorm';
import { isUniqueViolation } from '../../../platform/db';
import { DomainError } from '../../../platform/errors';
import { parseInput, text } from '../../../platform/validation';
import {
  AttributeRow,
  type AttributeType,
  AttributeValueRow,
  ProductVariantRow,
} from '../entities';
import { CatalogErrorCode } from '../errors';
import { recordProductChanged } from '../product-events';
import { canonicalValues } from './attribute-values';

export interface AttributeDefinitionInput {
  code: string;
  name: string;
  type: AttributeType;
  unit?: string | null;
  choices?: string[] | null;
  filterable?: boolean | null;
  facetable?: boolean | null;
  visibleOnPage?: boolean | null;
}

export interface AttributeValueInput {
  code: string;
  /** Empty: the attribute is removed from the product or variant. */
  values: string[];
}

export interface AttributeValueView {
  productId: string;
  variantId: string | null;
  attribute: AttributeRow;
  values: string[];
}

const CODE = /^[a-z][a-z0-9_]{0,39}$/;

/** Typed attributes (EAV): definitions, and values on products and variants. */
export class AttributeService {
  constructor(private readonly db: DataSource) {}

  list(): Promise<AttributeRow[]> {
    return this.db.getRepository(AttributeRow).find({ order: { position: 'ASC', code: 'ASC' } });
  }

  async define(input: AttributeDefinitionInput): Promise<AttributeRow> {
    if (!CODE.test(input.code))
      throw new DomainError(
        CatalogErrorCode.ATTRIBUTE_INVALID,
        'A code is lower-case letters, digits and _, starting with a letter (at most 40)',
        ['code'],
      );
    const name = parseInput(text(100), input.name, ['name'], CatalogErrorCode.INVALID_TEXT);
    const choices = [...new Set((input.choices ?? []).map((c) => c.trim()).filter(Boolean))];
    const isEnum = input.type === 'ENUM' || input.type === 'MULTI_ENUM';
    if (
      isEnum !== choices.length > 0 ||
      choices.length > 200 ||
      choices.some((c) => c.length > 100)
    )
      throw new DomainError(
        CatalogErrorCode.ATTRIBUTE_INVALID,
        'ENUM and MULTI_ENUM need 1 to 200 choices (at most 100 characters); other types none',
        ['choices'],
      );
    const unit = input.unit?.trim() || null;
    if (unit && (input.type !== 'NUMBER' || unit.length > 20))
      throw new DomainError(CatalogErrorCode.ATTRIBUTE_INVALID, 'Only a NUMBER has a unit', [
        'unit',
      ]);
    const repository = this.db.getRepository(AttributeRow);
    try {
      return await repository.save(
        repository.create({
          code: input.code,
          name,
          type: input.type,
          unit,
          choices,
          filterable: input.filterable ?? false,
          facetable: input.facetable ?? false,
          visibleOnPage: input.visibleOnPage ?? true,
        }),
      );
    } catch (error) {
      if (isUniqueViolation(error))
        throw new DomainError(CatalogErrorCode.ATTRIBUTE_CODE_TAKEN, 'That code is used', ['code']);
      throw error;
    }
  }

  /** Definitions by code; unknown codes are absent. */
  async byCodes(
    codes: string[],
    db: DataSource | EntityManager = this.db,
  ): Promise<Map<string, AttributeRow>> {
    if (codes.length === 0) return new Map();
    const rows = await db.getRepository(AttributeRow).findBy({ code: In([...new Set(codes)]) });
    return new Map(rows.map((row) => [row.code, row]));
  }

  /** Sets the values of a product (variantId null) or variant, then announces the product. */
  async set(productId: string, variantId: string | null, values: AttributeValueInput[]) {
    const definitions = await this.byCodes(values.map((v) => v.code));
    const checked = checkValues(definitions, values, ['values']);
    return this.db.transaction(async (tx) => {
      if (variantId) {
        const variant = await tx.getRepository(ProductVariantRow).findOneBy({ id: variantId });
        if (!variant || variant.productId !== productId)
          throw new DomainError(
            CatalogErrorCode.NOT_FOUND,
            `Variant ${variantId} is not of this product`,
            ['variantId'],
          );
      }
      await writeValues(tx, productId, variantId, checked);
      await recordProductChanged(tx, productId);
    });
  }

  /** Every value of these products (their own and their variants'), with its definition. */
  async valuesOfProducts(productIds: readonly string[]): Promise<AttributeValueView[]> {
    if (productIds.length === 0) return [];
    const values = await this.db
      .getRepository(AttributeValueRow)
      .findBy({ productId: In([...productIds]) });
    const definitions = await this.db
      .getRepository(AttributeRow)
      .findBy({ id: In([...new Set(values.map((v) => v.attributeId))]) });
    const byId = new Map(definitions.map((d) => [d.id, d]));
    return values
      .map((v) => ({
        productId: v.productId,
        variantId: v.variantId,
        attribute: byId.get(v.attributeId)!,
        values: v.values,
      }))
      .sort(
        (a, b) =>
          a.attribute.position - b.attribute.position ||
          a.attribute.code.localeCompare(b.attribute.code),
      );
  }
}

/** Checks every value against its definition first: one wrong value saves none. */
export function checkValues(
  definitions: Map<string, AttributeRow>,
  values: AttributeValueInput[],
  field: string[],
): { attribute: AttributeRow; values: string[] }[] {
  return values.map((value, index) => {
    const attribute = definitions.get(value.code);
    if (!attribute)
      throw new DomainError(
        CatalogErrorCode.ATTRIBUTE_UNKNOWN,
        `No attribute ${value.code.slice(0, 40)}`,
        [...field, String(index), 'code'],
      );
    return {
      attribute,
      values:
        value.values.length === 0
          ? []
          : canonicalValues(attribute, value.values, [...field, String(index), 'values']),
    };
  });
}

/** Upserts (or, for no values, deletes) in the caller's transaction. */
export async function writeValues(
  tx: EntityManager,
  productId: string,
  variantId: string | null,
  checked: { attribute: AttributeRow; values: string[] }[],
): Promise<void> {
  for (const { attribute, values } of checked) {
    await tx.query(
      `DELETE FROM catalog.attribute_value
        WHERE product_id = $1 AND variant_id IS NOT DISTINCT FROM $2 AND attribute_id = $3`,
      [productId, variantId, attribute.id],
    );
    if (values.length > 0)
      await tx.query(
        `INSERT INTO catalog.attribute_value (product_id, variant_id, attribute_id, "values")
         VALUES ($1, $2, $3, $4)`,
        [productId, variantId, attribute.id, values],
      );
  }
}
