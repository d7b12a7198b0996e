import type { ExecutionResult } from 'graphql';
import { comparePositions, isPosition } from '../../platform/events/transport';

/** The event id (its position in the broker) the subgraph put on an event, if any. */
export function eventIdOf(result: ExecutionResult): string | null {
  const eventId = result.extensions?.eventId;
  return isPosition(eventId) ? eventId : null;
}

/**
 * Where one subscription is in the event stream. The subgraph subscribe message carries
 * it as `extensions.lastEventId`, and graphql-ws sends that same message again when it
 * re-subscribes after a lost connection: kept up to date here, a re-subscription resumes
 * after the last event passed on instead of starting over. An event at or before that
 * point (a replay overlapping what was already sent) is not passed on twice.
 */
export class ResumePoint {
  private last: string | null;

  constructor(
    lastEventId: string | null | undefined,
    private readonly extensions: Record<string, unknown>,
  ) {
    this.last = isPosition(lastEventId) ? lastEventId : null;
    if (this.last) extensions.lastEventId = this.last;
  }

  fresh(result: ExecutionResult): boolean {
    const eventId = eventIdOf(result);
    if (!eventId) return true;
    if (this.last && comparePositions(eventId, this.last) <= 0) return false;
    this.last = eventId;
    this.extensions.lastEventId = eventId;
    return true;
  }
}
