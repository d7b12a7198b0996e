import { GraphQLError } from 'graphql';

/**
 * A bounded, pull-based stream of events between a producer that pushes (a pub/sub, a
 * WebSocket) and a consumer that pulls (a GraphQL transport). A consumer that falls more
 * than `limit` events behind is cut off with SUBSCRIBER_TOO_SLOW instead of letting
 * memory grow; `return()` (the consumer went away) runs `onClose` at once, even while a
 * `next()` is waiting.
 */
export class EventQueue<T> implements AsyncIterableIterator<T> {
  private readonly pending: T[] = [];
  private readonly waiting: {
    resolve: (r: IteratorResult<T>) => void;
    reject: (e: unknown) => void;
  }[] = [];
  private failure: unknown = null;
  private closed = false;

  constructor(
    private readonly limit: number,
    private readonly onClose: () => void | Promise<void> = () => {},
  ) {}

  push(value: T): void {
    if (this.closed || this.failure) return;
    const waiter = this.waiting.shift();
    if (waiter) return waiter.resolve({ value, done: false });
    if (this.pending.length >= this.limit) {
      this.fail(
        new GraphQLError(`Subscriber too slow: more than ${this.limit} events waiting`, {
          extensions: { code: 'SUBSCRIBER_TOO_SLOW' },
        }),
      );
      return;
    }
    this.pending.push(value);
  }

  /** Ends the stream with an error, after the events already queued. */
  fail(error: unknown): void {
    if (this.closed || this.failure) return;
    this.failure = error;
    for (const waiter of this.waiting.splice(0)) waiter.reject(error);
    void this.close();
  }

  /** Ends the stream normally, after the events already queued. */
  end(): void {
    if (this.closed) return;
    for (const waiter of this.waiting.splice(0)) waiter.resolve({ value: undefined, done: true });
    void this.close();
  }

  get size(): number {
    return this.pending.length;
  }

  async next(): Promise<IteratorResult<T>> {
    if (this.pending.length) return { value: this.pending.shift()!, done: false };
    if (this.failure) throw this.failure;
    if (this.closed) return { value: undefined, done: true };
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  async return(): Promise<IteratorResult<T>> {
    this.pending.length = 0;
    this.end();
    return { value: undefined, done: true };
  }

  async throw(error: unknown): Promise<IteratorResult<T>> {
    await this.return();
    throw error;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.onClose();
  }
}
