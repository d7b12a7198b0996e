import { createHash } from 'node:crypto';
import type { Logger } from '../../platform/logging';
import { buildSupergraph, type LoadedSupergraph } from '../supergraph';
import type { FederatedSubscriptions } from '../subscriptions/executor';
import type { PreparedGateway, ReloadableGateway } from './gateway';
import type { LiveSupergraph } from './live-supergraph';
import { preplan, type KnownOperation, type PreplanReport } from './preplan';
import { replanOpenSubscriptions, type ReplanReport } from './replan';

export type ReloadOutcome =
  | { status: 'unchanged' }
  | {
      status: 'applied';
      hash: string;
      durationMs: number;
      operations: PreplanReport;
      subscriptions: ReplanReport;
    }
  | { status: 'refused'; hash: string; reason: string };

/** Told of every reload tried (metrics). */
export type SchemaReloadObserver = (
  outcome: Exclude<ReloadOutcome, { status: 'unchanged' }>,
) => void;

export interface SchemaReloaderDeps {
  live: LiveSupergraph;
  gateway: ReloadableGateway;
  subscriptions: FederatedSubscriptions;
  operations: readonly KnownOperation[];
  /** What a supergraph on which some known operations no longer validate gets. */
  breakingOperations: 'apply' | 'refuse';
  /** Subgraphs the router has sources and connections for (opened at start). */
  subgraphs: ReadonlySet<string>;
  observers: SchemaReloadObserver[];
  log: Logger;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Replaces the serving supergraph without dropping anything. Everything that can fail is
 * built beside the serving one first (the supergraph, its API schema and planner, a
 * gateway, the plans of the SDK's operations); a supergraph that fails any of it is
 * refused and the old one serves on. Then one synchronous step swaps the gateway (new
 * queries), the transports' schema and the open subscriptions' plans. Reloads run one at
 * a time, in the order their texts arrived.
 */
export class SchemaReloader {
  private hash: string;
  private refusedHash: string | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: SchemaReloaderDeps) {
    this.hash = sha256(deps.live.current.sdl);
  }

  reload(sdl: string, origin: string): Promise<ReloadOutcome> {
    const run = this.queue.then(() => this.apply(sdl, origin));
    this.queue = run.catch(() => {});
    return run;
  }

  private async apply(sdl: string, origin: string): Promise<ReloadOutcome> {
    const hash = sha256(sdl);
    // The same bad text polled again is refused once, not logged every interval.
    if (hash === this.hash || hash === this.refusedHash) return { status: 'unchanged' };
    const started = performance.now();
    const { log } = this.deps;
    log.info('supergraph changed: building', { origin, hash: hash.slice(0, 12) });
    let next: LoadedSupergraph;
    let prepared: PreparedGateway;
    try {
      next = buildSupergraph(sdl);
    } catch (error) {
      return this.refuse(hash, origin, `not a valid supergraph: ${(error as Error).message}`);
    }
    const added = Object.keys(next.subgraphUrls).filter((name) => !this.deps.subgraphs.has(name));
    if (added.length) {
      return this.refuse(
        hash,
        origin,
        `adds subgraph(s) ${added.join(', ')}; a router opens its subgraph connections at start: restart it`,
      );
    }
    try {
      prepared = await this.deps.gateway.prepare(sdl);
    } catch (error) {
      return this.refuse(hash, origin, `the gateway cannot load it: ${(error as Error).message}`);
    }
    const operations = await preplan(next, this.deps.operations);
    for (const broken of operations.broken)
      log.warn('known operation no longer valid on the new supergraph', {
        operation: broken.name,
        error: broken.error,
        applied: this.deps.breakingOperations === 'apply',
      });
    if (operations.broken.length && this.deps.breakingOperations === 'refuse') {
      await prepared.gateway.stop().catch(() => {});
      return this.refuse(
        hash,
        origin,
        `${operations.broken.length} known operation(s) no longer validate: ${operations.broken
          .map((b) => b.name)
          .join(', ')}`,
      );
    }

    // The swap: synchronous from here, so no request or event sees half of it.
    this.deps.live.current = next;
    this.deps.gateway.activate(prepared);
    this.deps.subscriptions.use(next);
    const subscriptions = replanOpenSubscriptions(this.deps.subscriptions.open, next);
    this.hash = hash;
    this.refusedHash = null;

    const outcome = {
      status: 'applied' as const,
      hash,
      durationMs: Math.round(performance.now() - started),
      operations,
      subscriptions,
    };
    log.info('supergraph reloaded', {
      origin,
      hash: hash.slice(0, 12),
      durationMs: outcome.durationMs,
      operationsPlanned: operations.planned,
      operationsBroken: operations.broken.map((b) => b.name),
      preplanMs: operations.durationMs,
      subscriptionsKept: subscriptions.kept,
      subscriptionsResubscribed: subscriptions.resubscribed,
      subscriptionsEnded: subscriptions.ended,
    });
    this.notify(outcome);
    return outcome;
  }

  private refuse(hash: string, origin: string, reason: string): ReloadOutcome {
    this.refusedHash = hash;
    this.deps.log.error('supergraph refused; the old one keeps serving', {
      origin,
      hash: hash.slice(0, 12),
      reason,
    });
    const outcome = { status: 'refused' as const, hash, reason };
    this.notify(outcome);
    return outcome;
  }

  private notify(outcome: Exclude<ReloadOutcome, { status: 'unchanged' }>): void {
    for (const observer of this.deps.observers) {
      try {
        observer(outcome);
      } catch (error) {
        this.deps.log.warn('schema reload observer failed', { error: (error as Error).message });
      }
    }
  }
}
