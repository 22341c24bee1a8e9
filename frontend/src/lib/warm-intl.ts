/** Loads the locale data for dates and numbers in a worker (see intl-warmup.worker.ts); resolves
 * when done, at once where workers are missing (tests) or fail. */
export function warmIntlOffThread(): Promise<void> {
  if (typeof Worker === 'undefined') return Promise.resolve();
  return new Promise((resolve) => {
    try {
      const worker = new Worker(new URL('./intl-warmup.worker.ts', import.meta.url), { type: 'module' });
      const stop = () => {
        worker.terminate();
        resolve();
      };
      worker.addEventListener('message', stop);
      worker.addEventListener('error', stop);
    } catch {
      resolve(); // no worker: the first formatting on the main thread pays for it
    }
  });
}
