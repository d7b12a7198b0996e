import { type DataSource, In } from 'typeorm';
import { DomainError } from '../../../platform/errors';
import { ProductRow, ProductTranslationRow } from '../entities';
import { CatalogErrorCode } from '../errors';
import { checkDescription, requireText } from './product-rules';

const LOCALE = /^([a-z]{2})(?:-([A-Za-z]{2}))?$/;

/** A locale as stored: language lower case, region upper case (de-AT). */
export function checkLocale(locale: string, field: string[] = ['locale']): string {
  const match = LOCALE.exec(locale);
  if (!match)
    throw new DomainError(CatalogErrorCode.INVALID_LOCALE, 'locale is like de or de-AT', field);
  return match[2] ? `${match[1]}-${match[2].toUpperCase()}` : match[1]!;
}

/**
 * The translation a reader of `locale` gets: the exact locale, else its language, else
 * none (the product's own texts). de-AT falls back to de, never to another region's.
 */
export function pickTranslation<T extends { locale: string }>(
  translations: T[],
  locale: string,
): T | null {
  const wanted = checkLocale(locale);
  const language = wanted.slice(0, 2);
  return (
    translations.find((t) => t.locale === wanted) ??
    translations.find((t) => t.locale === language) ??
    null
  );
}

/** Names and descriptions of products per locale. */
export class TranslationService {
  constructor(private readonly db: DataSource) {}

  async set(
    productId: string,
    locale: string,
    input: { name: string; description?: string | null },
  ): Promise<ProductTranslationRow> {
    const row = {
      productId,
      locale: checkLocale(locale),
      name: requireText(input.name, 'name'),
      description: checkDescription(input.description ?? ''),
    };
    if (!(await this.db.getRepository(ProductRow).existsBy({ id: productId })))
      throw new DomainError(CatalogErrorCode.NOT_FOUND, `Product ${productId} was not found`, [
        'productId',
      ]);
    await this.db.getRepository(ProductTranslationRow).upsert(row, ['productId', 'locale']);
    return this.db.getRepository(ProductTranslationRow).findOneByOrFail({
      productId,
      locale: row.locale,
    });
  }

  ofProducts(productIds: readonly string[]): Promise<ProductTranslationRow[]> {
    return this.db.getRepository(ProductTranslationRow).findBy({ productId: In([...productIds]) });
  }
}
