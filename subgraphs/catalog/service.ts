import { type DataSource, In, IsNull, type Repository } from 'typeorm';
import { DomainError } from '../../platform/errors';
import type { Connection, PageRequest } from '../../platform/pagination';
import {
  BrandRow,
  CategoryRow,
  ProductRow,
  type ProductStatus,
  ProductVariantRow,
  type VariantOptionValue,
} from './entities';
import { listProducts, type ProductListFilter } from './domain/product-list';
import {
  checkDescription,
  checkOptions,
  checkSku,
  checkSlug,
  requireText,
  translateUniqueViolation,
} from './domain/product-rules';
import { checkCountries, checkMinimumAge, type Shopper } from './domain/visibility';
import { CatalogErrorCode } from './errors';
import { checkMeasures, type VariantMeasures } from './measures';
import { recordProductChanged } from './product-events';
import { slugify } from './slug';

export type { ProductListFilter };

export interface VariantInput extends VariantMeasures {
  sku: string;
  title: string;
  options?: VariantOptionValue[] | null;
}

export interface ProductInput {
  name?: string | null;
  slug?: string | null;
  description?: string | null;
  status?: ProductStatus | null;
  brandId?: string | null;
  categoryId?: string | null;
  minimumAge?: number | null;
  deniedCountries?: string[] | null;
}

export class CatalogService {
  private readonly products: Repository<ProductRow>;
  private readonly variants: Repository<ProductVariantRow>;
  private readonly categories: Repository<CategoryRow>;
  private readonly brands: Repository<BrandRow>;

  constructor(private readonly db: DataSource) {
    this.products = db.getRepository(ProductRow);
    this.variants = db.getRepository(ProductVariantRow);
    this.categories = db.getRepository(CategoryRow);
    this.brands = db.getRepository(BrandRow);
  }

  /** Active products by (name, id) that this shopper may see (domain/product-list.ts). */
  listProducts(
    page: PageRequest,
    filter: ProductListFilter,
    shopper: Shopper | null = null,
  ): Promise<Connection<ProductRow>> {
    return listProducts(this.db, page, filter, shopper);
  }

  productsByIds(ids: readonly string[]): Promise<ProductRow[]> {
    return this.products.findBy({ id: In([...ids]) });
  }

  productBySlug(slug: string): Promise<ProductRow | null> {
    return this.products.findOneBy({ slug });
  }

  /** Sellable variants of many products in one statement. */
  activeVariantsOfProducts(productIds: readonly string[]): Promise<ProductVariantRow[]> {
    return this.variants.find({
      where: { productId: In([...productIds]), archivedAt: IsNull() },
      order: { position: 'ASC', sku: 'ASC' },
    });
  }

  variantsByIds(ids: readonly string[]): Promise<ProductVariantRow[]> {
    return this.variants.findBy({ id: In([...ids]) });
  }

  variantsBySkus(skus: readonly string[]): Promise<ProductVariantRow[]> {
    return this.variants.findBy({ sku: In([...skus]) });
  }

  categoriesByIds(ids: readonly string[]): Promise<CategoryRow[]> {
    return this.categories.findBy({ id: In([...ids]) });
  }

  childrenOfCategories(parentIds: readonly string[]): Promise<CategoryRow[]> {
    return this.categories.find({
      where: { parentId: In([...parentIds]) },
      order: { position: 'ASC', name: 'ASC' },
    });
  }

  rootCategories(): Promise<CategoryRow[]> {
    return this.categories.find({
      where: { parentId: IsNull() },
      order: { position: 'ASC', name: 'ASC' },
    });
  }

  brandsByIds(ids: readonly string[]): Promise<BrandRow[]> {
    return this.brands.findBy({ id: In([...ids]) });
  }

  allBrands(): Promise<BrandRow[]> {
    return this.brands.find({ order: { name: 'ASC' } });
  }

  async createProduct(
    input: ProductInput & { variants?: VariantInput[] | null },
  ): Promise<ProductRow> {
    const name = requireText(input.name, 'name');
    return this.db.transaction(async (tx) => {
      await this.assertReferences(input);
      const product = await translateUniqueViolation(() =>
        tx.getRepository(ProductRow).save(
          tx.getRepository(ProductRow).create({
            name,
            slug: input.slug ? checkSlug(input.slug) : slugify(name),
            description: checkDescription(input.description ?? ''),
            status: input.status ?? 'ACTIVE',
            brandId: input.brandId ?? null,
            categoryId: input.categoryId ?? null,
            minimumAge: checkMinimumAge(input.minimumAge ?? null),
            deniedCountries: checkCountries(input.deniedCountries ?? []),
          }),
        ),
      );
      const variants = input.variants ?? [];
      for (const [position, variant] of variants.entries()) {
        await this.insertVariant(
          tx.getRepository(ProductVariantRow),
          product.id,
          variant,
          position,
        );
      }
      await recordProductChanged(tx, product.id);
      return product;
    });
  }

