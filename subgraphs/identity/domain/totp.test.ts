import {
  base32Decode,
  base32Encode,
  hotp,
  matchTotp,
  provisioningUri,
  timeStep,
  totpCode,
} from './totp';

// RFC 4226 Appendix D and RFC 6238 Appendix B (SHA-1), secret "12345678901234567890".
const SECRET = Buffer.from('12345678901234567890');
const SECRET_BASE32 = base32Encode(SECRET);

describe('TOTP (RFC 6238)', () => {
  it('computes the RFC 4226 HOTP test values', () => {
    const expected = [
      '755224',
      '287082',
      '359152',
      '969429',
      '338314',
      '254676',
      '287922',
      '162583',
      '399871',
      '520489',
    ];
    expect(expected.map((_, counter) => hotp(SECRET, counter))).toEqual(expected);
  });

  it('computes the RFC 6238 SHA-1 test values', () => {
    const vectors: [number, string][] = [
      [59, '94287082'],
      [1111111109, '07081804'],
      [1111111111, '14050471'],
      [1234567890, '89005924'],
      [2000000000, '69279037'],
      [20000000000, '65353130'],
    ];
    for (const [seconds, code] of vectors)
      expect(hotp(SECRET, timeStep(seconds * 1000), 8)).toBe(code);
  });

  it('round-trips base32', () => {
    expect(SECRET_BASE32).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
    expect(base32Decode(SECRET_BASE32.toLowerCase())).toEqual(SECRET);
  });

  it('accepts codes of the previous, current and next step only, and tells which step', () => {
    const now = 1_700_000_000_000;
    const step = timeStep(now);
    for (const offset of [-1, 0, 1])
      expect(matchTotp(SECRET_BASE32, totpCode(SECRET_BASE32, step + offset), now)).toBe(
        step + offset,
      );
    expect(matchTotp(SECRET_BASE32, totpCode(SECRET_BASE32, step - 2), now)).toBeNull();
    expect(matchTotp(SECRET_BASE32, totpCode(SECRET_BASE32, step + 2), now)).toBeNull();
    expect(matchTotp(SECRET_BASE32, 'abcdef', now)).toBeNull();
    expect(matchTotp(SECRET_BASE32, '12345', now)).toBeNull();
  });

  it('builds a provisioning URI authenticator apps read', () => {
    expect(provisioningUri(SECRET_BASE32, 'ada@shop.test', 'Commerce')).toBe(
      'otpauth://totp/Commerce:ada%40shop.test?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Commerce&algorithm=SHA1&digits=6&period=30',
    );
  });
});
