import { parse } from 'csv-parse/sync';
import { DomainError } from '../../../../platform/errors';
import type { AttributeRow, ProductStatus, VariantOptionValue } from '../../entities';
import { CatalogErrorCode } from '../../errors';
import { checkMeasures } from '../../measures';
import { canonicalValues } from '../attribute-values';
import { checkDescription, checkOptions, checkSku, checkSlug, requireText } from '../product-rules';
import { checkCountries, checkMinimumAge } from '../visibility';

export const MAX_IMPORT_ROWS = 5_000;
export const MAX_IMPORT_BYTES = 5_000_000;

const COLUMNS = [
  'sku',
  'product_slug',
  'product_name',
  'variant_title',
  'description',
  'status',
  'brand',
  'category',
  'options',
  'weight_grams',
  'minimum_age',
  'denied_countries',
] as const;
const STATUSES: ProductStatus[] = ['DRAFT', 'ACTIVE', 'ARCHIVED'];

/** One row as it will be applied; an empty cell (undefined here) keeps what is there. */
export interface RowPlan {
  line: number;
  sku: string;
  productSlug: string;
  productName?: string;
  variantTitle?: string;
  description?: string;
  status?: ProductStatus;
  brandSlug?: string;
  categorySlug?: string;
  options?: VariantOptionValue[];
  weightGrams?: number;
  minimumAge?: number;
  deniedCountries?: string[];
  attributes: { attribute: AttributeRow; values: string[] }[];
}

export interface RowError {
  row: number;
  column: string | null;
  code: string;
  message: string;
}

export interface ParsedImport {
  rows: number;
  plans: RowPlan[];
  errors: RowError[];
}

/** A whole-file problem: nothing is imported. */
function fileError(message: string): DomainError {
  return new DomainError(CatalogErrorCode.IMPORT_INVALID, message, ['csv']);
}

/** The header: known columns and attr:<code> of existing attributes, each once, sku and product_slug present. */
function readHeader(header: string[], attributes: Map<string, AttributeRow>): void {
  const seen = new Set<string>();
  header.forEach((column) => {
    const known =
      (COLUMNS as readonly string[]).includes(column) ||
      (column.startsWith('attr:') && attributes.has(column.slice(5)));
    if (!known)
      throw new DomainError(
        CatalogErrorCode.IMPORT_COLUMN_INVALID,
        `Unknown column ${column.slice(0, 60)}: one of ${COLUMNS.join(', ')} or attr:<code> of an attribute`,
        ['csv'],
      );
    if (seen.has(column)) throw fileError(`Column ${column} appears twice`);
    seen.add(column);
  });
  for (const required of ['sku', 'product_slug'])
    if (!seen.has(required)) throw fileError(`The header needs a ${required} column`);
}

/** Attribute codes the header names, so that their definitions can be loaded first. */
export function headerAttributeCodes(csv: string): string[] {
  const firstLine = csv.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  return firstLine
    .split(',')
    .map((cell) => cell.trim().replace(/^"|"$/g, ''))
    .filter((cell) => cell.startsWith('attr:'))
    .map((cell) => cell.slice(5));
}

