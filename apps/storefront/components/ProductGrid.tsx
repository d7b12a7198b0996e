import Link from 'next/link';
import type { ProductCardFragment } from '../../../sdk';
import { formatMoney } from '../lib/money';
import styles from './ProductGrid.module.css';

export function priceLabel(product: ProductCardFragment): string {
  const { min, max } = product.priceRange ?? {};
  if (!min) return 'Price on request';
  if (max && max.amount !== min.amount) return `from ${formatMoney(min)}`;
  return formatMoney(min);
}

export function ProductGrid({ products }: { products: readonly ProductCardFragment[] }) {
  if (products.length === 0) return <p className="muted">No products here yet.</p>;
  return (
    <ul className={styles.grid} data-testid="product-grid">
      {products.map((product) => (
        <li key={product.id}>
          <article className={styles.card}>
            {product.brand && <span className={styles.brand}>{product.brand.name}</span>}
            <Link href={`/products/${product.slug}`}>{product.name}</Link>
            <span className={styles.price}>{priceLabel(product)}</span>
            <span className={`${styles.stock} ${product.availability?.inStock ? '' : styles.out}`}>
              {product.availability?.inStock
                ? product.availability.lowStock
                  ? 'Only a few left'
                  : 'In stock'
                : 'Out of stock'}
            </span>
          </article>
        </li>
      ))}
    </ul>
  );
}
