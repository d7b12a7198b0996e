import type { ExecutionResult } from 'graphql';

const serialized = new WeakMap<ExecutionResult, string>();

/**
 * A result as JSON, made once per result object: a shared stream hands the same object to
 * every subscriber, and both the stream guard (its size) and the WebSocket server (its
 * frame) need the text.
 */
export function serializedResult(result: ExecutionResult): string {
  let text = serialized.get(result);
  if (text === undefined) {
    text = JSON.stringify(result);
    serialized.set(result, text);
  }
  return text;
}
