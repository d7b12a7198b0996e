import type { IncomingMessage } from 'node:http';
import {
  CloseCode,
  MessageType,
  areGraphQLErrors,
  handleProtocols,
  makeServer,
  parseMessage,
  stringifyMessage,
  type Context,
  type ServerOptions,
  type SubscribePayload,
} from 'graphql-ws';
import { GraphQLError, type ExecutionResult } from 'graphql';
import type { RawData, WebSocket, WebSocketServer } from 'ws';
import { createLogger } from '../../platform/logging';
import type { SubscriptionResult } from './executor';
import { joinHeartbeat, startHeartbeat } from './heartbeat';
import { isIterator } from './stream-guard';
import { serializedResult } from './serialized-result';

const log = createLogger('router');

export interface SocketExtra {
  socket: WebSocket;
  /** The upgrade request; let go once the connection is accepted (see ws-transport.ts). */
  request?: IncomingMessage;
}

type ConnectionContext = Context<Record<string, unknown>, SocketExtra>;

/** What the router does with a subscription operation, which this server runs itself. */
export interface SubscriptionHooks {
  isSubscription(payload: SubscribePayload): boolean;
  /** The checks, the context and the stream; GraphQLErrors when it may not run. */
  start(
    ctx: ConnectionContext,
    id: string,
    payload: SubscribePayload,
  ): Promise<SubscriptionResult | readonly GraphQLError[]>;
  /** Once per subscription operation started, however it ended (refused included). */
  ended(ctx: ConnectionContext, id: string): void;
}

/** graphql-ws's own default: a peer gone without a close is dropped within two of these. */
const KEEP_ALIVE_MS = 12_000;

/**
 * graphql-ws (the graphql-transport-ws protocol) on `ws`, with subscription operations run
 * here instead of in graphql-ws's server: that one keeps, for every open subscription, its
 * message handler suspended in a `for await` (with the raw message, the parsed payload and
 * the execution arguments), three emit closures, and per socket an interval, a timeout and
 * their closures. Here an open subscription is one entry in its connection's map and one
 * pump; one timer pings every socket; a result shared by many subscribers (shared-stream.ts)
 * is serialised once. The rest of the protocol (init and ack, pings, queries and mutations,
 * bad messages and their close codes) is graphql-ws's own `makeServer`.
 */
