import { isUniqueViolation } from '../../../platform/db';
import { DomainError } from '../../../platform/errors';
import { longText, parseInput, sku as skuSchema, text } from '../../../platform/validation';
import type { VariantOptionValue } from '../entities';
import { CatalogErrorCode } from '../errors';

/** The rules of a product's and variant's fields, shared by the mutations and the CSV import. */
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const MAX_NAME_LENGTH = 200;
const MAX_DESCRIPTION_LENGTH = 20_000;
const MAX_OPTIONS = 20;

export function checkSku(sku: string): string {
  return parseInput(skuSchema, sku, ['sku'], CatalogErrorCode.INVALID_SKU);
}

export function checkSlug(slug: string): string {
  if (!SLUG.test(slug) || slug.length > 120) {
    throw new DomainError(
      CatalogErrorCode.INVALID_SLUG,
      'Slug must be lowercase words joined by dashes',
      ['slug'],
    );
  }
  return slug;
}

/** Names and titles: trimmed, 1-200 characters, no control characters. */
export function requireText(value: string | null | undefined, field: string): string {
  if (!value?.trim())
    throw new DomainError(CatalogErrorCode.REQUIRED, `${field} cannot be empty`, [field]);
  return parseInput(text(MAX_NAME_LENGTH), value, [field], CatalogErrorCode.INVALID_TEXT);
}

export function checkDescription(value: string): string {
  return parseInput(
    longText(MAX_DESCRIPTION_LENGTH),
    value,
    ['description'],
    CatalogErrorCode.INVALID_TEXT,
  );
}

export function checkOptions(options: VariantOptionValue[]): VariantOptionValue[] {
  if (options.length > MAX_OPTIONS) {
    throw new DomainError(CatalogErrorCode.INVALID_TEXT, `At most ${MAX_OPTIONS} options`, [
      'options',
    ]);
  }
  return options.map((option, index) => ({
    name: parseInput(
      text(100),
      option.name,
      ['options', String(index), 'name'],
      CatalogErrorCode.INVALID_TEXT,
    ),
    value: parseInput(
      text(100),
      option.value,
      ['options', String(index), 'value'],
      CatalogErrorCode.INVALID_TEXT,
    ),
  }));
}

/** A unique index is the only race-free uniqueness check; turn its violation into a userError. */
export async function translateUniqueViolation<T>(body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    if (isUniqueViolation(error, 'product_variant_sku_key'))
      throw new DomainError(CatalogErrorCode.SKU_TAKEN, 'That SKU is already used', ['sku']);
    if (isUniqueViolation(error))
      throw new DomainError(CatalogErrorCode.SLUG_TAKEN, 'That slug is already used', ['slug']);
    throw error;
  }
}
