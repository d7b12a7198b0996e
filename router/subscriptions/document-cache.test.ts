import { buildSchema, GraphQLError, parse } from 'graphql';
import { DocumentCache } from './document-cache';

const schema = buildSchema('type Query { a: Int } type Subscription { live(sku: String!): Int }');

describe('DocumentCache', () => {
  it('gives every sender of one text the same document, and parses a new text anew', () => {
    const cache = new DocumentCache();
    const text = 'subscription { live(sku: "A") }';
    const first = cache.parse(text);
    expect(cache.parse(text)).toBe(first);
    expect(first).toEqual(parse(text));
    expect(cache.parse('subscription { live(sku: "B") }')).not.toBe(first);
  });

  it('throws the syntax error each time and keeps nothing for it', () => {
    const cache = new DocumentCache();
    expect(() => cache.parse('subscription {')).toThrow(GraphQLError);
    expect(() => cache.parse('subscription {')).toThrow(GraphQLError);
  });

  it('validates once per schema, with the errors each time', () => {
    const cache = new DocumentCache();
    const bad = cache.parse('subscription { live }');
    const errors = cache.validate(schema, bad);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(/argument "sku"/);
    // A caller may push to what it gets; the next one still sees the cached answer.
    errors.push(new GraphQLError('extra'));
    expect(cache.validate(schema, bad)).toHaveLength(1);
    const reloaded = buildSchema(
      'type Query { a: Int } type Subscription { live(sku: String): Int }',
    );
    expect(cache.validate(reloaded, bad)).toEqual([]);
  });

  it('drops the least recently used text beyond its size', () => {
    const cache = new DocumentCache(2);
    const a = cache.parse('{ a }');
    cache.parse('{ b: a }');
    cache.parse('{ a }');
    cache.parse('{ c: a }');
    expect(cache.parse('{ a }')).toBe(a);
    const b = cache.parse('{ b: a }');
    expect(cache.parse('{ b: a }')).toBe(b);
  });
});