  async updateProduct(id: string, input: ProductInput): Promise<ProductRow> {
    const product = await this.mustFindProduct(id);
    await this.assertReferences(input);
    if (input.name !== undefined && input.name !== null)
      product.name = requireText(input.name, 'name');
    if (input.slug) product.slug = checkSlug(input.slug);
    if (input.description !== undefined && input.description !== null)
      product.description = checkDescription(input.description);
    if (input.status) product.status = input.status;
    if (input.brandId !== undefined) product.brandId = input.brandId;
    if (input.categoryId !== undefined) product.categoryId = input.categoryId;
    if (input.minimumAge !== undefined) product.minimumAge = checkMinimumAge(input.minimumAge);
    if (input.deniedCountries) product.deniedCountries = checkCountries(input.deniedCountries);
    product.updatedAt = new Date();
    return this.db.transaction(async (tx) => {
      const saved = await translateUniqueViolation(() =>
        tx.getRepository(ProductRow).save(product),
      );
      await recordProductChanged(tx, saved.id);
      return saved;
    });
  }

  async archiveProduct(id: string): Promise<ProductRow> {
    return this.updateProduct(id, { status: 'ARCHIVED' });
  }

  async createVariant(productId: string, input: VariantInput): Promise<ProductVariantRow> {
    await this.mustFindProduct(productId);
    const position = await this.variants.countBy({ productId });
    return this.db.transaction(async (tx) => {
      const variant = await this.insertVariant(
        tx.getRepository(ProductVariantRow),
        productId,
        input,
        position,
      );
      await recordProductChanged(tx, productId);
      return variant;
    });
  }

  async updateVariant(
    id: string,
    input: { title?: string | null; options?: VariantOptionValue[] | null } & VariantMeasures,
  ): Promise<ProductVariantRow> {
    const variant = await this.mustFindVariant(id);
    if (input.title !== undefined && input.title !== null)
      variant.title = requireText(input.title, 'title');
    if (input.options) variant.options = checkOptions(input.options);
    Object.assign(variant, checkMeasures(input));
    return this.saveVariantAndAnnounce(variant);
  }

  async archiveVariant(id: string): Promise<ProductVariantRow> {
    const variant = await this.mustFindVariant(id);
    variant.archivedAt ??= new Date();
    return this.saveVariantAndAnnounce(variant);
  }

  /** A variant's change is its product's: the product's snapshot goes out with it. */
  private saveVariantAndAnnounce(variant: ProductVariantRow): Promise<ProductVariantRow> {
    return this.db.transaction(async (tx) => {
      const saved = await tx.getRepository(ProductVariantRow).save(variant);
      await recordProductChanged(tx, saved.productId);
      return saved;
    });
  }

  async createCategory(input: {
    name: string;
    slug?: string | null;
    parentId?: string | null;
  }): Promise<CategoryRow> {
    const name = requireText(input.name, 'name');
    if (input.parentId && !(await this.categories.existsBy({ id: input.parentId }))) {
      throw new DomainError(
        CatalogErrorCode.NOT_FOUND,
        `Category ${input.parentId} was not found`,
        ['parentId'],
      );
    }
    return translateUniqueViolation(() =>
      this.categories.save(
        this.categories.create({
          name,
          slug: input.slug ? checkSlug(input.slug) : slugify(name),
          parentId: input.parentId ?? null,
        }),
      ),
    );
  }

  async createBrand(input: { name: string; slug?: string | null }): Promise<BrandRow> {
    const name = requireText(input.name, 'name');
    return translateUniqueViolation(() =>
      this.brands.save(
        this.brands.create({ name, slug: input.slug ? checkSlug(input.slug) : slugify(name) }),
      ),
    );
  }

  private async insertVariant(
    repository: Repository<ProductVariantRow>,
    productId: string,
    input: VariantInput,
    position: number,
  ): Promise<ProductVariantRow> {
    return translateUniqueViolation(() =>
      repository.save(
        repository.create({
          productId,
          sku: checkSku(input.sku),
          title: requireText(input.title, 'title'),
          options: checkOptions(input.options ?? []),
          ...checkMeasures(input),
          position,
        }),
      ),
    );
  }

  private async assertReferences(input: ProductInput): Promise<void> {
    if (input.brandId && !(await this.brands.existsBy({ id: input.brandId }))) {
      throw new DomainError(CatalogErrorCode.NOT_FOUND, `Brand ${input.brandId} was not found`, [
        'brandId',
      ]);
    }
    if (input.categoryId && !(await this.categories.existsBy({ id: input.categoryId }))) {
      throw new DomainError(
        CatalogErrorCode.NOT_FOUND,
        `Category ${input.categoryId} was not found`,
        ['categoryId'],
      );
    }
  }

  private async mustFindProduct(id: string): Promise<ProductRow> {
    const product = await this.products.findOneBy({ id });
    if (!product)
      throw new DomainError(CatalogErrorCode.NOT_FOUND, `Product ${id} was not found`, ['id']);
    return product;
  }

  private async mustFindVariant(id: string): Promise<ProductVariantRow> {
    const variant = await this.variants.findOneBy({ id });
    if (!variant)
      throw new DomainError(CatalogErrorCode.NOT_FOUND, `Variant ${id} was not found`, ['id']);
    return variant;
  }
}
