import type { Metadata } from 'next';
import Link from 'next/link';
import { CommerceError, SearchDocument, type SearchQuery, type SearchSort } from '../../../../sdk';
import { ProductGrid } from '../../components/ProductGrid';
import { shop } from '../../lib/shop';
import styles from './search.module.css';

type Params = Record<string, string | string[] | undefined>;

const FACETS = ['category', 'brand', 'price', 'inStock'];
const FACET_TITLES: Record<string, string> = {
  category: 'Category',
  brand: 'Brand',
  price: 'Price',
  inStock: 'Availability',
};
const SORTS: [SearchSort, string][] = [
  ['RELEVANCE', 'Best match'],
  ['PRICE_ASC', 'Price, low to high'],
  ['PRICE_DESC', 'Price, high to low'],
  ['NEWEST', 'Newest'],
  ['RATING', 'Best rated'],
];

const list = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

export async function generateMetadata({
  searchParams,
}: {
  searchParams: Promise<Params>;
}): Promise<Metadata> {
  const q = list((await searchParams).q)[0];
  return { title: q ? `Search: ${q}` : 'Search', robots: { index: false } };
}

function filtersOf(params: Params) {
  const price = list(params.price)[0]?.split('-').map(Number);
  return {
    categoryIds: list(params.category),
    brandIds: list(params.brand),
    inStock: list(params.inStock)[0] === 'true' ? true : null,
    price:
      price && price.length === 2 && price.every(Number.isFinite)
        ? { min: price[0], max: price[1] }
        : null,
  };
}

type Facet = SearchQuery['search']['facets'][number];

function facetValueKey(facet: Facet, value: Facet['values'][number]): string {
  if (facet.name === 'price' && value.range)
    return `${value.range.min ?? 0}-${value.range.max ?? ''}`;
  return value.value;
}

export default async function SearchPage({ searchParams }: { searchParams: Promise<Params> }) {
  const params = await searchParams;
  const q = (list(params.q)[0] ?? '').trim();
  const sortParam = list(params.sort)[0];
  const sort = SORTS.find(([value]) => value === sortParam)?.[0] ?? ('RELEVANCE' as SearchSort);
  let result: SearchQuery['search'] | null = null;
  let problem: string | null = null;
  try {
    ({ search: result } = await (
      await shop()
    ).request(SearchDocument, {
      query: q || null,
      filters: filtersOf(params),
      sort,
      facets: FACETS,
      first: 24,
      locale: 'en',
    }));
  } catch (error) {
    if (!(error instanceof CommerceError)) throw error;
    problem =
      error.code === 'BAD_USER_INPUT'
        ? `Please change your search: ${error.message}`
        : 'Search is not available right now.';
  }
  const chosen = (name: string) => list(params[name === 'inStock' ? 'inStock' : name]);
  return (
    <>
      <h1>{q ? `Results for “${q}”` : 'Search'}</h1>
      {problem && <p className="notice notice-error">{problem}</p>}
      {result && (
        <div className={styles.layout}>
          <form className={styles.facets} action="/search" aria-label="Filters">
            <input type="hidden" name="q" value={q} />
            <div>
              <label htmlFor="sort">Sort by</label>
              <select id="sort" name="sort" defaultValue={sort}>
                {SORTS.map(([value, label]) => (
                  <option key={value} value={value}>
                    {label}
                  </option>
                ))}
              </select>
            </div>
            {result.facets
              .filter((facet) => facet.values.length > 0)
              .map((facet) => (
                <fieldset key={facet.name}>
                  <legend>{FACET_TITLES[facet.name] ?? facet.name}</legend>
                  {facet.values.map((value) => {
                    const key = facetValueKey(facet, value);
                    return (
                      <label key={key}>
                        <input
                          type={
                            facet.name === 'price' || facet.name === 'inStock'
                              ? 'radio'
                              : 'checkbox'
                          }
                          name={facet.name}
                          value={key}
                          defaultChecked={chosen(facet.name).includes(key)}
                        />
                        {value.label} <span className={styles.count}>({value.count})</span>
                      </label>
                    );
                  })}
                </fieldset>
              ))}
            <button className="button" type="submit">
              Apply filters
            </button>
            <Link href={q ? `/search?q=${encodeURIComponent(q)}` : '/search'}>Clear filters</Link>
          </form>
          <section aria-label="Results">
            <p className="muted" data-testid="search-count">
              {result.totalCount} {result.totalCount === 1 ? 'result' : 'results'}
            </p>
            {result.corrections.length > 0 && (
              <p className={styles.correction}>
                Did you mean{' '}
                {result.corrections
                  .flatMap((c) => c.suggestions.slice(0, 1))
                  .map((s) => (
                    <Link key={s} href={`/search?q=${encodeURIComponent(s)}`}>
                      {s}
                    </Link>
                  ))}
                ?
              </p>
            )}
            <ProductGrid products={result.edges.map((edge) => edge.node.product)} />
          </section>
        </div>
      )}
    </>
  );
}
