import type { ExecutionResult } from 'graphql';
import { comparePositions, isPosition } from '../../platform/events/transport';

/** The event id (its position in the broker) the subgraph put on an event, if any. */
export function eventIdOf(result: ExecutionResult): string | null {
  const eventId = result.extensions?.eventId;
  return isPosition(eventId) ? eventId : null;
}

/**
 * Where one subscription is in the event stream. Each subgraph subscribe message carries
 * it as `extensions.lastEventId`, and graphql-ws sends that same message again when it
 * re-subscribes after a lost connection: kept up to date here, a re-subscription resumes
 * after the last event passed on instead of starting over. An event at or before that
 * point (a replay overlapping what was already sent) is not passed on twice.
 */
export class ResumePoint {
  private last: string | null;
  private extensions: Record<string, unknown> | null = null;

  constructor(lastEventId: string | null | undefined) {
    this.last = isPosition(lastEventId) ? lastEventId : null;
  }

  /** A subscribe message's extensions, which carry the position from now on. */
  attach(extensions: Record<string, unknown>): Record<string, unknown> {
    this.extensions = extensions;
    if (this.last) extensions.lastEventId = this.last;
    return extensions;
  }

  fresh(result: ExecutionResult): boolean {
    const eventId = eventIdOf(result);
    if (!eventId) return true;
    if (this.last && comparePositions(eventId, this.last) <= 0) return false;
    this.last = eventId;
    if (this.extensions) this.extensions.lastEventId = eventId;
    return true;
  }
}
