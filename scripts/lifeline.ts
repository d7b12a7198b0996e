import { readFileSync } from 'node:fs';

/**
 * The processes that started this one, up to npm: `npm start` runs npm → sh → tsx → node,
 * and a signal sent to npm reaches sh only, which dies; tsx and this process would live
 * on, orphaned, holding every port. Linux only (/proc); elsewhere just the parent.
 */
export function launcherAncestors(): number[] {
  const ancestors: number[] = [];
  let pid = process.ppid;
  for (let depth = 0; depth < 6 && pid > 1; depth++) {
    const command = commandOf(pid);
    if (command === null) return ancestors.length ? ancestors : [process.ppid];
    // Only our launchers: a shell the user typed into, an init or a test runner stay out.
    if (!/\b(npm|npx|tsx)\b|npm-cli|start\.ts/.test(command)) break;
    ancestors.push(pid);
    if (/\bnpm\b|npm-cli/.test(command)) break;
    pid = parentOf(pid) ?? 0;
  }
  return ancestors;
}

/** Calls `onOrphaned` once when any of the launcher ancestors is gone. */
export function watchAncestors(onOrphaned: () => void, everyMs = 500): () => void {
  const watched = launcherAncestors();
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (watched.every(alive) && process.ppid === parent) return;
    clearInterval(timer);
    onOrphaned();
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function commandOf(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return null;
  }
}

function parentOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // pid (comm) state ppid …: comm may hold spaces and parentheses.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return Number.isInteger(ppid) ? ppid : null;
  } catch {
    return null;
  }
}
