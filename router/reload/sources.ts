import { watch, type FSWatcher } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { Logger } from '../../platform/logging';

export type SupergraphListener = (sdl: string, origin: string) => void;

/**
 * Watches a supergraph file. fs.watch on its directory sees an in-place write, a rename
 * over it (what editors and `npm run compose` do) and Kubernetes' ConfigMap symlink swap
 * (`..data`); a stat every `intervalMs` catches what fs.watch misses (network and overlay
 * file systems, a watch lost with its inode). A change is read after a short settle, so a
 * half-written file is rarely read; when it is, it does not parse, is refused, and the
 * rest of the write changes the file again. `onChange` may be told a text that did not
 * change (the first read): the reloader compares hashes.
 */
export function watchSupergraphFile(
  path: string,
  intervalMs: number,
  onChange: SupergraphListener,
  log: Logger,
): () => void {
  let last: string | null = null;
  let settle: NodeJS.Timeout | null = null;
  let checking = false;
  let stopped = false;
  let failing = false;
  const check = async () => {
    if (checking || stopped) return;
    checking = true;
    try {
      const info = await stat(path);
      const signature = `${info.ino}:${info.size}:${info.mtimeMs}`;
      if (signature !== last) {
        last = signature;
        onChange(await readFile(path, 'utf8'), `file ${path}`);
      }
      failing = false;
    } catch (error) {
      if (!failing)
        log.warn('supergraph file unreadable', { path, error: (error as Error).message });
      failing = true;
    } finally {
      checking = false;
    }
  };
  const soon = () => {
    if (settle) clearTimeout(settle);
    settle = setTimeout(() => void check(), 50);
    settle.unref();
  };
  // Read once at once too: a change between the router's start and this watch counts
  // (the reloader ignores a text it serves already).
  void check();
  let watcher: FSWatcher | null = null;
  try {
    const name = basename(path);
    watcher = watch(dirname(path), (_event, file) => {
      if (!file || file === name || file.startsWith('..')) soon();
    });
    watcher.on('error', () => {});
    watcher.unref();
  } catch {
    // No fs.watch here: the periodic stat alone.
  }
  const interval = setInterval(() => void check(), intervalMs);
  interval.unref();
  return () => {
    stopped = true;
    watcher?.close();
    clearInterval(interval);
    if (settle) clearTimeout(settle);
  };
}

/**
 * Asks a URL for the supergraph every `intervalMs`, with the last ETag as If-None-Match:
 * an unchanged supergraph costs a 304. A failed poll is logged (once per outage) and the
 * serving supergraph stays.
 */
export class SupergraphUrl {
  private etag: string | null = null;
  private timer: NodeJS.Timeout | null = null;
  private failing = false;

  constructor(
    private readonly url: string,
    private readonly log: Logger,
  ) {}

  /** The supergraph now, or null when it did not change since the last fetch (304). */
  async fetch(): Promise<string | null> {
    const response = await fetch(this.url, {
      headers: this.etag ? { 'if-none-match': this.etag } : {},
      signal: AbortSignal.timeout(10_000),
    });
    if (response.status === 304) return null;
    if (!response.ok) throw new Error(`${this.url} answered ${response.status}`);
    const text = await response.text();
    this.etag = response.headers.get('etag');
    return text;
  }

  poll(intervalMs: number, onChange: SupergraphListener): void {
    const tick = async () => {
      try {
        const text = await this.fetch();
        if (text !== null) onChange(text, `url ${this.url}`);
        this.failing = false;
      } catch (error) {
        if (!this.failing)
          this.log.warn('supergraph URL unreachable; serving the last one', {
            url: this.url,
            error: (error as Error).message,
          });
        this.failing = true;
      }
      if (this.timer) this.schedule(intervalMs, tick);
    };
    this.schedule(intervalMs, tick);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(intervalMs: number, tick: () => Promise<void>): void {
    this.timer = setTimeout(() => void tick(), intervalMs);
    this.timer.unref();
  }
}
