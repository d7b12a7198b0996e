import { DomainError } from '../../../platform/errors';
import { canonicalValues } from './attribute-values';
import { parseImport } from './import/csv-rows';
import { checkMedia } from './media-rules';
import { pickTranslation } from './translations';
import { ageOn, saleRestriction } from './visibility';
import type { AttributeRow } from '../entities';

/** Catalog's pure rules: no database, plain values in and out. */
const codeOf = (body: () => unknown): string | undefined => {
  try {
    body();
    return undefined;
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
};

describe('attribute values', () => {
  const rule = (type: AttributeRow['type'], choices: string[] = []) => ({
    code: 'x',
    type,
    choices,
  });

  it('writes each type in one canonical text', () => {
    expect(canonicalValues(rule('NUMBER'), [' 8.50 '], [])).toEqual(['8.5']);
    expect(canonicalValues(rule('BOOLEAN'), ['true'], [])).toEqual(['true']);
    expect(canonicalValues(rule('DATE'), ['2024-02-29'], [])).toEqual(['2024-02-29']);
    expect(canonicalValues(rule('MULTI_ENUM', ['a', 'b']), ['b', 'a', 'b'], [])).toEqual([
      'b',
      'a',
    ]);
  });

  it('refuses a value of the wrong type', () => {
    for (const [type, value, choices] of [
      ['NUMBER', '1e9'],
      ['NUMBER', 'twelve'],
      ['BOOLEAN', 'yes'],
      ['DATE', '2023-02-29'],
      ['ENUM', 'c', ['a', 'b']],
      ['TEXT', 'tab\there'],
    ] as [AttributeRow['type'], string, string[]?][]) {
      expect([
        type,
        value,
        codeOf(() => canonicalValues(rule(type, choices), [value], [])),
      ]).toEqual([type, value, 'ATTRIBUTE_VALUE_INVALID']);
    }
    expect(codeOf(() => canonicalValues(rule('ENUM', ['a', 'b']), ['a', 'b'], []))).toBe(
      'ATTRIBUTE_VALUE_INVALID',
    );
  });
});

describe('visibility', () => {
  it('counts whole years, the birthday itself included', () => {
    expect(ageOn('2008-03-10', new Date('2026-03-09T12:00:00Z'))).toBe(17);
    expect(ageOn('2008-03-10', new Date('2026-03-10T00:00:00Z'))).toBe(18);
  });

  it('restricts by age (unknown counts as too young) and by country', () => {
    const wine = { minimumAge: 18, deniedCountries: ['US'] };
    expect(saleRestriction(wine, { country: 'DE', age: null })).toBe('AGE_RESTRICTED');
    expect(saleRestriction(wine, { country: 'DE', age: 17 })).toBe('AGE_RESTRICTED');
    expect(saleRestriction(wine, { country: 'US', age: 30 })).toBe('COUNTRY_DENIED');
    expect(saleRestriction(wine, { country: null, age: 18 })).toBeNull();
  });
});

describe('media', () => {
  it('takes https images and video links, and refuses other types', () => {
    expect(checkMedia({ url: 'https://cdn.example/a.WEBP' }).kind).toBe('IMAGE');
    expect(checkMedia({ url: 'https://youtu.be/abc', kind: 'VIDEO' }).kind).toBe('VIDEO');
    expect(codeOf(() => checkMedia({ url: 'https://cdn.example/a.svg' }))).toBe(
      'MEDIA_TYPE_INVALID',
    );
    expect(codeOf(() => checkMedia({ url: 'http://cdn.example/a.png' }))).toBe('MEDIA_URL_INVALID');
    expect(codeOf(() => checkMedia({ url: 'https://cdn.example/a.png', width: 50_000 }))).toBe(
      'MEDIA_TOO_LARGE',
    );
  });
});

describe('translations', () => {
  it('falls back from a region to its language, never to another region', () => {
    const all = [{ locale: 'de' }, { locale: 'de-CH' }, { locale: 'fr-CA' }];
    expect(pickTranslation(all, 'de-CH')?.locale).toBe('de-CH');
    expect(pickTranslation(all, 'de-at')?.locale).toBe('de');
    expect(pickTranslation(all, 'fr')).toBeNull();
  });
});

describe('CSV rows', () => {
  it('reports a bad row by its first line, column and code, and plans the rest', () => {
    const csv =
      'sku,product_slug,description,weight_grams\nA-1,a,"two\nlines",100\nA-2,a,,-5\nA-1,a,,';
    const parsed = parseImport(csv, new Map());
    expect(parsed.plans.map((p) => [p.line, p.sku, p.description])).toEqual([
      [2, 'A-1', 'two\nlines'],
    ]);
    expect(parsed.errors).toEqual([
      expect.objectContaining({ row: 4, column: 'weight_grams', code: 'WEIGHT_INVALID' }),
      expect.objectContaining({ row: 5, column: 'sku', code: 'SKU_TAKEN' }),
    ]);
  });
});
