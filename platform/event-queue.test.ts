import { EventQueue } from './event-queue';

describe('EventQueue', () => {
  it('hands events to a waiting consumer, in order', async () => {
    const queue = new EventQueue<number>(10);
    const first = queue.next();
    queue.push(1);
    queue.push(2);
    expect(await first).toEqual({ value: 1, done: false });
    expect(await queue.next()).toEqual({ value: 2, done: false });
  });

  it('cuts off a consumer that falls too far behind, after what it already had', async () => {
    let closed = 0;
    const queue = new EventQueue<number>(3, () => {
      closed += 1;
    });
    for (let i = 0; i < 10; i++) queue.push(i);
    expect(closed).toBe(1);
    expect((await queue.next()).value).toBe(0);
    expect((await queue.next()).value).toBe(1);
    expect((await queue.next()).value).toBe(2);
    await expect(queue.next()).rejects.toMatchObject({
      extensions: { code: 'SUBSCRIBER_TOO_SLOW' },
    });
  });

  it('return() releases a waiting consumer and runs the cleanup once', async () => {
    let closed = 0;
    const queue = new EventQueue<number>(3, () => {
      closed += 1;
    });
    const waiting = queue.next();
    await queue.return();
    await queue.return();
    expect(await waiting).toEqual({ value: undefined, done: true });
    expect(closed).toBe(1);
    queue.push(1);
    expect(await queue.next()).toEqual({ value: undefined, done: true });
  });

  it('fail() rejects a waiting consumer', async () => {
    const queue = new EventQueue<number>(3);
    const waiting = queue.next();
    queue.fail(new Error('gone'));
    await expect(waiting).rejects.toThrow('gone');
  });
});
