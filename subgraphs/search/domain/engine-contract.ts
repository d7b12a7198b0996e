import { randomUUID } from 'node:crypto';
import {
  FACET_NAMES,
  type IndexDocument,
  type SearchEngine,
  type SearchRequest,
  type Shopper,
} from './engine';
import { queryTerms } from './request';

/**
 * What every SearchEngine must do, written against the interface only: run it with
 * `describeEngineContract('postgres', () => engine)` for each engine (pg-engine.contract.test.ts;
 * an OpenSearch engine would add its own file, run where OPENSEARCH_URL is set).
 */
/** A shopper of unknown country and age: what an anonymous caller is. */
const ANYONE: Shopper = { country: null, age: null };
const ids = { knit: randomUUID(), tops: randomUUID(), mugs: randomUUID(), acme: randomUUID() };

export function doc(overrides: Partial<IndexDocument> & { name: string }): IndexDocument {
  return {
    productId: randomUUID(),
    visible: true,
    description: '',
    locale: 'en',
    brand: { id: ids.acme, name: 'Acme' },
    categories: [
      { id: ids.tops, name: 'Tops', parentId: null },
      { id: ids.knit, name: 'Knitwear', parentId: ids.tops },
    ],
    options: [{ name: 'Size', value: 'M' }],
    skus: [`SKU-${Math.random().toString(36).slice(2, 8)}`],
    attributes: [],
    minimumAge: null,
    deniedCountries: [],
    prices: { EUR: { min: 4900, max: 5900 } },
    inStock: true,
    rating: null,
    createdAt: new Date('2026-01-01T00:00:00Z'),
    ...overrides,
  };
}

export function request(
  query: string | null,
  overrides: Partial<SearchRequest> = {},
): SearchRequest {
  return {
    terms: query === null ? [] : queryTerms(query),
    filters: {},
    sort: 'RELEVANCE',
    currency: 'EUR',
    locale: 'en',
    facets: [...FACET_NAMES],
    shopper: ANYONE,
    offset: 0,
    limit: 20,
    ...overrides,
  };
}

