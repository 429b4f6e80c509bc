/**
 * Runs fn over items with at most `limit` at once. The first failure, or the signal's abort, stops
 * new starts; the ones running are waited for (so their clean-up is done) and the failure is thrown.
 */
export async function eachLimit<T>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  let next = 0;
  let failed: unknown = null;
  const worker = async () => {
    while (failed === null && next < items.length) {
      if (signal?.aborted) {
        failed = signal.reason;
        break;
      }
      const item = items[next++];
      try {
        await fn(item);
      } catch (err) {
        failed ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failed !== null) throw failed;
}
