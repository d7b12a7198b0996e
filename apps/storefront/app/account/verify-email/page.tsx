import type { Metadata } from 'next';
import { VerifyEmailForm } from '../../../components/AccountForms';

export const metadata: Metadata = { title: 'Confirm your email', robots: { index: false } };

/** A button, not a confirmation on load: mail scanners that open links must not spend it. */
export default async function VerifyEmailPage({
  searchParams,
}: {
  searchParams: Promise<{ token?: string }>;
}) {
  const { token } = await searchParams;
  return (
    <>
      <h1>Confirm your email</h1>
      {token ? (
        <VerifyEmailForm token={token} />
      ) : (
        <p>This link has no token: open the one from the email.</p>
      )}
    </>
  );
}
