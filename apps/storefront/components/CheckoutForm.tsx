'use client';

import { useActionState } from 'react';
import { placeOrder, type CheckoutState } from '../app/checkout/actions';
import { SANDBOX_CARDS } from '../lib/cards';
import { COUNTRIES } from '../lib/countries';
import { NO_ERRORS } from '../lib/errors';
import { formatMoney, type Money } from '../lib/money';
import { Field } from './Field';

export interface ShippingChoice {
  id: string;
  label: string;
}

/**
 * Address, delivery and card; server-side errors come back to the field they are about
 * (userErrors' field paths), the rest above the button.
 */
export function CheckoutForm({
  nonce,
  initial,
  total,
  shippingOptions,
  defaultShippingId,
}: {
  nonce: string;
  initial: Record<string, string>;
  total: Money;
  shippingOptions: ShippingChoice[];
  /** The method the cart's cost was priced with (the cheapest standard one). */
  defaultShippingId: string | null;
}) {
  const [state, action, pending] = useActionState<CheckoutState, FormData>(placeOrder, {
    values: initial,
    errors: NO_ERRORS,
  });
  const v = state.values;
  const fieldError = (path: string) => state.errors.fields[path];
  return (
    // Keyed by the last answer so the fields start from what was sent (React resets a form
    // after its action).
    <form key={JSON.stringify(state)} action={action} noValidate aria-label="Checkout">
      <input type="hidden" name="nonce" value={nonce} />
      <input type="hidden" name="expectedAmount" value={total.amount} />
      <input type="hidden" name="expectedCurrency" value={total.currency} />
      <input type="hidden" name="pricedCountry" value={initial.country} />
      <h2>Contact</h2>
      <Field
        name="email"
        label="Email"
        type="email"
        autoComplete="email"
        required
        defaultValue={v.email}
        error={fieldError('email')}
      />
      <h2>Shipping address</h2>
      <div style={{ display: 'grid', gap: '0.75rem' }}>
        <Field
          name="name"
          label="Full name"
          autoComplete="name"
          required
          defaultValue={v.name}
          error={fieldError('shippingAddress.name')}
        />
        <Field
          name="line1"
          label="Street and number"
          autoComplete="address-line1"
          required
          defaultValue={v.line1}
          error={fieldError('shippingAddress.line1')}
        />
        <Field
          name="line2"
          label="Apartment, suite"
          autoComplete="address-line2"
          defaultValue={v.line2}
          error={fieldError('shippingAddress.line2')}
        />
        <Field
          name="postalCode"
          label="Postal code"
          autoComplete="postal-code"
          required
          defaultValue={v.postalCode}
          error={fieldError('shippingAddress.postalCode')}
        />
        <Field
          name="city"
          label="City"
          autoComplete="address-level2"
          required
          defaultValue={v.city}
          error={fieldError('shippingAddress.city')}
        />
        <Field
          name="region"
          label="Region or state"
          autoComplete="address-level1"
          defaultValue={v.region}
          error={fieldError('shippingAddress.region')}
        />
        <div style={{ display: 'grid', gap: '0.25rem' }}>
          <label htmlFor="field-country">Country</label>
          <select
            id="field-country"
            name="country"
            defaultValue={v.country || 'DE'}
            autoComplete="country"
            aria-invalid={fieldError('shippingAddress.country') ? true : undefined}
            aria-describedby={
              fieldError('shippingAddress.country') ? 'field-country-error' : undefined
            }
          >
            {COUNTRIES.map((c) => (
              <option key={c.code} value={c.code}>
                {c.name}
              </option>
            ))}
          </select>
          {fieldError('shippingAddress.country') && (
            <span id="field-country-error" className="error">
              {fieldError('shippingAddress.country')}
            </span>
          )}
        </div>
      </div>
      {shippingOptions.length > 0 && (
        <fieldset
          style={{ border: 0, padding: 0, margin: '1rem 0 0' }}
          aria-describedby={fieldError('shippingMethodId') ? 'shipping-error' : undefined}
        >
          <legend>
            <h2 style={{ margin: 0 }}>Delivery</h2>
          </legend>
          {shippingOptions.map((option) => (
            <label
              key={option.id}
              style={{ display: 'flex', gap: '0.5rem', minHeight: '2.25rem', alignItems: 'center' }}
            >
              <input
                type="radio"
                name="shippingMethodId"
                value={option.id}
                defaultChecked={
                  (v.shippingMethodId || defaultShippingId || shippingOptions[0]?.id) === option.id
                }
              />
              {option.label}
            </label>
          ))}
          {fieldError('shippingMethodId') && (
            <span id="shipping-error" className="error">
              {fieldError('shippingMethodId')}
            </span>
          )}
        </fieldset>
      )}
      <fieldset
        style={{ border: 0, padding: 0, margin: '1rem 0 0' }}
        aria-describedby={fieldError('payment') ? 'payment-error' : undefined}
      >
        <legend>
          <h2 style={{ margin: 0 }}>Payment (sandbox cards)</h2>
        </legend>
        {SANDBOX_CARDS.map((card) => (
          <label
            key={card.token}
            style={{ display: 'flex', gap: '0.5rem', minHeight: '2.25rem', alignItems: 'center' }}
          >
            <input
              type="radio"
              name="card"
              value={card.token}
              defaultChecked={(v.card || 'tok_visa') === card.token}
            />
            {card.label}
          </label>
        ))}
        {fieldError('payment') && (
          <p id="payment-error" className="error" role="alert" data-testid="error-payment">
            {fieldError('payment')}
          </p>
        )}
      </fieldset>
      <div aria-live="assertive">
        {state.errors.form.map((message) => (
          <p key={message} className="notice notice-error" data-testid="checkout-error">
            {message}
          </p>
        ))}
        {state.paymentActionUrl && (
          <p className="notice">
            <a href={state.paymentActionUrl} target="_blank" rel="noreferrer">
              Confirm the payment with your bank
            </a>
            , then place the order again.
          </p>
        )}
      </div>
      <p>
        <button className="button" type="submit" disabled={pending}>
          {pending ? 'Placing your order…' : `Place order · ${formatMoney(total)}`}
        </button>
      </p>
    </form>
  );
}
