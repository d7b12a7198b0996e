'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import {
  LoginDocument,
  RegisterDocument,
  VerifyEmailDocument,
  WebAddressCreateDocument,
  WebAddressDeleteDocument,
} from '../../../../sdk';
import { formErrors, NO_ERRORS, type FormErrors } from '../../lib/errors';
import { rememberSignIn } from '../../lib/session';
import { anonymousShop, shop } from '../../lib/shop';

export interface FormState {
  values: Record<string, string>;
  errors: FormErrors;
  done?: boolean;
  mfaRequired?: boolean;
}

const valuesOf = (form: FormData, skip: string[] = []) =>
  Object.fromEntries(
    [...form.entries()]
      .filter(([key]) => !skip.includes(key) && !key.startsWith('$'))
      .map(([key, value]) => [key, String(value).trim()]),
  ) as Record<string, string>;

/** Only paths of this shop: a `next` of another origin would be an open redirect. */
const safeNext = (next: string | undefined) =>
  next && next.startsWith('/') && !next.startsWith('//') ? next : '/account';

export async function register(_: FormState, form: FormData): Promise<FormState> {
  const values = valuesOf(form, ['password']);
  const { register: payload } = await anonymousShop().request(RegisterDocument, {
    input: {
      email: values.email ?? '',
      password: String(form.get('password') ?? ''),
      firstName: values.firstName ?? '',
      lastName: values.lastName ?? '',
    },
  });
  const errors = formErrors(payload.userErrors, undefined, [
    'email',
    'password',
    'firstName',
    'lastName',
  ]);
  return { values, errors, done: payload.userErrors.length === 0 };
}

export async function verifyEmail(_: FormState, form: FormData): Promise<FormState> {
  const { verifyEmail: payload } = await anonymousShop().request(VerifyEmailDocument, {
    token: String(form.get('token') ?? ''),
  });
  return {
    values: {},
    errors: formErrors(payload.userErrors),
    done: Boolean(payload.customer?.emailVerified),
  };
}

export async function login(_: FormState, form: FormData): Promise<FormState> {
  const values = valuesOf(form, ['password', 'mfaCode']);
  const mfaCode = String(form.get('mfaCode') ?? '').trim();
  const { login: payload } = await anonymousShop().request(LoginDocument, {
    email: values.email ?? '',
    password: String(form.get('password') ?? ''),
    mfaCode: mfaCode || null,
  });
  if (payload.accessToken) {
    await rememberSignIn(payload.accessToken, payload.expiresIn ?? 900);
    revalidatePath('/', 'layout');
    redirect(safeNext(values.next));
  }
  if (payload.mfaRequired && payload.userErrors.length === 0)
    return { values, errors: NO_ERRORS, mfaRequired: true };
  return {
    values,
    errors: formErrors(payload.userErrors, undefined, ['email', 'password', 'mfaCode']),
    mfaRequired: payload.mfaRequired || Boolean(mfaCode),
  };
}

export async function logout(): Promise<void> {
  await rememberSignIn(null);
  revalidatePath('/', 'layout');
  redirect('/');
}

const ADDRESS_FIELDS = ['name', 'line1', 'line2', 'city', 'postalCode', 'region', 'country'];

export async function addAddress(_: FormState, form: FormData): Promise<FormState> {
  const values = valuesOf(form);
  const { addressCreate: payload } = await (
    await shop()
  ).request(WebAddressCreateDocument, {
    input: {
      name: values.name ?? '',
      line1: values.line1 ?? '',
      line2: values.line2 || null,
      city: values.city ?? '',
      postalCode: values.postalCode ?? '',
      region: values.region || null,
      country: values.country ?? '',
    },
  });
  if (payload.userErrors.length === 0) {
    revalidatePath('/account');
    return { values: {}, errors: NO_ERRORS, done: true };
  }
  return { values, errors: formErrors(payload.userErrors, undefined, ADDRESS_FIELDS) };
}

export async function deleteAddress(form: FormData): Promise<void> {
  await (await shop()).request(WebAddressDeleteDocument, { id: String(form.get('id') ?? '') });
  revalidatePath('/account');
}
