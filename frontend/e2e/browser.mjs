// Shared by the journey and the render budget: Debian's Chromium (docs/local-stack.md#browser-tests-debians-chromium; never
// `playwright install`) and a PerformanceObserver collecting long tasks (> 50 ms) in the page.
export const browserArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-dev-shm-usage',
];

/** Runs in the page before any script (page.addInitScript). Long animation frames (> 50 ms) are
 * kept too, with the scripts that ran in them: where a long task's time went. */
export function longTaskObserver() {
  window.__longTasks = [];
  window.__longFrames = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.__longTasks.push(Math.round(entry.duration));
  }).observe({ type: 'longtask', buffered: true });
  new PerformanceObserver((list) => {
    for (const frame of list.getEntries()) {
      const scripts = frame.scripts.map((script) => `${script.invoker} ${Math.round(script.duration)} ms`);
      window.__longFrames.push(
        `${Math.round(frame.duration)} ms, blocking ${Math.round(frame.blockingDuration)} ms: ${scripts.join(', ') || 'no script'}`,
      );
    }
  }).observe({ type: 'long-animation-frame', buffered: true });
}

/** The long animation frames seen so far (described), emptied. */
export const readLongFrames = (page) => page.evaluate(() => (window.__longFrames ?? []).splice(0));

/** The long tasks seen so far, emptied (so a phase can be measured on its own). */
export const readLongTasks = (page) => page.evaluate(() => (window.__longTasks ?? []).splice(0));

export const summarize = (tasks) => (tasks.length ? `${tasks.length} (max ${Math.max(...tasks)} ms)` : '0');
