import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { problem } from '../format';
import { useSession } from '../session';

/** Email and password; then, for staff with MFA on, the authenticator app's code. */
export function LoginPage() {
  const session = useSession();
  const [needsCode, setNeedsCode] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(values: { email: string; password: string; mfaCode?: string }) {
    setBusy(true);
    setError(null);
    try {
      const result = await session.login(values.email, values.password, values.mfaCode);
      if (!result.ok) {
        if (result.mfaRequired) {
          setError(needsCode ? (result.message ?? 'That code is not right') : null);
          setNeedsCode(true);
        } else setError(result.message ?? 'Sign-in failed');
      }
    } catch (e) {
      setError(problem(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main
      style={{ minHeight: '100vh', display: 'grid', placeItems: 'center', background: '#f0f2f5' }}
    >
      <Card style={{ width: 'min(380px, 92vw)' }}>
        <Typography.Title level={1} style={{ fontSize: 24 }}>
          Shop admin
        </Typography.Title>
        <Form layout="vertical" onFinish={submit} requiredMark={false}>
          <Form.Item label="Email" name="email" rules={[{ required: true, type: 'email' }]}>
            <Input autoComplete="username" autoFocus />
          </Form.Item>
          <Form.Item label="Password" name="password" rules={[{ required: true }]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          {needsCode && (
            <Form.Item
              label="Authentication code"
              name="mfaCode"
              extra="The 6-digit code from your authenticator app, or a recovery code"
              rules={[{ required: true }]}
            >
              <Input autoComplete="one-time-code" inputMode="numeric" autoFocus />
            </Form.Item>
          )}
          {error && <Alert type="error" title={error} role="alert" style={{ marginBottom: 16 }} />}
          <Button type="primary" htmlType="submit" block loading={busy}>
            {needsCode ? 'Verify' : 'Sign in'}
          </Button>
        </Form>
      </Card>
    </main>
  );
}
