'use client';

import Link from 'next/link';
import { useActionState } from 'react';
import { addAddress, login, register, verifyEmail, type FormState } from '../app/account/actions';
import { COUNTRIES } from '../lib/countries';
import { NO_ERRORS } from '../lib/errors';
import { Field } from './Field';

const EMPTY: FormState = { values: {}, errors: NO_ERRORS };
// Forms are keyed by their last answer: React resets a form after its action, and a new
// form starts from the values just sent (as defaults) instead of blank fields.

function FormMessages({ state }: { state: FormState }) {
  return (
    <div aria-live="assertive">
      {state.errors.form.map((message) => (
        <p key={message} className="notice notice-error" data-testid="form-error">
          {message}
        </p>
      ))}
    </div>
  );
}

const stack = { display: 'grid', gap: '0.75rem', maxWidth: '28rem' } as const;

export function RegisterForm() {
  const [state, action, pending] = useActionState(register, EMPTY);
  if (state.done)
    return (
      <p className="notice notice-success" role="status" data-testid="registered">
        Thanks! We sent a link to {state.values.email}: open it to confirm your email, then sign in.
      </p>
    );
  const e = state.errors.fields;
  return (
    <form key={JSON.stringify(state)} action={action} style={stack} noValidate>
      <Field
        name="firstName"
        label="First name"
        autoComplete="given-name"
        required
        defaultValue={state.values.firstName}
        error={e.firstName}
      />
      <Field
        name="lastName"
        label="Last name"
        autoComplete="family-name"
        required
        defaultValue={state.values.lastName}
        error={e.lastName}
      />
      <Field
        name="email"
        label="Email"
        type="email"
        autoComplete="email"
        required
        defaultValue={state.values.email}
        error={e.email}
      />
      <Field
        name="password"
        label="Password (at least 10 characters)"
        type="password"
        autoComplete="new-password"
        required
        error={e.password}
      />
      <FormMessages state={state} />
      <button className="button" type="submit" disabled={pending}>
        Create account
      </button>
    </form>
  );
}

export function VerifyEmailForm({ token }: { token: string }) {
  const [state, action, pending] = useActionState(verifyEmail, EMPTY);
  if (state.done)
    return (
      <p className="notice notice-success" role="status" data-testid="verified">
        Your email is confirmed. <Link href="/account/login">Sign in</Link>
      </p>
    );
  return (
    <form action={action} style={stack}>
      <input type="hidden" name="token" value={token} />
      <FormMessages state={state} />
      <button className="button" type="submit" disabled={pending}>
        Confirm my email
      </button>
    </form>
  );
}

export function LoginForm({ next }: { next?: string }) {
  const [state, action, pending] = useActionState(login, EMPTY);
  const e = state.errors.fields;
  return (
    <form key={JSON.stringify(state)} action={action} style={stack} noValidate>
      <input type="hidden" name="next" value={next ?? ''} />
      <Field
        name="email"
        label="Email"
        type="email"
        autoComplete="email"
        required
        defaultValue={state.values.email}
        error={e.email}
      />
      <Field
        name="password"
        label="Password"
        type="password"
        autoComplete="current-password"
        required
        error={e.password}
      />
      {state.mfaRequired && (
        <Field
          name="mfaCode"
          label="Code from your authenticator app"
          autoComplete="one-time-code"
          required
          error={e.mfaCode}
        />
      )}
      <FormMessages state={state} />
      <button className="button" type="submit" disabled={pending}>
        Sign in
      </button>
    </form>
  );
}

export function AddressForm() {
  const [state, action, pending] = useActionState(addAddress, EMPTY);
  const e = state.errors.fields;
  const v = state.values;
  return (
    <form
      key={JSON.stringify(state)}
      action={action}
      style={stack}
      noValidate
      aria-label="New address"
    >
      <Field
        name="name"
        label="Full name"
        autoComplete="name"
        required
        defaultValue={v.name}
        error={e.name}
      />
      <Field
        name="line1"
        label="Street and number"
        autoComplete="address-line1"
        required
        defaultValue={v.line1}
        error={e.line1}
      />
      <Field
        name="line2"
        label="Apartment, suite"
        autoComplete="address-line2"
        defaultValue={v.line2}
        error={e.line2}
      />
      <Field
        name="postalCode"
        label="Postal code"
        autoComplete="postal-code"
        required
        defaultValue={v.postalCode}
        error={e.postalCode}
      />
      <Field
        name="city"
        label="City"
        autoComplete="address-level2"
        required
        defaultValue={v.city}
        error={e.city}
      />
      <Field
        name="region"
        label="Region or state"
        autoComplete="address-level1"
        defaultValue={v.region}
        error={e.region}
      />
      <div style={{ display: 'grid', gap: '0.25rem' }}>
        <label htmlFor="address-country">Country</label>
        <select id="address-country" name="country" defaultValue={v.country || 'DE'}>
          {COUNTRIES.map((c) => (
            <option key={c.code} value={c.code}>
              {c.name}
            </option>
          ))}
        </select>
        {e.country && <span className="error">{e.country}</span>}
      </div>
      <FormMessages state={state} />
      {state.done && (
        <p className="notice notice-success" role="status">
          Address saved.
        </p>
      )}
      <button className="button" type="submit" disabled={pending}>
        Save address
      </button>
    </form>
  );
}
