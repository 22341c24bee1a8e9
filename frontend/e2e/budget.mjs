// Render budget in Debian's Chromium (bench/ui_budget.py starts the stack and runs this): long tasks
// (> 50 ms, PerformanceObserver 'longtask') while the UI scrolls the whole chat list and a chat of
// 100,000 messages. Prints figures; a timing is never asserted. Exits 1 only if a phase cannot run.
//   E2E_BASE_URL, E2E_PASSWORD; BUDGET_CHATS (chats in the archive), BUDGET_BIG_CHAT (its name),
//   BUDGET_WORD (the one word of a message in the middle of the big chat), BUDGET_PAGES (older pages)
import { chromium } from 'playwright-core';
import { browserArgs, longTaskObserver, readLongFrames, readLongTasks, summarize } from './browser.mjs';

const BASE = process.env.E2E_BASE_URL ?? 'http://127.0.0.1:3000';
const CHATS = Number(process.env.BUDGET_CHATS ?? 10_000);
const BIG_CHAT = process.env.BUDGET_BIG_CHAT ?? 'Big group';
const WORD = process.env.BUDGET_WORD ?? 'budgetneedle';
const PAGES = Number(process.env.BUDGET_PAGES ?? 40);
const figures = [];

/** Scrolls `selector` by `step` px a frame (a fast fling) until `done()` holds in the page. */
function fling(page, selector, step, until, timeoutMs) {
  return page.evaluate(
    ([sel, px, doneSource, limit]) =>
      new Promise((resolve, reject) => {
        const done = new Function(`return (${doneSource})();`);
        const started = performance.now();
        let frames = 0;
        let worstGap = 0;
        let last = started;
        const tick = (now) => {
          frames += 1;
          worstGap = Math.max(worstGap, now - last);
          last = now;
          const element = document.querySelector(sel);
          if (element) element.scrollTop += px;
          if (done()) resolve({ frames, worstGap: Math.round(worstGap), ms: Math.round(now - started) });
          else if (now - started > limit) {
            const where = element ? `scrollTop ${element.scrollTop} of ${element.scrollHeight}` : 'no element';
            reject(new Error(`fling on ${sel} timed out after ${frames} frames: ${where}`));
          } else requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      }),
    [selector, step, until.toString(), timeoutMs],
  );
}

/** BUDGET_PROFILE=1: a CPU profile per phase; prints the functions with the most self time. */
let cdp = null;
async function profileStart(page) {
  if (process.env.BUDGET_PROFILE !== '1') return;
  cdp ??= await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 250 });
  await cdp.send('Profiler.start');
}
async function profileStop() {
  if (!cdp) return;
  const { profile } = await cdp.send('Profiler.stop');
  const self = new Map();
  const deltas = profile.timeDeltas;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  profile.samples.forEach((id, i) => {
    const { callFrame: f } = byId.get(id);
    const key = `${f.functionName || '(anon)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + (deltas[i + 1] ?? 0) / 1000);
  });
  const top = [...self]
    .filter(([key]) => !key.startsWith('(idle)') && !key.startsWith('(program)'))
    .sort((a, b) => b[1] - a[1])
    .slice(0, 18);
  for (const [key, ms] of top) console.log(`      self ${ms.toFixed(1)} ms  ${key}`);
}

async function phase(page, name, action) {
  await readLongTasks(page);
  await readLongFrames(page);
  await profileStart(page);
  const started = Date.now();
  const detail = (await action()) ?? {};
  await page.waitForTimeout(300); // a long task is reported once it ends
  await profileStop();
  const tasks = await readLongTasks(page);
  const frames = detail.frames ? `, ${detail.frames} frames, worst frame gap ${detail.worstGap} ms` : '';
  figures.push({ name, tasks });
  console.log(`  ${name}: ${Date.now() - started} ms${frames}; long tasks > 50 ms: ${summarize(tasks)}`);
  if (process.env.BUDGET_DETAIL === '1')
    for (const frame of await readLongFrames(page)) console.log(`      long frame ${frame}`);
}

async function run(page) {
  const chatList = page.getByRole('listbox', { name: 'Chats' });
  await phase(page, 'load the app (login screen)', async () => {
    await page.goto(BASE);
    await page.getByLabel('Password').waitFor();
  });
  await phase(page, 'sign in → first chats', async () => {
    await page.getByLabel('Password').fill(process.env.E2E_PASSWORD ?? '');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await chatList.getByRole('option').first().waitFor();
  });
  await phase(page, `scroll the chat list to chat ${CHATS.toLocaleString('en')}`, () =>
    fling(
      page,
      '#chat-listbox',
      1500,
      () => {
        const element = document.querySelector('#chat-listbox');
        const loaded = Number(element?.querySelector('[role=option]')?.getAttribute('aria-setsize') ?? 0);
        return (
          loaded >= Number(document.body.dataset.budgetChats) &&
          element.scrollTop + element.clientHeight >= element.scrollHeight - 2
        );
      },
      180_000,
    ),
  );
  await page.locator('#chat-listbox').evaluate((element) => {
    element.scrollTop = 0;
  });

  await phase(page, `open "${BIG_CHAT}" (newest page)`, async () => {
    await chatList.getByRole('option').filter({ hasText: BIG_CHAT }).click();
    await page.locator('.message-list article').first().waitFor();
  });
  await phase(page, `scroll back ${PAGES} pages (${PAGES * 50} messages)`, () =>
    fling(
      page,
      '.message-list',
      -900,
      () =>
        performance.getEntriesByType('resource').filter((entry) => entry.name.includes('before=')).length >=
          Number(document.body.dataset.budgetPages) && !document.querySelector('.edge-loading'),
      300_000,
    ),
  );
  await phase(page, 'search → jump to the middle of the chat', async () => {
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const box = page.getByRole('searchbox', { name: 'Search messages' });
    await box.fill(WORD);
    await box.press('Enter');
    await page.getByRole('listbox', { name: 'Search results' }).getByRole('button').first().click();
    await page.locator('.bubble-highlight').waitFor();
  });
  await phase(page, 'scroll forward from the hit (3 s)', () =>
    fling(
      page,
      '.message-list',
      900,
      () =>
        performance.now() -
          Number(document.body.dataset.flingStart ?? (document.body.dataset.flingStart = performance.now())) >
        3000,
      60_000,
    ),
  );
}

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: browserArgs });
const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
await page.addInitScript(longTaskObserver);
await page.addInitScript(
  ([chats, pages]) => {
    document.addEventListener('DOMContentLoaded', () =>
      Object.assign(document.body.dataset, { budgetChats: chats, budgetPages: pages }),
    );
  },
  [String(CHATS), String(PAGES)],
);
try {
  await run(page);
  const all = figures.flatMap((figure) => figure.tasks);
  console.log(`  all phases: long tasks > 50 ms: ${summarize(all)}`);
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  await browser.close();
}
