/**
 * Bounded concurrency for the loops that change many accounts: the bulk status change and the sweeps.
 */

/**
 * Maps `items` through `fn`, at most `limit` calls running at once; the results keep the items' order.
 * A rejection rejects the whole map (callers handle failures per item inside `fn`).
 *
 * @example
 * const results = await mapLimit(accountIds, 8, (id) => changeOne(id)); // results[i] is for accountIds[i]
 */
async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < items.length; i = next++) results[i] = await fn(items[i] as T, i);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export { mapLimit };
