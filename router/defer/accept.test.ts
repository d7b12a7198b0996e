import { acceptsDeferSpec } from './plugin';
import { usesDefer, withoutDefer } from './directive';
import { parse, print } from 'graphql';

describe('which clients get incremental delivery', () => {
  it('is Apollo Client, which asks for deferSpec=20220824 first', () => {
    expect(acceptsDeferSpec('multipart/mixed;deferSpec=20220824,application/json')).toBe(true);
    expect(
      acceptsDeferSpec(
        'multipart/mixed; deferSpec="20220824", application/graphql-response+json;q=0.9',
      ),
    ).toBe(true);
  });

  it('is not a client that takes only JSON, plain multipart, or prefers incrementalSpec=v0.2', () => {
    expect(acceptsDeferSpec('application/json')).toBe(false);
    expect(acceptsDeferSpec(undefined)).toBe(false);
    expect(acceptsDeferSpec('multipart/mixed, application/json')).toBe(false);
    expect(
      acceptsDeferSpec('multipart/mixed;incrementalSpec=v0.2, multipart/mixed;deferSpec=20220824'),
    ).toBe(false);
    expect(acceptsDeferSpec('multipart/mixed;deferSpec=20220824;q=0, application/json')).toBe(
      false,
    );
  });
});

it('strips every @defer, keeping the fragments, for the one-result answer', () => {
  const deferred = parse(
    '{ a ... @defer(label: "x") { b } ...F @defer(if: false) } fragment F on Query { c }',
  );
  expect(usesDefer(deferred)).toBe(true);
  const plain = withoutDefer(deferred);
  expect(usesDefer(plain)).toBe(false);
  expect(print(plain)).toBe(print(parse('{ a ... { b } ...F } fragment F on Query { c }')));
});