export function serveGraphqlWs(
  options: ServerOptions<Record<string, unknown>, SocketExtra>,
  hooks: SubscriptionHooks,
  wsServer: WebSocketServer,
): { dispose(): Promise<void> } {
  const connections = new WeakMap<WebSocket, Connection>();
  const server = makeServer<Record<string, unknown>, SocketExtra>({
    ...options,
    onConnect: async (ctx) => {
      const permitted = await options.onConnect?.(ctx);
      if (permitted !== false) {
        const connection = connections.get(ctx.extra.socket);
        if (connection) connection.ctx = ctx;
      }
      return permitted;
    },
  });
  wsServer.options.handleProtocols = handleProtocols;
  wsServer.on('connection', (socket: WebSocket, request: IncomingMessage) => {
    socket.once('error', internalError);
    joinHeartbeat(socket);
    const connection = new Connection(socket, hooks);
    connections.set(socket, connection);
    connection.open(server, { socket, request });
  });
  const stopHeartbeat = startHeartbeat(wsServer.clients, KEEP_ALIVE_MS);
  return {
    dispose: async () => {
      stopHeartbeat();
      for (const client of wsServer.clients) client.close(1001, 'Going away');
      wsServer.removeAllListeners();
      await new Promise<void>((resolve, reject) =>
        wsServer.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}

// One function for every socket: `this` is the socket.
function internalError(this: WebSocket, error: Error): void {
  log.error('WebSocket error', { error: error.message });
  this.close(CloseCode.InternalServerError, 'Internal server error');
}

type Stream = AsyncIterableIterator<ExecutionResult>;

class Connection {
  /** graphql-ws's context of this socket, once its connection_init was accepted. */
  ctx: ConnectionContext | null = null;
  /** Open subscription operations by id; null while one is being checked. */
  private readonly streams = new Map<string, Stream | null>();
  private forward: (data: string) => Promise<void> = async () => {};

  constructor(
    private readonly socket: WebSocket,
    private readonly hooks: SubscriptionHooks,
  ) {}

  open(
    server: ReturnType<typeof makeServer<Record<string, unknown>, SocketExtra>>,
    extra: SocketExtra,
  ) {
    const closed = server.opened(
      {
        protocol: this.socket.protocol,
        send: (data) => this.send(data),
        close: (code, reason) => this.socket.close(code, reason),
        onMessage: (handler) => {
          this.forward = handler;
        },
      },
      extra,
    );
    this.socket.on('message', (data: RawData) => void this.receive(data));
    this.socket.once('close', (code: number, reason: Buffer) => {
      for (const stream of this.streams.values()) void stream?.return?.();
      this.streams.clear();
      void closed(code, String(reason));
    });
  }

  private async receive(data: RawData): Promise<void> {
    const text = String(data);
    try {
      if (!this.handled(text)) await this.forward(text);
    } catch (error) {
      log.error('WebSocket message failed', { error: (error as Error).message });
      this.socket.close(CloseCode.InternalServerError, 'Internal server error');
    }
  }

  /** A subscribe or complete of a subscription operation of an accepted connection. */
  private handled(text: string): boolean {
    const ctx = this.ctx;
    if (!ctx?.acknowledged) return false;
    let message;
    try {
      message = parseMessage(text);
    } catch {
      return false;
    }
    if (message.type === MessageType.Complete) {
      if (!this.streams.has(message.id)) return false;
      const stream = this.streams.get(message.id);
      this.streams.delete(message.id);
      void stream?.return?.();
      return true;
    }
    if (message.type !== MessageType.Subscribe) return false;
    const { id, payload } = message;
    if (this.streams.has(id) || id in ctx.subscriptions) {
      this.socket.close(CloseCode.SubscriberAlreadyExists, `Subscriber for ${id} already exists`);
      return true;
    }
    if (!this.hooks.isSubscription(payload)) return false;
    this.streams.set(id, null);
    void this.start(ctx, id, payload);
    return true;
  }

  private async start(ctx: ConnectionContext, id: string, payload: SubscribePayload) {
    let result: SubscriptionResult | readonly GraphQLError[];
    try {
      result = await this.hooks.start(ctx, id, payload);
    } catch (error) {
      result = [new GraphQLError((error as Error).message)];
    }
    if (areGraphQLErrors(result)) {
      if (this.streams.get(id) === null) {
        this.streams.delete(id);
        await this.send(stringifyMessage({ id, type: MessageType.Error, payload: result }));
      }
      this.hooks.ended(ctx, id);
      return;
    }
    const outcome = result as SubscriptionResult;
    if (this.streams.get(id) !== null) {
      // The client completed it (or left) while it was being checked.
      if (isIterator(outcome)) void outcome.return?.();
      this.hooks.ended(ctx, id);
      return;
    }
    if (!isIterator(outcome)) {
      this.streams.delete(id);
      await this.send(nextMessage(id, outcome));
      await this.send(stringifyMessage({ id, type: MessageType.Complete }));
      this.hooks.ended(ctx, id);
      return;
    }
    this.streams.set(id, outcome);
    new Pump(this, ctx, id, outcome).read();
  }

  /** Still the open stream of `id` (not completed by the client, not replaced)? */
  holds(id: string, stream: Stream): boolean {
    return this.streams.get(id) === stream;
  }

  /** The pump of `id` is done with `stream`, however it ended. */
  finished(ctx: ConnectionContext, id: string, stream: Stream): void {
    if (this.holds(id, stream)) this.streams.delete(id);
    this.hooks.ended(ctx, id);
  }

  /** Writes `data`; `done` runs once `ws` took it (at once when the socket is closed). */
  write(data: string, done: (error?: Error) => void): void {
    if (this.socket.readyState !== this.socket.OPEN) return done();
    this.socket.send(data, done);
  }

  /** Resolves once `ws` took the message: the next one waits (the guard queues meanwhile). */
  private send(data: string): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.socket.readyState !== this.socket.OPEN) return resolve();
      this.socket.send(data, (error) => (error ? reject(error) : resolve()));
    });
  }
}

/**
 * One open subscription's events to its socket: the next event is read once `ws` took the
 * last one (the guard queues meanwhile). Callbacks on an object rather than an `async`
 * loop: a suspended loop would hold a generator, its context and promises per subscriber.
 */
class Pump {
  private readonly onEvent = (item: IteratorResult<ExecutionResult>): void => this.deliver(item);
  private readonly onFailure = (error: unknown): void => this.fail(error);
  private readonly onWritten = (error?: Error): void => (error ? this.fail(error) : this.read());

  constructor(
    private readonly connection: Connection,
    private readonly ctx: ConnectionContext,
    private readonly id: string,
    private readonly stream: Stream,
  ) {}

  read(): void {
    try {
      this.stream.next().then(this.onEvent, this.onFailure);
    } catch (error) {
      this.fail(error);
    }
  }

  private deliver(item: IteratorResult<ExecutionResult>): void {
    const { connection, id, stream } = this;
    if (!connection.holds(id, stream)) return this.finish();
    if (item.done) {
      connection.write(stringifyMessage({ id, type: MessageType.Complete }), () => {});
      return this.finish();
    }
    connection.write(nextMessage(id, item.value), this.onWritten);
  }

  private fail(error: unknown): void {
    const { connection, id, stream } = this;
    if (connection.holds(id, stream)) {
      const failed = new GraphQLError((error as Error).message, { originalError: error as Error });
      connection.write(
        stringifyMessage({ id, type: MessageType.Error, payload: [failed] }),
        () => {},
      );
    }
    this.finish();
  }

  private finish(): void {
    this.connection.finished(this.ctx, this.id, this.stream);
  }
}

/** A `next` message, its payload serialised once however many subscribers it goes to. */
function nextMessage(id: string, result: ExecutionResult): string {
  return `{"id":${JSON.stringify(id)},"type":"next","payload":${serializedResult(result)}}`;
}
