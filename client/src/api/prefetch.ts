import { api } from './client';

// Requests every screen needs, started by main.tsx before React renders (the
// providers' effects would otherwise send them only after the first commit,
// ~0.5 s later on a loaded machine). Each answer is handed out once: the first
// caller takes the promise, later callers (a reload, a retry) fetch afresh.

const started = new Map<string, Promise<unknown>>();

export function prefetch(path: string): void {
  if (started.has(path)) return;
  const pending = api(path);
  // A failure is reported to whoever takes it; unhandled until then is not an error.
  pending.catch(() => undefined);
  started.set(path, pending);
}

/** The prefetched answer for `path`, once; null when none was started (or it was taken). */
export function takePrefetched<T>(path: string): Promise<T> | null {
  const pending = started.get(path);
  if (!pending) return null;
  started.delete(path);
  return pending as Promise<T>;
}
