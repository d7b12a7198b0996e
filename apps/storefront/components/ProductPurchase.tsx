'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useState, useTransition } from 'react';
import {
  createCommerceClient,
  StockAvailabilityChangedDocument,
  type VariantDetailsFragment,
} from '../../../sdk';
import { addToCart, type AddToCartResult } from '../app/cart/actions';
import { formatMoney } from '../lib/money';
import styles from './ProductPurchase.module.css';

type Variant = Pick<VariantDetailsFragment, 'id' | 'sku' | 'title' | 'price' | 'availableQuantity'>;

/**
 * The live part of the product page: variant choice, price, stock as it changes
 * (`stockAvailabilityChanged`: sellable units over all warehouses, public) and the
 * add-to-cart button. Everything it
 * starts from was rendered on the server; the subscription only brings changes.
 */
export function ProductPurchase({
  variants,
  routerUrl,
}: {
  variants: readonly Variant[];
  routerUrl: string;
}) {
  const router = useRouter();
  const [selectedId, setSelectedId] = useState(
    () => (variants.find((v) => (v.availableQuantity ?? 0) > 0) ?? variants[0])?.id,
  );
  const [quantity, setQuantity] = useState(1);
  const [live, setLive] = useState<Record<string, number>>({});
  const [result, setResult] = useState<AddToCartResult | null>(null);
  const [pending, startTransition] = useTransition();
  const selected = variants.find((v) => v.id === selectedId);
  const sku = selected?.sku;

  useEffect(() => {
    if (!sku) return;
    const client = createCommerceClient({ url: routerUrl });
    const events = client.subscribe(StockAvailabilityChangedDocument, { sku });
    let open = true;
    void (async () => {
      try {
        for await (const { stockAvailabilityChanged: stock } of events) {
          if (!open) break;
          setLive((now) => ({ ...now, [stock.sku]: stock.availableQuantity }));
        }
      } catch {
        // Live stock is a bonus (the router or inventory may be away): the server's figure
        // stays on the page.
      }
    })();
    return () => {
      open = false;
      void events.return?.();
      void client.close();
    };
  }, [routerUrl, sku]);

  if (!selected) return <p>This product cannot be bought right now.</p>;
  const liveAvailable = live[selected.sku];
  const available = liveAvailable ?? selected.availableQuantity ?? 0;

  function add() {
    if (!selected) return;
    startTransition(async () => {
      setResult(await addToCart(selected.id, quantity));
      router.refresh();
    });
  }

  return (
    <div className={styles.purchase}>
      {variants.length > 1 && (
        <fieldset className={styles.variants}>
          <legend>Choose a variant</legend>
          {variants.map((variant) => (
            <label key={variant.id} className={styles.variant}>
              <input
                type="radio"
                name="variant"
                value={variant.id}
                checked={variant.id === selectedId}
                onChange={() => setSelectedId(variant.id)}
              />
              <span>{variant.title}</span>
              <span>{formatMoney(variant.price)}</span>
            </label>
          ))}
        </fieldset>
      )}
      <div className={styles.price} data-testid="price">
        {formatMoney(selected.price)}
      </div>
      <p
        className={`${styles.stock} ${available === 0 ? styles.out : available < 5 ? styles.low : ''}`}
        aria-live="polite"
        data-testid="stock"
        data-sku={selected.sku}
      >
        {available === 0 ? 'Out of stock' : `${available} in stock`}
        {liveAvailable !== undefined && <span className={styles.live}> · live</span>}
      </p>
      <div className={styles.row}>
        <div>
          <label htmlFor="quantity">Quantity</label>
          <input
            id="quantity"
            className={styles.quantity}
            type="number"
            min={1}
            max={Math.max(1, available)}
            value={quantity}
            onChange={(event) => setQuantity(Math.max(1, Number(event.target.value) || 1))}
          />
        </div>
        <button
          className="button"
          type="button"
          onClick={add}
          disabled={pending || available === 0 || !selected.price}
        >
          {pending ? 'Adding…' : 'Add to cart'}
        </button>
      </div>
      <div aria-live="polite">
        {result && (
          <p className={`notice ${result.ok ? 'notice-success' : 'notice-error'}`} role="status">
            {result.message} {result.ok && <Link href="/cart">View cart</Link>}
          </p>
        )}
      </div>
    </div>
  );
}
