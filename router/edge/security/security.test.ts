import { originPolicyFromEnv } from './cors';
import { usesIntrospection } from './introspection';
import { parse } from 'graphql';

describe('originPolicyFromEnv', () => {
  it('allows any localhost origin in development and none in production by default', () => {
    const development = originPolicyFromEnv({ NODE_ENV: 'development' });
    expect(development('http://localhost:3000')).toBe(true);
    expect(development('https://127.0.0.1')).toBe(true);
    expect(development('http://[::1]:8080')).toBe(true);
    expect(development('http://localhost.evil.com')).toBe(false);
    expect(development('https://shop.example.com')).toBe(false);
    expect(originPolicyFromEnv({ NODE_ENV: 'production' })('http://localhost:3000')).toBe(false);
  });

  it('allows exactly the configured origins', () => {
    const policy = originPolicyFromEnv({
      NODE_ENV: 'production',
      CORS_ORIGINS: 'https://shop.example.com, https://admin.example.com/',
    });
    expect(policy('https://shop.example.com')).toBe(true);
    expect(policy('https://admin.example.com')).toBe(true);
    expect(policy('http://shop.example.com')).toBe(false);
    expect(policy('http://localhost:3000')).toBe(false);
    expect(originPolicyFromEnv({ CORS_ORIGINS: '*' })('https://anywhere.example')).toBe(true);
  });
});

describe('usesIntrospection', () => {
  it('finds __schema and __type anywhere, not __typename', () => {
    expect(usesIntrospection(parse('{ __schema { types { name } } }'))).toBe(true);
    expect(
      usesIntrospection(parse('fragment F on Query { __type(name: "Product") { name } } { ...F }')),
    ).toBe(true);
    expect(usesIntrospection(parse('{ __typename products { totalCount } }'))).toBe(false);
  });
});
