import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { Listing } from '../../../components/Listing';
import { categories, flattenCategories } from '../../../lib/catalog';

interface Props {
  params: Promise<{ slug: string }>;
  searchParams: Promise<{ after?: string }>;
}

async function categoryOf(slug: string) {
  return flattenCategories(await categories()).find((category) => category.slug === slug);
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const category = await categoryOf((await params).slug);
  if (!category) return { title: 'Category not found' };
  const url = `/category/${category.slug}`;
  return {
    title: category.name,
    description: `Shop ${category.name}.`,
    alternates: { canonical: url },
    openGraph: { title: category.name, type: 'website', url },
  };
}

export default async function CategoryPage({ params, searchParams }: Props) {
  const [category, { after }] = await Promise.all([categoryOf((await params).slug), searchParams]);
  if (!category) notFound();
  return (
    <>
      <h1>{category.name}</h1>
      <Listing categoryId={category.id} after={after} basePath={`/category/${category.slug}`} />
    </>
  );
}
