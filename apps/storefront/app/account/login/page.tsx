import type { Metadata } from 'next';
import Link from 'next/link';
import { LoginForm } from '../../../components/AccountForms';

export const metadata: Metadata = { title: 'Sign in', robots: { index: false } };

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<{ next?: string }>;
}) {
  const { next } = await searchParams;
  return (
    <>
      <h1>Sign in</h1>
      <LoginForm next={next} />
      <p>
        New here? <Link href="/account/register">Create an account</Link>
      </p>
    </>
  );
}
