// Timeline entries and chat state against the REAL local stack (tests/e2e/test_timeline_state.py
// starts it, filled by the connector's replay sample). With the family chat open, the test publishes
// through the connector's replay path and ingests; the page must show, without a reload:
//   AWAIT group-change → "Bob added Carla", "… only admins can send messages" and the group call as
//                        centred lines of the open chat (never as bubbles)
//   AWAIT chat-state   → Carla pinned on top, the family muted, the book club out of the list and
//                        in the Archived folder (and back)
//   E2E_BASE_URL, E2E_PASSWORD, E2E_SCREENSHOTS
import { mkdir } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';
import { browserArgs } from './browser.mjs';
import { chatOptions, check, fillLogin, openChat, screenshotter } from './steps.mjs';

const BASE = process.env.E2E_BASE_URL ?? 'http://127.0.0.1:3000';
const PASSWORD = process.env.E2E_PASSWORD ?? '';
const SHOTS = process.env.E2E_SCREENSHOTS ?? new URL('../../.data/e2e-screenshots/', import.meta.url).pathname;
const GROUP = 'Family';
const WAIT = { timeout: 5000 };

const stdinLines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();

async function published(what) {
  console.log(`AWAIT ${what}`);
  const { value, done } = await stdinLines.next();
  check(!done && value.trim() === 'go', `the test answered ${JSON.stringify(value)} to ${what}`);
}

const line = (page, text) => page.locator('.message-list .system-line').filter({ hasText: text });
const names = (page) => chatOptions(page).locator('.chat-row-name').allInnerTexts();

async function main(page, shot) {
  await fillLogin(page, BASE, PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await chatOptions(page).filter({ hasText: GROUP }).waitFor();
  await openChat(page, GROUP, 'Dinner at 8 on Sunday?');
  await page.waitForTimeout(1500); // the first poll (the starting revision)

  await shot('timeline-group-change', async () => {
    await published('group-change');
    await line(page, 'Bob added Carla').waitFor(WAIT);
    await line(page, 'Bob changed the group so only admins can send messages').waitFor(WAIT);
    await line(page, 'group voice call').waitFor(WAIT);
    const inBubbles = await page.locator('.message-list article').filter({ hasText: 'added Carla' }).count();
    check(inBubbles === 0, `a group change is a line, not a bubble (${inBubbles} bubbles)`);
  });

  await shot('timeline-chat-state', async () => {
    await published('chat-state');
    const carla = chatOptions(page).filter({ hasText: 'Carla' }).first();
    await carla.getByRole('img', { name: 'Pinned' }).waitFor(WAIT);
    await chatOptions(page).filter({ hasText: GROUP }).first().getByRole('img', { name: 'Muted' }).waitFor(WAIT);
    const listed = await names(page);
    check(listed[0] === 'Carla', `the pinned chat is first: ${listed}`);
    await page.waitForFunction(
      () => ![...document.querySelectorAll('.chat-row-name')].some((el) => el.textContent === 'Book club'),
      null,
      WAIT,
    );
  });

  await shot('timeline-archived', async () => {
    await page.getByRole('button', { name: 'Archived' }).click();
    await chatOptions(page).filter({ hasText: 'Book club' }).waitFor(WAIT);
    const archived = await names(page);
    check(archived.length === 1 && archived[0] === 'Book club', `the Archived folder: ${archived}`);
    await page.getByRole('button', { name: 'Archived' }).click(); // its way back
    await chatOptions(page).filter({ hasText: GROUP }).waitFor(WAIT);
  });
}

await mkdir(SHOTS, { recursive: true });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: browserArgs });
const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
const shot = screenshotter(page, SHOTS);
try {
  await main(page, shot);
} catch (error) {
  await page.screenshot({ path: `${SHOTS}/timeline-failure.png` }).catch(() => {});
  console.error(error);
  process.exitCode = 1;
} finally {
  await browser.close();
  process.stdin.destroy();
}
