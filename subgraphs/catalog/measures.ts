import { DomainError } from '../../platform/errors';
import type { ProductVariantRow } from './entities';
import { CatalogErrorCode } from './errors';

/** A variant's shipping measures: shipping's weight bands price a cart by them. */
export interface DimensionsInput {
  lengthMm: number;
  widthMm: number;
  heightMm: number;
}

/** What shipping needs of a variant: its weight and parcel size. */
export interface VariantMeasures {
  weightGrams?: number | null;
  dimensions?: DimensionsInput | null;
}

const MAX_WEIGHT_GRAMS = 1_000_000;
const MAX_DIMENSION_MM = 10_000;

/** The given measures as columns (omitted ones left out, so an update keeps them). */
export function checkMeasures(input: VariantMeasures): Partial<ProductVariantRow> {
  const columns: Partial<ProductVariantRow> = {};
  if (input.weightGrams !== undefined && input.weightGrams !== null) {
    const w = input.weightGrams;
    if (!Number.isInteger(w) || w <= 0 || w > MAX_WEIGHT_GRAMS)
      throw new DomainError(
        CatalogErrorCode.WEIGHT_INVALID,
        `A weight is 1 to ${MAX_WEIGHT_GRAMS} grams`,
        ['weightGrams'],
      );
    columns.weightGrams = w;
  }
  if (input.dimensions) {
    for (const key of ['lengthMm', 'widthMm', 'heightMm'] as const) {
      const mm = input.dimensions[key];
      if (!Number.isInteger(mm) || mm <= 0 || mm > MAX_DIMENSION_MM)
        throw new DomainError(
          CatalogErrorCode.DIMENSION_INVALID,
          `A dimension is 1 to ${MAX_DIMENSION_MM} mm`,
          ['dimensions', key],
        );
      columns[key] = mm;
    }
  }
  return columns;
}
