import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { ProductPurchase } from '../../../components/ProductPurchase';
import { storefrontConfig } from '../../../lib/config';
import { productBySlug, productJsonLd } from '../../../lib/product';
import styles from './product.module.css';

interface Props {
  params: Promise<{ slug: string }>;
}

function summary(text: string | null | undefined, name: string): string {
  const plain = (text ?? '').replace(/\s+/g, ' ').trim();
  if (!plain) return `Buy ${name} at Commerce Shop.`;
  return plain.length > 160 ? `${plain.slice(0, 157)}…` : plain;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const product = await productBySlug((await params).slug);
  if (!product) return { title: 'Product not found', robots: { index: false } };
  const name = product.localizedName ?? product.name;
  const description = summary(product.localizedDescription ?? product.description, name);
  const url = `/products/${product.slug}`;
  const images = product.media
    .filter((m) => m.kind === 'IMAGE')
    .map((m) => ({
      url: m.url,
      alt: m.alt ?? name,
      width: m.width ?? undefined,
      height: m.height ?? undefined,
    }));
  return {
    title: name,
    description,
    alternates: { canonical: url },
    openGraph: { title: name, description, url, type: 'website', images },
  };
}

export default async function ProductRoute({ params }: Props) {
  const product = await productBySlug((await params).slug);
  if (!product) notFound();
  const name = product.localizedName ?? product.name;
  const description = product.localizedDescription ?? product.description;
  const image = product.media.find((m) => m.kind === 'IMAGE');
  const jsonLd = JSON.stringify(productJsonLd(product)).replace(/</g, '\\u003c');
  return (
    <>
      <script type="application/ld+json" dangerouslySetInnerHTML={{ __html: jsonLd }} />
      <nav className={styles.breadcrumbs} aria-label="Breadcrumb">
        <ol>
          <li>
            <Link href="/">Home</Link>
          </li>
          {product.category?.parent && (
            <li>
              <Link href={`/category/${product.category.parent.slug}`}>
                {product.category.parent.name}
              </Link>
            </li>
          )}
          {product.category && (
            <li>
              <Link href={`/category/${product.category.slug}`}>{product.category.name}</Link>
            </li>
          )}
          <li aria-current="page">{name}</li>
        </ol>
      </nav>
      <div className={styles.layout}>
        <div className={styles.media}>
          {image ? (
            <img
              src={image.url}
              alt={image.alt ?? name}
              width={image.width ?? undefined}
              height={image.height ?? undefined}
            />
          ) : (
            <span className="muted">No picture yet</span>
          )}
        </div>
        <section aria-labelledby="product-name">
          {product.brand && <p className={styles.brand}>{product.brand.name}</p>}
          <h1 id="product-name">{name}</h1>
          {product.rating && product.rating.count > 0 && (
            <p>
              Rated {product.rating.average?.toFixed(1)} of 5 ({product.rating.count} reviews)
            </p>
          )}
          <ProductPurchase
            variants={product.variants}
            routerUrl={storefrontConfig().browserRouterUrl}
          />
          {description && (
            <>
              <h2>Description</h2>
              <p>{description}</p>
            </>
          )}
          {product.attributes.length > 0 && (
            <>
              <h2>Details</h2>
              <dl className={styles.attributes}>
                {product.attributes.map((a) => (
                  <div key={a.attribute.code} style={{ display: 'contents' }}>
                    <dt>{a.attribute.name}</dt>
                    <dd>
                      {a.values.join(', ')}
                      {a.attribute.unit ? ` ${a.attribute.unit}` : ''}
                    </dd>
                  </div>
                ))}
              </dl>
            </>
          )}
          {product.reviews && product.reviews.edges.length > 0 && (
            <>
              <h2>Reviews</h2>
              {product.reviews.edges.map(({ node }) => (
                <article key={node.id} className={styles.review}>
                  <h3>
                    {node.title} · {node.rating}/5
                  </h3>
                  <p>{node.body}</p>
                  <p className="muted">
                    {node.authorName}
                    {node.verifiedPurchase ? ' · verified purchase' : ''}
                  </p>
                </article>
              ))}
            </>
          )}
        </section>
      </div>
    </>
  );
}
