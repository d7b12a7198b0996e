import { type DataSource, In } from 'typeorm';
import { DomainError } from '../../../platform/errors';
import { ProductMediaRow, ProductRow, ProductVariantRow } from '../entities';
import { CatalogErrorCode } from '../errors';
import { checkMedia, type MediaInput } from './media-rules';

const MAX_MEDIA = 50;

/**
 * Images and video links of products and their variants, in display order. Catalog keeps
 * the links; the files live where the merchant (or a CDN) serves them.
 */
export class MediaService {
  constructor(private readonly db: DataSource) {}

  async add(
    productId: string,
    input: MediaInput & { variantId?: string | null; position?: number | null },
  ): Promise<ProductMediaRow> {
    const media = checkMedia(input);
    return this.db.transaction(async (tx) => {
      // Locks the product: two uploads at once get distinct positions and one limit.
      const [product] = await tx.query(`SELECT id FROM catalog.product WHERE id = $1 FOR UPDATE`, [
        productId,
      ]);
      if (!product)
        throw new DomainError(CatalogErrorCode.NOT_FOUND, `Product ${productId} was not found`, [
          'productId',
        ]);
      if (input.variantId) {
        const variant = await tx
          .getRepository(ProductVariantRow)
          .findOneBy({ id: input.variantId });
        if (variant?.productId !== productId)
          throw new DomainError(CatalogErrorCode.NOT_FOUND, 'That variant is not of this product', [
            'variantId',
          ]);
      }
      const repository = tx.getRepository(ProductMediaRow);
      const count = await repository.countBy({ productId });
      if (count >= MAX_MEDIA)
        throw new DomainError(
          CatalogErrorCode.MEDIA_TOO_LARGE,
          `At most ${MAX_MEDIA} media per product`,
          ['productId'],
        );
      const position = input.position ?? count;
      if (!Number.isInteger(position) || position < 0 || position > MAX_MEDIA)
        throw new DomainError(CatalogErrorCode.INVALID_TEXT, `position is 0 to ${MAX_MEDIA}`, [
          'position',
        ]);
      // Room at the position asked for: what was there and after moves one down.
      await tx.query(
        `UPDATE catalog.product_media SET position = position + 1 WHERE product_id = $1 AND position >= $2`,
        [productId, position],
      );
      await tx.getRepository(ProductRow).update({ id: productId }, { updatedAt: new Date() });
      return repository.save(
        repository.create({ productId, variantId: input.variantId ?? null, ...media, position }),
      );
    });
  }

  async remove(id: string): Promise<ProductMediaRow> {
    const repository = this.db.getRepository(ProductMediaRow);
    const media = await repository.findOneBy({ id });
    if (!media)
      throw new DomainError(CatalogErrorCode.NOT_FOUND, `Media ${id} was not found`, ['id']);
    await this.db.transaction(async (tx) => {
      await tx.getRepository(ProductMediaRow).delete({ id });
      await tx.query(
        `UPDATE catalog.product_media SET position = position - 1 WHERE product_id = $1 AND position > $2`,
        [media.productId, media.position],
      );
    });
    return media;
  }

  ofProducts(productIds: readonly string[]): Promise<ProductMediaRow[]> {
    return this.db.getRepository(ProductMediaRow).find({
      where: { productId: In([...productIds]) },
      order: { position: 'ASC' },
    });
  }
}