export function describeEngineContract(label: string, engineOf: () => SearchEngine): void {
  describe(`SearchEngine contract: ${label}`, () => {
    const sweater = doc({
      name: 'Merino Wool Sweater',
      description: 'A warm sweater knitted from soft merino wool.',
      rating: { average: 4.5, count: 10 },
      createdAt: new Date('2026-03-01T00:00:00Z'),
    });
    const scarf = doc({
      name: 'Café Scarf',
      description: 'Wool blend.',
      prices: { EUR: { min: 1500, max: 1500 } },
      options: [{ name: 'Size', value: 'L' }],
      inStock: false,
      rating: { average: 3.2, count: 4 },
    });
    const mug = doc({
      name: 'Enamel Mug',
      brand: { id: randomUUID(), name: 'Campware' },
      categories: [{ id: ids.mugs, name: 'Mugs', parentId: null }],
      prices: { EUR: { min: 900, max: 900 } },
      createdAt: new Date('2026-02-01T00:00:00Z'),
    });
    const draft = doc({ name: 'Secret Woolly Prototype', visible: false });
    let engine: SearchEngine;

    beforeAll(async () => {
      engine = engineOf();
      await engine.clear();
      await engine.index([sweater, scarf, mug, draft]);
    });

    const found = async (query: string | null, overrides: Partial<SearchRequest> = {}) =>
      (await engine.search(request(query, overrides))).hits.map((hit) => hit.productId);

    it('finds a word with one typo and by its prefix, accents ignored', async () => {
      expect(await found('wol')).toContain(sweater.productId);
      expect(await found('swea')).toEqual([sweater.productId]);
      expect(await found('cafe')).toEqual([scarf.productId]);
      const typo = await engine.search(request('sweatr'));
      expect(typo.hits.map((h) => h.productId)).toEqual([sweater.productId]);
      expect(typo.corrections).toEqual([
        { term: 'sweatr', suggestions: expect.arrayContaining(['sweater']) },
      ]);
    });

    it('stems in the language: plural finds singular', async () => {
      expect(await found('sweaters')).toEqual([sweater.productId]);
    });

    it('ranks a match in the name above one in the description, and highlights it', async () => {
      const page = await engine.search(request('wool'));
      expect(page.hits.map((h) => h.productId)).toEqual([sweater.productId, scarf.productId]);
      expect(page.hits[0]!.highlights).toContainEqual({
        field: 'name',
        snippet: 'Merino <mark>Wool</mark> Sweater',
      });
    });

    it('never shows a product that is not visible', async () => {
      expect(await found('secret')).toEqual([]);
      expect(await found(null)).not.toContain(draft.productId);
      expect(await engine.suggest(['secret'], 5, ANYONE)).toEqual([]);
    });

    it('counts facets over the other filters, and each count is what filtering by it gives', async () => {
      const page = await engine.search(request(null));
      expect(page.totalCount).toBe(3);
      for (const facet of page.facets) {
        for (const value of facet.values) {
          const filters =
            facet.name === 'category'
              ? { categoryIds: [value.value] }
              : facet.name === 'brand'
                ? { brandIds: [value.value] }
                : facet.name === 'inStock'
                  ? { inStock: value.value === 'true' }
                  : facet.name === 'rating'
                    ? { minRating: Number(value.value) }
                    : { price: value.range! };
          const filtered = await engine.search(request(null, { filters, facets: [] }));
          expect([facet.name, value.value, filtered.totalCount]).toEqual([
            facet.name,
            value.value,
            value.count,
          ]);
        }
      }
      const categories = page.facets.find((f) => f.name === 'category')!.values;
      expect(categories).toContainEqual(
        expect.objectContaining({ value: ids.tops, label: 'Tops', count: 2, parent: null }),
      );
      expect(categories).toContainEqual(
        expect.objectContaining({ value: ids.knit, label: 'Knitwear', count: 2, parent: ids.tops }),
      );
    });

    it('filters on price, stock, rating and options, and sorts', async () => {
      expect(await found(null, { filters: { price: { min: 1000, max: 2000 } } })).toEqual([
        scarf.productId,
      ]);
      expect(await found(null, { filters: { inStock: false } })).toEqual([scarf.productId]);
      expect(await found(null, { filters: { minRating: 4 } })).toEqual([sweater.productId]);
      expect(
        await found(null, { filters: { options: [{ name: 'Size', values: ['L'] }] } }),
      ).toEqual([scarf.productId]);
      expect(await found(null, { sort: 'PRICE_ASC' })).toEqual(
        [mug, scarf, sweater].map((d) => d.productId),
      );
      expect(await found(null, { sort: 'PRICE_DESC' })).toEqual(
        [sweater, scarf, mug].map((d) => d.productId),
      );
      expect((await found(null, { sort: 'NEWEST' }))[0]).toBe(sweater.productId);
      expect(await found(null, { sort: 'RATING' })).toEqual(
        [sweater, scarf, mug].map((d) => d.productId),
      );
      const options = await engine.search(request(null, { facets: ['option:Size'] }));
      expect(options.facets[0]!.values.map((v) => [v.value, v.count])).toEqual([
        ['M', 2],
        ['L', 1],
      ]);
    });

    it('pages without gaps or repeats', async () => {
      const first = await engine.search(request(null, { limit: 2, sort: 'PRICE_ASC' }));
      const second = await engine.search(request(null, { limit: 2, offset: 2, sort: 'PRICE_ASC' }));
      expect([...first.hits, ...second.hits].map((h) => h.productId)).toEqual(
        [mug, scarf, sweater].map((d) => d.productId),
      );
      expect(second.totalCount).toBe(3);
    });

    it('suggests names by prefix, near misses, brands and categories', async () => {
      expect((await engine.suggest(['meri'], 5, ANYONE))[0]).toMatchObject({
        kind: 'PRODUCT',
        text: 'Merino Wool Sweater',
      });
      expect(await engine.suggest(['enamle'], 5, ANYONE)).toContainEqual(
        expect.objectContaining({ text: 'Enamel Mug' }),
      );
      expect(await engine.suggest(['camp'], 5, ANYONE)).toContainEqual(
        expect.objectContaining({ kind: 'BRAND', text: 'Campware' }),
      );
      expect(await engine.suggest(['knit'], 5, ANYONE)).toContainEqual(
        expect.objectContaining({ kind: 'CATEGORY', text: 'Knitwear' }),
      );
    });

    it('applies visibility rules: a minimum age, countries denied', async () => {
      const wine = doc({ name: 'Riesling Wine', minimumAge: 18 });
      const knife = doc({ name: 'Riesling Pocket Knife', deniedCountries: ['GB'] });
      await engine.index([wine, knife]);
      const as = (country: string | null, age: number | null) => ({ shopper: { country, age } });
      expect(await found('riesling', as(null, null))).toEqual([knife.productId]);
      expect(await found('riesling', as('GB', 17))).toEqual([]);
      expect((await found('riesling', as('DE', 18))).sort()).toEqual(
        [wine.productId, knife.productId].sort(),
      );
      expect((await engine.suggest(['riesl'], 5, as('GB', 30).shopper)).map((s) => s.id)).toEqual([
        wine.productId,
      ]);
      await engine.remove([wine.productId, knife.productId]);
    });

    it('counts attribute facets and filters by them', async () => {
      const linen = doc({
        name: 'Linen Shirt',
        attributes: [{ code: 'material', values: ['linen'] }],
      });
      const silk = doc({
        name: 'Silk Shirt',
        attributes: [{ code: 'material', values: ['silk', 'linen'] }],
      });
      await engine.index([linen, silk]);
      const page = await engine.search(request('shirt', { facets: ['attr:material'] }));
      expect(page.facets[0]!.values.map((v) => [v.value, v.count])).toEqual([
        ['linen', 2],
        ['silk', 1],
      ]);
      const filtered = await found('shirt', {
        filters: { attributes: [{ code: 'material', values: ['silk'] }] },
      });
      expect(filtered).toEqual([silk.productId]);
      await engine.remove([linen.productId, silk.productId]);
    });

    it('indexes again on change and forgets removed products', async () => {
      await engine.index([{ ...mug, name: 'Enamel Camping Mug' }]);
      expect(await found('camping')).toEqual([mug.productId]);
      await engine.remove([mug.productId]);
      expect(await found('camping')).toEqual([]);
      await engine.index([mug]);
    });

    it('rebuilds beside the live index from a source, long multibyte descriptions included', async () => {
      const long = doc({
        name: 'Kimono 着物',
        // 20,000 characters: a 5,000-character "word", emoji (surrogate pairs), CJK, accents.
        description: `${'着'.repeat(5000)} 🧶🧵 ${'ürün çok güzel 羊毛 '.repeat(900)}`.slice(
          0,
          20_000,
        ),
      });
      const all = [sweater, scarf, mug, long];
      const result = await engine.rebuild({
        mark: async () => new Date(),
        async *all() {
          yield all.slice(0, 2);
          yield all.slice(2);
        },
        changedSince: async () => ({ documents: [], removed: [scarf.productId] }),
      });
      expect(result.documents).toBe(3);
      expect(await found('kimono')).toEqual([long.productId]);
      expect(await found('ürün')).toEqual([long.productId]);
      expect(await found('scarf')).toEqual([]);
    });
  });
}
