'use client';

import { useActionState } from 'react';
import { updateCodes, type CodesState } from '../app/cart/actions';

/** The cart's discount codes: add one, remove one; a code that does not apply says why. */
export function DiscountCodes({ codes }: { codes: readonly string[] }) {
  const [state, action, pending] = useActionState<CodesState, FormData>(updateCodes, {
    error: null,
  });
  return (
    <div>
      <form action={action}>
        <label htmlFor="discount-code">Discount code</label>
        <div style={{ display: 'flex', gap: '0.5rem' }}>
          <input
            id="discount-code"
            name="code"
            autoComplete="off"
            aria-describedby={state.error ? 'discount-error' : undefined}
            aria-invalid={state.error ? true : undefined}
          />
          <button className="button button-secondary" type="submit" disabled={pending}>
            Apply
          </button>
        </div>
        <p id="discount-error" className="error" role="alert">
          {state.error}
        </p>
      </form>
      {codes.length > 0 && (
        <ul aria-label="Applied codes">
          {codes.map((code) => (
            <li key={code}>
              <form action={action} style={{ display: 'inline' }}>
                <input type="hidden" name="remove" value={code} />
                <strong>{code}</strong>{' '}
                <button className="button button-secondary" type="submit" disabled={pending}>
                  Remove<span className="visually-hidden"> {code}</span>
                </button>
              </form>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
