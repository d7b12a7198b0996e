import { GraphQLError, type ExecutionResult } from 'graphql';
import type { RouterContext } from '../context';
import { documentKey, type PlannableRequest } from '../reload/subscription-plan';

/**
 * One client's events from a stream it may share with others, ended by the transport
 * (`return`) or by the stream: the stream's last result (its errors), then done.
 */
export type MemberStream = AsyncIterableIterator<ExecutionResult>;

/**
 * A subgraph subscription and its completion, run once for every client that sent the
 * same subscription as the same viewer: ten thousand shoppers watching a product's stock
 * are one subscription on the inventory subgraph and one plan execution per change, not
 * ten thousand. Each member keeps a queue of its own (a slow reader is cut off alone, by
 * the transport's guard); the stream closes when its last member leaves.
 *
 * Who may join after the first result: only when the subgraph said each of its results is
 * the whole state the subscription watches (`extensions.snapshot`). A joiner is handed the
 * last result, which is what a subscription of its own would have started with; from a
 * stream whose first results are the current state and later ones changes to it, a late
 * joiner would get changes to a state it never saw, so such a stream takes no one after
 * its first result.
 */
export class SharedStream {
  private readonly members = new Set<Member>();
  private last: ExecutionResult | null = null;
  private results = 0;
  private snapshots = false;
  private ended = false;

  constructor(
    /** The stream's results, in order; ends (or throws) when the subscription does. */
    private readonly source: AsyncIterableIterator<ExecutionResult>,
    private readonly maxQueuedEvents: number,
    /** The stream takes no more members from now on (its owner forgets it). */
    private readonly onSealed: () => void,
    /** The supergraph it was planned on: a client planned on another one does not join. */
    readonly supergraph: unknown,
  ) {}

  get size(): number {
    return this.members.size;
  }

  get joinable(): boolean {
    return !this.ended && (this.results === 0 || this.snapshots);
  }

  /** A new member's events; `release` runs once when it leaves or the stream ends. */
  join(release: () => void): MemberStream {
    const member = new Member(this, this.maxQueuedEvents, release);
    if (this.last) member.push(this.last);
    this.members.add(member);
    if (this.members.size === 1 && this.results === 0) void this.pump();
    return member;
  }

  /** `member` is gone (it left, or was ended): the stream closes with its last member. */
  leave(member: Member): void {
    this.members.delete(member);
    if (this.members.size === 0) this.close();
  }

  private async pump(): Promise<void> {
    try {
      for (;;) {
        const item = await this.source.next();
        if (item.done) break;
        const result = item.value;
        if (this.results++ === 0) {
          this.snapshots = result.extensions?.snapshot === true;
          if (!this.snapshots) this.onSealed();
        }
        const delivered = withoutSnapshotMark(result);
        // A joiner starts from the last state; a result that failed is not one.
        if (delivered.data) this.last = delivered;
        for (const member of this.members) member.push(delivered);
      }
      for (const member of [...this.members]) member.end();
    } catch (error) {
      for (const member of [...this.members]) member.fail(error);
    } finally {
      this.close();
    }
  }

  private close(): void {
    if (this.ended) return;
    this.ended = true;
    this.onSealed();
    void this.source.return?.();
  }
}

/** The mark is for the router; clients never see it. */
function withoutSnapshotMark(result: ExecutionResult): ExecutionResult {
  if (result.extensions?.snapshot === undefined) return result;
  const { snapshot: _snapshot, ...extensions } = result.extensions;
  return Object.keys(extensions).length ? { ...result, extensions } : omitExtensions(result);
}

function omitExtensions({ extensions: _extensions, ...rest }: ExecutionResult): ExecutionResult {
  return rest;
}

type Step = IteratorResult<ExecutionResult>;
const DONE: Step = { value: undefined, done: true };

/**
 * One member's queue, as the transports read it (one reader at a time, as `for await`
 * does): the results pushed to it, then done; a stream that failed (the subgraph stopped
 * it, the member fell more than `limit` results behind) ends with one result carrying the
 * errors. A class with plain promise-returning methods, not an async queue behind an async
 * iterator: a router holds one per subscriber, ten thousand at a time, and each layer of
 * suspended `async` calls cost every one of them a generator, its context and promises.
 */
class Member implements MemberStream {
  private pending: ExecutionResult[] | null = null;
  private reader: ((step: Step) => void) | null = null;
  // The result that ends a failed stream, until it is read.
  private failure: ExecutionResult | null = null;
  private closed = false;

  constructor(
    private readonly stream: SharedStream,
    private readonly limit: number,
    private readonly release: () => void,
  ) {}

  push(value: ExecutionResult): void {
    if (this.closed) return;
    if (this.reader) return this.hand({ value, done: false });
    this.pending ??= [];
    if (this.pending.length >= this.limit) {
      return this.fail(
        new GraphQLError(`Subscriber too slow: more than ${this.limit} events waiting`, {
          extensions: { code: 'SUBSCRIBER_TOO_SLOW' },
        }),
      );
    }
    this.pending.push(value);
  }

  /** Ends the member with an error, after the results already queued. */
  fail(error: unknown): void {
    if (this.closed) return;
    this.failure = { errors: Array.isArray(error) ? error : [error] };
    this.close();
  }

  /** Ends the member normally, after the results already queued. */
  end(): void {
    this.close();
  }

  next(): Promise<Step> {
    const step = this.take();
    if (step) return Promise.resolve(step);
    return new Promise((resolve) => (this.reader = resolve));
  }

  return(): Promise<Step> {
    this.pending = null;
    this.failure = null;
    this.close();
    return Promise.resolve(DONE);
  }

  async throw(error: unknown): Promise<Step> {
    await this.return();
    throw error;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** What a read gets now: a queued result, the failure, done; null while open and empty. */
  private take(): Step | null {
    const head = this.pending?.shift();
    if (head) return { value: head, done: false };
    if (this.failure) {
      const value = this.failure;
      this.failure = null;
      return { value, done: false };
    }
    return this.closed ? DONE : null;
  }

  private hand(step: Step): void {
    const reader = this.reader;
    this.reader = null;
    reader?.(step);
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    // A reader waits only while nothing is queued: it gets the failure, or done.
    if (this.reader) this.hand(this.take()!);
    this.release();
    this.stream.leave(this);
  }
}

/**
 * What makes two subscriptions the same stream: the document, the operation, the
 * variables and who asks, as the subgraphs see it (the viewer and its token's session,
 * whose end ends the stream); the caller's address is not part of it.
 */
export function shareKey(
  request: PlannableRequest & { context: RouterContext },
  document: string = documentKey(request),
): string {
  const { clientIp: _clientIp, ...viewer } = request.context.viewer;
  const session = request.context.session;
  return JSON.stringify([
    document,
    request.variables ?? {},
    viewer,
    session ? [session.sid, session.expiresAt] : null,
  ]);
}
