/**
 * Polling for what runs on its own (the stream poller, the worker, a stack starting or stopping): there is
 * nothing to await, so the test asks again until the answer comes, within a bound.
 */

/**
 * Polls `probe` until it returns a value other than undefined; fails after `timeoutMs` (long enough for a
 * whole `npm start` on a loaded machine; the test's own timeout usually ends it first).
 *
 * @example
 * const entry = await eventually(async () => (await readEvents()).find((e) => e.detail.id === id));
 */
async function eventually<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 90_000,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export { eventually };
