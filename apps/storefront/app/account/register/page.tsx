import type { Metadata } from 'next';
import Link from 'next/link';
import { RegisterForm } from '../../../components/AccountForms';

export const metadata: Metadata = { title: 'Create an account', robots: { index: false } };

export default function RegisterPage() {
  return (
    <>
      <h1>Create an account</h1>
      <RegisterForm />
      <p>
        Have an account? <Link href="/account/login">Sign in</Link>
      </p>
    </>
  );
}
