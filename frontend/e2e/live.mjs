// Live updates against the REAL local stack (tests/e2e/test_live_updates.py starts it, filled by the
// connector's replay sample). With the family chat open, the test publishes through the connector's
// replay path and ingests; each change must show within 2 s of `go`, without a reload:
//   AWAIT message        → a new message: at the bottom of the open chat (which stays at the end) and
//                          as the chat's preview in the list
//   AWAIT edit-reaction  → (reader scrolled up a little) its edit, a reaction and one more message:
//                          shown, and the scroll position is kept
//   E2E_BASE_URL, E2E_PASSWORD, E2E_SCREENSHOTS; E2E_NEW_TEXT, E2E_EDITED_TEXT, E2E_REACTION, E2E_SECOND_TEXT
import { mkdir } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';
import { browserArgs } from './browser.mjs';
import { chatOptions, check, fillLogin, openChat, screenshotter } from './steps.mjs';

const BASE = process.env.E2E_BASE_URL ?? 'http://127.0.0.1:3000';
const PASSWORD = process.env.E2E_PASSWORD ?? '';
const SHOTS = process.env.E2E_SCREENSHOTS ?? new URL('../../.data/e2e-screenshots/', import.meta.url).pathname;
const NEW_TEXT = process.env.E2E_NEW_TEXT ?? '';
const EDITED_TEXT = process.env.E2E_EDITED_TEXT ?? '';
const REACTION = process.env.E2E_REACTION ?? '';
const SECOND_TEXT = process.env.E2E_SECOND_TEXT ?? '';
const BUDGET_MS = 2000;
const GROUP = 'Family';

const stdinLines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();

/** Asks the test to publish and ingest; resolves when it is done (the ingest committed). */
async function published(what) {
  console.log(`AWAIT ${what}`);
  const { value, done } = await stdinLines.next();
  check(!done && value.trim() === 'go', `the test answered ${JSON.stringify(value)} to ${what}`);
  return Date.now();
}

const bubble = (page, text) => page.locator('.message-list article').filter({ hasText: text });
const listGeometry = (page) =>
  page.locator('.message-list').evaluate((element) => ({
    top: element.scrollTop,
    gap: element.scrollHeight - element.scrollTop - element.clientHeight,
  }));

async function within(started, what, waits) {
  await Promise.all(waits.map((wait) => wait({ timeout: BUDGET_MS + 500 })));
  const elapsed = Date.now() - started;
  check(elapsed <= BUDGET_MS, `${what} shown ${elapsed} ms after ingest (budget ${BUDGET_MS} ms)`);
  return elapsed;
}

async function main(page, shot) {
  await fillLogin(page, BASE, PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await chatOptions(page).filter({ hasText: GROUP }).waitFor();
  await openChat(page, GROUP, 'Dinner at 8 on Sunday?');
  await page.waitForTimeout(1500); // the first poll (the starting revision) and the list's measurements
  let navigations = 0;
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) navigations += 1;
  });

  await shot('live-message', async () => {
    const started = await published('message');
    const elapsed = await within(started, 'the new message', [
      (options) => bubble(page, NEW_TEXT).waitFor(options),
      (options) => chatOptions(page).filter({ hasText: GROUP }).filter({ hasText: NEW_TEXT }).waitFor(options),
    ]);
    await page.waitForTimeout(300); // measured and re-laid out
    const { gap } = await listGeometry(page);
    check(gap <= 8, `the list stayed at its end (${gap} px below the viewport)`);
    console.log(`new message shown ${elapsed} ms after ingest`);
  });

  await shot('live-edit-reaction', async () => {
    await page.locator('.message-list').evaluate((element) => {
      element.scrollTop -= 120;
    });
    await page.waitForTimeout(400);
    const before = await listGeometry(page);
    check(before.gap > 60, `scrolled up a little (${before.gap} px below)`);
    const started = await published('edit-reaction');
    const elapsed = await within(started, 'the edit, the reaction and the second message', [
      (options) => bubble(page, EDITED_TEXT).filter({ hasText: REACTION }).waitFor(options),
      (options) => bubble(page, SECOND_TEXT).waitFor({ ...options, state: 'attached' }),
    ]);
    await page.waitForTimeout(300);
    const after = await listGeometry(page);
    check(Math.abs(after.top - before.top) <= 2, `the scroll position was kept (${before.top} → ${after.top})`);
    check(after.gap > before.gap, `the second message was added below the viewport (${before.gap} → ${after.gap} px)`);
    check(navigations === 0, `no reload (${navigations} navigations)`);
    console.log(`edit and reaction shown ${elapsed} ms after ingest`);
  });
}

await mkdir(SHOTS, { recursive: true });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: browserArgs });
const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
const shot = screenshotter(page, SHOTS);
try {
  await main(page, shot);
} catch (error) {
  await page.screenshot({ path: `${SHOTS}/live-failure.png` }).catch(() => {});
  console.error(error);
  process.exitCode = 1;
} finally {
  await browser.close();
  process.stdin.destroy();
}
