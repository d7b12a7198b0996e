import type { FormattedExecutionResult } from 'graphql';
import { SerialisedAnswers } from './serialised-answers';

// What Apollo Server writes without a stringifyResult of its own.
const apolloWrites = (value: FormattedExecutionResult) =>
  JSON.stringify({ errors: value.errors, data: value.data, extensions: value.extensions }) + '\n';

describe('SerialisedAnswers', () => {
  const data = { products: [{ id: 'p1', name: 'Tee «rouge» ✓' }], count: 1 };

  it.each<[string, FormattedExecutionResult]>([
    ['data only', { data }],
    ['data and errors', { data, errors: [{ message: 'partial', path: ['count'] }] }],
    ['data and extensions', { data, extensions: { cost: { estimated: 12 } } }],
    ['errors, data and extensions', { errors: [{ message: 'x' }], data, extensions: { a: 1 } }],
    ['null data with errors', { data: null, errors: [{ message: 'down' }] }],
    ['errors only', { errors: [{ message: 'bad', extensions: { code: 'BAD_USER_INPUT' } }] }],
  ])('writes what Apollo Server writes: %s, the first time and when reused', (_name, value) => {
    const answers = new SerialisedAnswers();
    expect(answers.stringify(value)).toBe(apolloWrites(value));
    expect(answers.stringify({ ...value })).toBe(apolloWrites(value));
  });

  it('serialises a shared data object once and hands the same answer to every caller', () => {
    const answers = new SerialisedAnswers();
    const first = answers.stringify({ data });
    const second = answers.stringify({ data });
    expect(second).toBe(first);
    expect(answers.reused).toBe(1);
    // The bytes of an answer sent twice are kept, the same buffer for each later caller.
    const bytes = answers.bytes(second);
    expect(bytes.toString('utf8')).toBe(first);
    expect(answers.bytes(answers.stringify({ data }))).toBe(bytes);
  });

  it('never reuses the answer of another data object, even one that is equal', () => {
    const answers = new SerialisedAnswers();
    const a = { user: { id: 'u1' } };
    answers.stringify({ data: a });
    answers.stringify({ data: a });
    const other = { user: { id: 'u2' } };
    expect(answers.stringify({ data: other })).toBe('{"data":{"user":{"id":"u2"}}}\n');
    expect(answers.reused).toBe(1);
  });

  it('encodes answers sent once afresh and keeps no more bytes than its budget', () => {
    const answers = new SerialisedAnswers(1_000);
    const once = answers.stringify({ data: { a: 1 } });
    expect(answers.bytes(once)).not.toBe(answers.bytes(once));
    const older = { text: 'x'.repeat(600) };
    const newer = { text: 'y'.repeat(600) };
    const olderAnswer = answers.stringify({ data: older });
    answers.stringify({ data: older });
    const newerAnswer = answers.stringify({ data: newer });
    answers.stringify({ data: newer });
    // Both were sent twice, but 1,000 bytes hold only one: the newer.
    expect(answers.bytes(newerAnswer)).toBe(answers.bytes(newerAnswer));
    expect(answers.bytes(olderAnswer)).not.toBe(answers.bytes(olderAnswer));
    expect(answers.bytes(olderAnswer).toString('utf8')).toBe(olderAnswer);
  });
});