/** A row's cells by column; one failing rule gives the row its one error, on that column. */
function planRow(
  line: number,
  cells: Map<string, string>,
  attributes: Map<string, AttributeRow>,
): RowPlan {
  let column: string | null = null;
  const cell = (name: string): string | undefined => {
    column = name;
    const value = cells.get(name)?.trim();
    return value === '' ? undefined : value;
  };
  try {
    const sku = checkSku(cell('sku') ?? '');
    const slug = cell('product_slug');
    if (!slug)
      throw new DomainError(CatalogErrorCode.REQUIRED, 'product_slug is needed', ['product_slug']);
    const plan: RowPlan = { line, sku, productSlug: checkSlug(slug), attributes: [] };
    const name = cell('product_name');
    if (name !== undefined) plan.productName = requireText(name, 'name');
    const title = cell('variant_title');
    if (title !== undefined) plan.variantTitle = requireText(title, 'title');
    const description = cell('description');
    if (description !== undefined) plan.description = checkDescription(description);
    const status = cell('status');
    if (status !== undefined) {
      if (!STATUSES.includes(status.toUpperCase() as ProductStatus))
        throw new DomainError(
          CatalogErrorCode.IMPORT_COLUMN_INVALID,
          'status is DRAFT, ACTIVE or ARCHIVED',
        );
      plan.status = status.toUpperCase() as ProductStatus;
    }
    plan.brandSlug = cell('brand');
    plan.categorySlug = cell('category');
    const options = cell('options');
    if (options !== undefined) plan.options = checkOptions(parseOptions(options));
    const weight = cell('weight_grams');
    if (weight !== undefined) {
      const grams = /^\d+$/.test(weight) ? Number(weight) : -1;
      plan.weightGrams = checkMeasures({ weightGrams: grams }).weightGrams!;
    }
    const age = cell('minimum_age');
    if (age !== undefined) plan.minimumAge = checkMinimumAge(/^\d+$/.test(age) ? Number(age) : -1)!;
    const countries = cell('denied_countries');
    if (countries !== undefined) plan.deniedCountries = checkCountries(countries.split(';'));
    for (const [code, attribute] of attributes) {
      const raw = cell(`attr:${code}`);
      if (raw === undefined) continue;
      plan.attributes.push({
        attribute,
        values: canonicalValues(attribute, raw.split(';'), [`attr:${code}`]),
      });
    }
    return plan;
  } catch (error) {
    if (error instanceof DomainError) throw Object.assign(error, { column });
    throw error;
  }
}

function parseOptions(text: string): VariantOptionValue[] {
  return text.split(';').map((pair) => {
    const at = pair.indexOf('=');
    if (at <= 0)
      throw new DomainError(
        CatalogErrorCode.INVALID_TEXT,
        'options are Name=Value pairs joined by ;',
      );
    return { name: pair.slice(0, at).trim(), value: pair.slice(at + 1).trim() };
  });
}

/**
 * Reads CSV text into row plans and row errors. A file that cannot be read (not CSV, no
 * header, too big, an unknown column) throws: nothing of it is imported. A row breaking
 * any rule is reported with its line (the header is line 1), column and code, and left out.
 */
export function parseImport(csv: string, attributes: Map<string, AttributeRow>): ParsedImport {
  if (Buffer.byteLength(csv) > MAX_IMPORT_BYTES)
    throw fileError(`An import is at most ${MAX_IMPORT_BYTES / 1_000_000} MB`);
  let records: { record: string[]; info: { lines: number } }[];
  try {
    // (csv-parse's types do not follow `info: true`: each record comes with where it ends.)
    records = parse(csv, {
      info: true,
      bom: true,
      skip_empty_lines: true,
    }) as unknown as typeof records;
  } catch (error) {
    throw fileError(`Not CSV: ${(error as Error).message.slice(0, 200)}`);
  }
  const [header, ...rows] = records;
  if (!header) throw fileError('The file is empty');
  if (rows.length > MAX_IMPORT_ROWS) throw fileError(`At most ${MAX_IMPORT_ROWS} rows`);
  const columns = header.record.map((c) => c.trim());
  readHeader(columns, attributes);
  const plans: RowPlan[] = [];
  const errors: RowError[] = [];
  const skus = new Set<string>();
  for (const { record, info } of rows) {
    // The line a row starts on: where it ends, less the line breaks inside its cells.
    const line = info.lines - record.reduce((n, value) => n + value.split('\n').length - 1, 0);
    const cells = new Map(columns.map((name, index) => [name, record[index] ?? '']));
    try {
      const plan = planRow(line, cells, attributes);
      if (skus.has(plan.sku.toUpperCase()))
        throw Object.assign(
          new DomainError(CatalogErrorCode.SKU_TAKEN, `${plan.sku} is on an earlier row`),
          { column: 'sku' },
        );
      skus.add(plan.sku.toUpperCase());
      plans.push(plan);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      const column = (error as DomainError & { column?: string | null }).column ?? null;
      errors.push({ row: line, column, code: error.code, message: error.message });
    }
  }
  return { rows: rows.length, plans, errors };
}
