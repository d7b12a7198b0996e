import { EventMemo } from './event-memo';

describe('EventMemo', () => {
  it('reads once for every subscriber of one event, and again for the next event', async () => {
    const memo = new EventMemo<number>();
    let reads = 0;
    const read = async () => ++reads;
    const answers = await Promise.all(
      Array.from({ length: 1000 }, () => memo.get('SKU:movement-1', read)),
    );
    expect(new Set(answers)).toEqual(new Set([1]));
    expect(await memo.get('SKU:movement-2', read)).toBe(2);
    expect(reads).toBe(2);
  });

  it('keeps no failed read: the next subscriber reads again', async () => {
    const memo = new EventMemo<number>();
    await expect(memo.get('k', () => Promise.reject(new Error('db down')))).rejects.toThrow(
      'db down',
    );
    expect(await memo.get('k', async () => 7)).toBe(7);
  });

  it('forgets entries after their time and beyond its size, oldest first', async () => {
    const expiring = new EventMemo<string>(1);
    await expiring.get('k', async () => 'old');
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await expiring.get('k', async () => 'new')).toBe('new');

    const small = new EventMemo<string>(60_000, 2);
    await small.get('a', async () => 'a1');
    await small.get('b', async () => 'b1');
    await small.get('c', async () => 'c1');
    expect(await small.get('a', async () => 'a2')).toBe('a2');
    expect(await small.get('c', async () => 'c2')).toBe('c1');
  });
});
