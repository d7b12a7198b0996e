import { type DataSource, In, IsNull, type Repository } from 'typeorm';
import { isUniqueViolation } from '../../platform/db';
import { DomainError } from '../../platform/errors';
import { type Connection, type PageRequest, toConnection } from '../../platform/pagination';
import { parseInput, sku as skuSchema, longText, text } from '../../platform/validation';
import {
  BrandRow,
  CategoryRow,
  ProductRow,
  type ProductStatus,
  ProductVariantRow,
  type VariantOptionValue,
} from './entities';
import { CatalogErrorCode } from './errors';
import { checkMeasures, type VariantMeasures } from './measures';
import { recordProductChanged } from './product-events';
import { slugify } from './slug';

export interface ProductListFilter {
  categoryId?: string | null;
  search?: string | null;
}

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
}

const MAX_SEARCH_LENGTH = 200;

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

  /** Active products by (name, id), so that cursors stay stable while products are added. */
  async listProducts(
    page: PageRequest,
    filter: ProductListFilter,
  ): Promise<Connection<ProductRow>> {
    const query = this.products.createQueryBuilder('p').where(`p.status = 'ACTIVE'`);
    if (filter.categoryId) {
      query.andWhere(
        `p.category_id IN (
          WITH RECURSIVE tree AS (
            SELECT id FROM catalog.category WHERE id = :categoryId
            UNION ALL
            SELECT c.id FROM catalog.category c JOIN tree ON c.parent_id = tree.id
          ) SELECT id FROM tree)`,
        { categoryId: filter.categoryId },
      );
    }
    const search = filter.search?.trim();
    if (search) {
      if (search.length > MAX_SEARCH_LENGTH) {
        throw new DomainError(
          CatalogErrorCode.SEARCH_TOO_LONG,
          `search is longer than ${MAX_SEARCH_LENGTH} characters`,
          ['search'],
        );
      }
      query.andWhere(
        `(p.search @@ websearch_to_tsquery('english', :search) OR p.name ILIKE :pattern)`,
        { search, pattern: `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%` },
      );
    }
    const totalCount = await query.clone().getCount();
    if (page.after) {
      const [name, id] = page.after;
      query.andWhere('(p.name, p.id) > (:afterName, :afterId)', { afterName: name, afterId: id });
    }
    const rows = await query
      .orderBy('p.name', 'ASC')
      .addOrderBy('p.id', 'ASC')
      .take(page.limit + 1)
      .getMany();
    return toConnection(rows, page, (row) => [row.name, row.id], totalCount);
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

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const MAX_NAME_LENGTH = 200;
const MAX_DESCRIPTION_LENGTH = 20_000;
const MAX_OPTIONS = 20;

function checkSku(sku: string): string {
  return parseInput(skuSchema, sku, ['sku'], CatalogErrorCode.INVALID_SKU);
}

function checkSlug(slug: string): string {
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
function requireText(value: string | null | undefined, field: string): string {
  if (!value?.trim())
    throw new DomainError(CatalogErrorCode.REQUIRED, `${field} cannot be empty`, [field]);
  return parseInput(text(MAX_NAME_LENGTH), value, [field], CatalogErrorCode.INVALID_TEXT);
}

function checkDescription(value: string): string {
  return parseInput(
    longText(MAX_DESCRIPTION_LENGTH),
    value,
    ['description'],
    CatalogErrorCode.INVALID_TEXT,
  );
}

function checkOptions(options: VariantOptionValue[]): VariantOptionValue[] {
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
async function translateUniqueViolation<T>(body: () => Promise<T>): Promise<T> {
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
