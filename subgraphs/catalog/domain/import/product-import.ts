import { type DataSource, type EntityManager, In } from 'typeorm';
import { DomainError, toUserError, type UserError } from '../../../../platform/errors';
import { BrandRow, CategoryRow } from '../../entities';
import { CatalogErrorCode } from '../../errors';
import { recordProductChanged } from '../../product-events';
import type { AttributeService } from '../attributes';
import { writeValues } from '../attributes';
import { headerAttributeCodes, parseImport, type RowError, type RowPlan } from './csv-rows';

export interface ImportReport {
  rows: number;
  imported: number;
  productsCreated: number;
  productsUpdated: number;
  variantsCreated: number;
  variantsUpdated: number;
  errors: RowError[];
  userErrors: UserError[];
}

const EMPTY: Omit<ImportReport, 'errors' | 'userErrors'> = {
  rows: 0,
  imported: 0,
  productsCreated: 0,
  productsUpdated: 0,
  variantsCreated: 0,
  variantsUpdated: 0,
};

/** A refusal of one row found while applying it (the row's transaction is rolled back). */
class RowRefused extends DomainError {
  constructor(
    code: string,
    message: string,
    readonly column: string,
  ) {
    super(code, message);
  }
}

/**
 * Bulk create and update of products and variants from CSV, keyed by SKU (a variant) and
 * product_slug (its product): a second run of the same file creates nothing. Each row is
 * its own transaction, so a refused row changes nothing and the others stand; every
 * changed product is announced (search indexes it) in its row's transaction.
 */
export class ProductImportService {
  constructor(
    private readonly db: DataSource,
    private readonly attributes: AttributeService,
  ) {}

  async importCsv(csv: string): Promise<ImportReport> {
    let parsed;
    try {
      parsed = parseImport(csv, await this.attributes.byCodes(headerAttributeCodes(csv)));
    } catch (error) {
      if (error instanceof DomainError)
        return { ...EMPTY, errors: [], userErrors: [toUserError(error)] };
      throw error;
    }
    const report: ImportReport = {
      ...EMPTY,
      rows: parsed.rows,
      errors: [...parsed.errors],
      userErrors: [],
    };
    const refs = await this.references(parsed.plans);
    const updatedProducts = new Set<string>();
    const createdProducts = new Set<string>();
    for (const plan of parsed.plans) {
      try {
        const outcome = await this.db.transaction((tx) => this.applyRow(tx, plan, refs));
        report.imported += 1;
        if (outcome.productCreated) createdProducts.add(outcome.productId);
        else if (!createdProducts.has(outcome.productId)) updatedProducts.add(outcome.productId);
        if (outcome.variantCreated) report.variantsCreated += 1;
        else report.variantsUpdated += 1;
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        const column = error instanceof RowRefused ? error.column : null;
        report.errors.push({ row: plan.line, column, code: error.code, message: error.message });
      }
    }
    report.productsCreated = createdProducts.size;
    report.productsUpdated = updatedProducts.size;
    report.errors.sort((a, b) => a.row - b.row);
    return report;
  }

  /** Brand and category slugs the rows name, looked up once. */
  private async references(plans: RowPlan[]) {
    const brands = await this.db.getRepository(BrandRow).findBy({
      slug: In([...new Set(plans.flatMap((p) => (p.brandSlug ? [p.brandSlug] : [])))]),
    });
    const categories = await this.db.getRepository(CategoryRow).findBy({
      slug: In([...new Set(plans.flatMap((p) => (p.categorySlug ? [p.categorySlug] : [])))]),
    });
    return {
      brands: new Map(brands.map((b) => [b.slug, b.id])),
      categories: new Map(categories.map((c) => [c.slug, c.id])),
    };
  }

