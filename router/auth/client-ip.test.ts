import { generateKeyPair, exportJWK, SignJWT } from 'jose';
import { clientIpFrom, createViewerHook, createTokenVerifier, viewerWithClientIp } from '.';

describe('client IP', () => {
  it('uses the socket address unless proxies are trusted', () => {
    const request = {
      headers: { 'x-forwarded-for': '1.2.3.4' },
      socket: { remoteAddress: '::ffff:10.0.0.5' },
    };
    expect(clientIpFrom(request, 0)).toBe('10.0.0.5');
  });

  it('takes the address the trusted proxies saw, never the client-controlled leftmost one', () => {
    const request = {
      headers: { 'x-forwarded-for': '6.6.6.6, 203.0.113.9, 10.0.0.2' },
      socket: { remoteAddress: '10.0.0.1' },
    };
    expect(clientIpFrom(request, 1)).toBe('10.0.0.2');
    expect(clientIpFrom(request, 2)).toBe('203.0.113.9');
    expect(
      clientIpFrom(
        { headers: { 'x-forwarded-for': 'garbage' }, socket: { remoteAddress: '10.0.0.1' } },
        1,
      ),
    ).toBe('10.0.0.1');
  });

  it('adds the IP to the signed viewer for identity', () => {
    expect(viewerWithClientIp({ kind: 'anonymous' }, '203.0.113.9')).toEqual({
      kind: 'anonymous',
      clientIp: '203.0.113.9',
    });
    expect(viewerWithClientIp({ kind: 'anonymous' }, null)).toEqual({ kind: 'anonymous' });
  });

  it('builds the router viewer hook from a verifier', async () => {
    const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const verifier = createTokenVerifier({
      jwks: { keys: [{ ...(await exportJWK(publicKey)), kid: 'k', alg: 'EdDSA' }] },
      issuer: 'iss',
      audience: 'aud',
    });
    const token = await new SignJWT({ kind: 'customer', sid: 's' })
      .setProtectedHeader({ alg: 'EdDSA', kid: 'k', typ: 'at+jwt' })
      .setSubject('c-9')
      .setIssuer('iss')
      .setAudience('aud')
      .setIssuedAt()
      .setExpirationTime('15m')
      .sign(privateKey);
    const hook = createViewerHook(verifier, 0);
    await expect(
      hook({
        headers: { authorization: `Bearer ${token}` },
        socket: { remoteAddress: '127.0.0.1' },
      }),
    ).resolves.toEqual({
      kind: 'customer',
      customerId: 'c-9',
      clientIp: '127.0.0.1',
    });
    await expect(hook({ headers: {} })).resolves.toEqual({ kind: 'anonymous' });
  });
});
