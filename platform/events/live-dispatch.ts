import { createLogger } from '../logging';
import { comparePositions, REPLAY_GAP, type DeliveredEvent, type Replay } from './transport';

const log = createLogger('events');

type Listener = (event: DeliveredEvent) => void;

/**
 * The subscribers of one process, by topic, behind one reader of the broker: a thousand
 * subscriptions cost one connection, not a thousand. A subscriber that resumes gets the
 * topic's events after its position from `replay` first (or REPLAY_GAP, when some are
 * gone); live events that arrive meanwhile wait, and whatever the replay already gave
 * (same position) is not given twice.
 */
export class LiveDispatcher {
  private nextId = 1;
  private readonly byTopic = new Map<string, Map<number, Listener>>();
  private readonly topicOf = new Map<number, string>();

  constructor(private readonly replay: (topic: string, after: string) => Promise<Replay>) {}

  get size(): number {
    return this.topicOf.size;
  }

  /** Whether any subscriber here waits for `topic` (an event of another is not even read). */
  listensTo(topic: string): boolean {
    return this.byTopic.has(topic);
  }

  add(topic: string, onMessage: Listener, after?: string): number {
    const id = this.nextId++;
    const listeners = this.byTopic.get(topic) ?? new Map<number, Listener>();
    this.byTopic.set(topic, listeners);
    this.topicOf.set(id, topic);
    if (after === undefined) {
      listeners.set(id, onMessage);
      return id;
    }
    let last = after;
    const emit = (event: DeliveredEvent): void => {
      const position = event.eventPosition;
      if (position) {
        if (comparePositions(position, last) <= 0) return;
        last = position;
      }
      onMessage(event);
    };
    let waiting: DeliveredEvent[] | null = [];
    listeners.set(id, (event) => (waiting ? waiting.push(event) : emit(event)));
    this.replay(topic, after)
      .then(
        // With a gap, what is still held is older than the current state the subscriber
        // is told to read again: only events from now on follow.
        ({ events, gap }) => (gap ? onMessage(REPLAY_GAP) : events.forEach(emit)),
        (error) => log.warn('replay failed', { topic, after, error: (error as Error).message }),
      )
      .finally(() => {
        const held = waiting ?? [];
        waiting = null;
        held.forEach(emit);
      });
    return id;
  }

  remove(id: number): void {
    const topic = this.topicOf.get(id);
    if (topic === undefined) return;
    this.topicOf.delete(id);
    const listeners = this.byTopic.get(topic);
    listeners?.delete(id);
    if (listeners?.size === 0) this.byTopic.delete(topic);
  }

  dispatch(topic: string, event: DeliveredEvent): void {
    const listeners = this.byTopic.get(topic);
    if (!listeners) return;
    for (const listener of [...listeners.values()]) {
      try {
        listener(event);
      } catch (error) {
        log.warn('subscriber failed', { topic, error: (error as Error).message });
      }
    }
  }
}