  private async applyRow(
    tx: EntityManager,
    plan: RowPlan,
    refs: { brands: Map<string, string>; categories: Map<string, string> },
  ): Promise<{ productId: string; productCreated: boolean; variantCreated: boolean }> {
    const brandId = plan.brandSlug ? refs.brands.get(plan.brandSlug) : undefined;
    if (plan.brandSlug && !brandId)
      throw new RowRefused(CatalogErrorCode.NOT_FOUND, `No brand ${plan.brandSlug}`, 'brand');
    const categoryId = plan.categorySlug ? refs.categories.get(plan.categorySlug) : undefined;
    if (plan.categorySlug && !categoryId)
      throw new RowRefused(
        CatalogErrorCode.NOT_FOUND,
        `No category ${plan.categorySlug}`,
        'category',
      );
    const product = await this.upsertProduct(tx, plan, brandId, categoryId);
    const variants: { id: string; product_id: string }[] = await tx.query(
      `SELECT id, product_id FROM catalog.product_variant WHERE sku = $1 FOR UPDATE`,
      [plan.sku],
    );
    let variantId = variants[0]?.id;
    if (variants[0] && variants[0].product_id !== product.id)
      throw new RowRefused(
        CatalogErrorCode.SKU_TAKEN,
        `${plan.sku} is a variant of another product`,
        'sku',
      );
    if (variantId) {
      await tx.query(
        `UPDATE catalog.product_variant SET title = coalesce($2::text, title),
           options = coalesce($3::jsonb, options), weight_grams = coalesce($4::int, weight_grams),
           archived_at = NULL WHERE id = $1`,
        [
          variantId,
          plan.variantTitle ?? null,
          plan.options ? JSON.stringify(plan.options) : null,
          plan.weightGrams ?? null,
        ],
      );
    } else {
      const [row] = await tx.query(
        `INSERT INTO catalog.product_variant (product_id, sku, title, options, weight_grams, position)
         SELECT $1, $2, $3, $4::jsonb, $5::int, count(*) FROM catalog.product_variant
          WHERE product_id = $1
         RETURNING id`,
        [
          product.id,
          plan.sku,
          plan.variantTitle ?? plan.sku,
          JSON.stringify(plan.options ?? []),
          plan.weightGrams ?? null,
        ],
      );
      variantId = row.id as string;
    }
    await writeValues(tx, product.id, variantId, plan.attributes);
    await recordProductChanged(tx, product.id);
    return { productId: product.id, productCreated: product.created, variantCreated: !variants[0] };
  }

  /** The row's product by slug, created with the row's fields or updated with those given. */
  private async upsertProduct(
    tx: EntityManager,
    plan: RowPlan,
    brandId: string | undefined,
    categoryId: string | undefined,
  ): Promise<{ id: string; created: boolean }> {
    const values = [
      plan.productSlug,
      plan.productName ?? null,
      plan.description ?? null,
      plan.status ?? null,
      brandId ?? null,
      categoryId ?? null,
      plan.minimumAge ?? null,
      plan.deniedCountries ?? null,
    ];
    // (Wrapped in a SELECT: TypeORM answers a bare UPDATE with [rows, count].)
    const updated: { id: string }[] = await tx.query(
      `WITH u AS (UPDATE catalog.product SET name = coalesce($2::text, name),
         description = coalesce($3::text, description), status = coalesce($4::text, status),
         brand_id = coalesce($5::uuid, brand_id), category_id = coalesce($6::uuid, category_id),
         minimum_age = coalesce($7::int, minimum_age),
         denied_countries = coalesce($8::text[], denied_countries), updated_at = now()
       WHERE slug = $1 RETURNING id) SELECT id FROM u`,
      values,
    );
    if (updated[0]) return { id: updated[0].id, created: false };
    if (!plan.productName)
      throw new RowRefused(
        CatalogErrorCode.REQUIRED,
        'A new product needs a product_name',
        'product_name',
      );
    // A concurrent import may create the same slug: the unique index decides, and this row retries as an update.
    const inserted: { id: string }[] = await tx.query(
      `INSERT INTO catalog.product (slug, name, description, status, brand_id, category_id,
         minimum_age, denied_countries)
       VALUES ($1, $2, coalesce($3::text, ''), coalesce($4::text, 'ACTIVE'), $5::uuid, $6::uuid,
         $7::int, coalesce($8::text[], '{}'))
       ON CONFLICT (slug) DO NOTHING RETURNING id`,
      values,
    );
    if (inserted[0]) return { id: inserted[0].id, created: true };
    return this.upsertProduct(tx, plan, brandId, categoryId);
  }
}
