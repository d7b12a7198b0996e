import type { Metadata } from 'next';
import { Listing } from '../components/Listing';

export const metadata: Metadata = {
  title: 'All products',
  description: 'Browse every product of the shop.',
  alternates: { canonical: '/' },
  openGraph: { title: 'Commerce Shop', type: 'website', url: '/' },
};

export default async function Home({
  searchParams,
}: {
  searchParams: Promise<{ after?: string }>;
}) {
  const { after } = await searchParams;
  return (
    <>
      <h1>All products</h1>
      <Listing after={after} basePath="/" />
    </>
  );
}
