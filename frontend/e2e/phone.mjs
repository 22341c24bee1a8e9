// The web UI on a phone (390 × 844, touch) against the REAL local stack (tests/e2e/test_web_phone.py
// starts it, filled by the connector's replay sample): at each screen nothing is wider than the
// screen (no sideways scroll), controls are >= 40 px touch targets, one column with back
// navigation (the browser's back button too), the voice note's player fits its bubble, and a
// connector going offline shows as a banner while the chat stays; then the pairing dialog links
// by phone number (the API queues the command, the code shows big).
//   E2E_BASE_URL, E2E_PASSWORD, E2E_SCREENSHOTS, E2E_WORD: as for journey.mjs
// It prints `AWAIT offline` before the banner step and `AWAIT link-code` once a link code was asked
// for, and waits for `go` on stdin: the test then plays the connector (status `offline`; the link
// code E2E_LINK_CODE through the status store) and checks what the API queued for it.
import { mkdir } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';
import { browserArgs } from './browser.mjs';
import { chatOptions, check, fillLogin, openChat, screenshotter } from './steps.mjs';

const BASE = process.env.E2E_BASE_URL ?? 'http://127.0.0.1:3000';
const PASSWORD = process.env.E2E_PASSWORD ?? '';
const SHOTS = process.env.E2E_SCREENSHOTS ?? new URL('../../.data/e2e-screenshots/', import.meta.url).pathname;
const WORD = process.env.E2E_WORD ?? 'zeppelin';
const PHONE = { width: 390, height: 844 };
const MIN_TARGET = 40;
const PAIR_PHONE = '+49 151 1234 5678';
const LINK_CODE = process.env.E2E_LINK_CODE ?? 'ABCD-EFGH';

const stdinLines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();

async function waitForOrder(message) {
  console.log(`AWAIT ${message}`);
  const { value, done } = await stdinLines.next();
  check(!done && value.trim() === 'go', `the test answered ${JSON.stringify(value)} to ${message}`);
}

/** No sideways scroll: the page is no wider than the screen (names what sticks out if it is). */
async function fitsTheScreen(page, where) {
  const { scrollWidth, innerWidth, outside } = await page.evaluate(() => {
    const width = window.innerWidth;
    const name = (element) =>
      `${element.tagName.toLowerCase()}.${[...element.classList].join('.')}[${element.getAttribute('aria-label') ?? ''}]`;
    const outside = [...document.querySelectorAll('body *')]
      .filter((element) => {
        const box = element.getBoundingClientRect();
        return box.width > 0 && box.height > 0 && (box.right > width + 0.5 || box.left < -0.5);
      })
      .slice(0, 6)
      .map(
        (element) =>
          `${name(element)} ${Math.round(element.getBoundingClientRect().left)}..${Math.round(element.getBoundingClientRect().right)}`,
      );
    return { scrollWidth: document.scrollingElement.scrollWidth, innerWidth: width, outside };
  });
  check(
    scrollWidth <= innerWidth,
    `${where}: no sideways scroll (${scrollWidth} px of content at ${innerWidth} px): ${outside.join(', ')}`,
  );
  check(outside.length === 0, `${where}: nothing sticks out of the screen: ${outside.join(', ')}`);
}

/** Every visible button, field and switch is at least 40 × 40 px. */
async function touchTargets(page, where) {
  const small = await page.evaluate((minimum) => {
    const controls = document.querySelectorAll('button, select, input, [role=switch], a.doc-download');
    return [...controls]
      .filter((element) => {
        const box = element.getBoundingClientRect();
        const style = getComputedStyle(element);
        const shown =
          box.width > 0 &&
          box.height > 0 &&
          style.visibility !== 'hidden' &&
          box.bottom > 0 &&
          box.top < window.innerHeight;
        return shown && (box.width < minimum - 0.5 || box.height < minimum - 0.5);
      })
      .map((element) => {
        const box = element.getBoundingClientRect();
        const label = element.getAttribute('aria-label') ?? element.textContent.trim().slice(0, 30);
        return `${element.tagName.toLowerCase()} "${label}" ${Math.round(box.width)}×${Math.round(box.height)}`;
      });
  }, MIN_TARGET);
  check(small.length === 0, `${where}: touch targets >= ${MIN_TARGET} px: ${small.join(', ')}`);
}

async function checkScreen(page, where) {
  await fitsTheScreen(page, where);
  await touchTargets(page, where);
}

async function main(page, shot) {
  await shot('phone-01-login', async () => {
    await fillLogin(page, BASE, PASSWORD);
    await checkScreen(page, 'login');
  });
  await page.getByRole('button', { name: 'Sign in' }).click();

  await shot('phone-02-chats', async () => {
    await chatOptions(page).filter({ hasText: 'Family' }).waitFor();
    await checkScreen(page, 'chat list');
    const menu = await page.getByRole('button', { name: 'Menu' }).boundingBox();
    check(menu && menu.x + menu.width <= PHONE.width, `the menu button is on screen: ${JSON.stringify(menu)}`);
  });

  await shot('phone-03-chat', async () => {
    await openChat(page, 'Anna', 'Are you coming tonight');
    check(
      !(await page.getByRole('listbox', { name: 'Chats' }).isVisible()),
      'one column: the list gives way to the chat',
    );
    const voice = page.getByLabel('Voice message');
    await voice.waitFor();
    const fit = await voice.evaluate((audio) => {
      const player = audio.getBoundingClientRect();
      const bubble = audio.closest('.bubble').getBoundingClientRect();
      return { player: [player.left, player.right], bubble: [bubble.left, bubble.right] };
    });
    check(
      fit.player[0] >= fit.bubble[0] - 0.5 && fit.player[1] <= fit.bubble[1] + 0.5,
      `the voice note's player fits its bubble: ${JSON.stringify(fit)}`,
    );
    await checkScreen(page, 'chat');
  });

  await shot('phone-04-back', async () => {
    await page.evaluate(() => window.history.back()); // the browser's (or the phone's) back button
    await page.getByRole('listbox', { name: 'Chats' }).waitFor();
    check((await page.getByRole('region', { name: /^Chat / }).count()) === 0, 'back closes the chat');
    await openChat(page, 'Family', 'Dinner at 8 on Sunday?');
    await page.getByRole('button', { name: 'Back to chats' }).click();
    await page.getByRole('listbox', { name: 'Chats' }).waitFor();
    await checkScreen(page, 'back to the list');
  });

  await shot('phone-05-search', async () => {
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const box = page.getByRole('searchbox', { name: 'Search messages' });
    await box.fill(WORD);
    await box.press('Enter');
    await page.getByRole('listbox', { name: 'Search results' }).getByRole('option').first().waitFor();
    await checkScreen(page, 'search');
  });

  await shot('phone-06-jump', async () => {
    await page.getByRole('listbox', { name: 'Search results' }).getByRole('button').first().click();
    await page.locator('.bubble-highlight').waitFor();
    check(
      (await page.getByRole('complementary', { name: 'Search panel' }).count()) === 0,
      'the search panel gives way to the hit',
    );
    await checkScreen(page, 'search hit');
  });

  await shot('phone-07-admin', async () => {
    await page.getByRole('button', { name: 'Tracking' }).click();
    await page.getByRole('switch').first().waitFor();
    await checkScreen(page, 'admin panel');
  });

  await page.getByRole('button', { name: 'Chats', exact: true }).click();
  await page.getByRole('region', { name: 'Chat Family' }).waitFor(); // the chat of the hit is still open
  await waitForOrder('offline');
  await shot('phone-08-offline-banner', async () => {
    const banner = page.locator('.connector-banner');
    await banner.getByRole('button', { name: 'Restart connector' }).waitFor({ timeout: 10_000 });
    check((await banner.innerText()).includes('offline'), `the banner names the state: ${await banner.innerText()}`);
    check(await page.getByRole('region', { name: 'Chat Family' }).isVisible(), 'the chat stays open');
    await checkScreen(page, 'offline banner');
    await banner.getByRole('button', { name: 'Restart connector' }).click();
    await banner.getByText('Restart requested').waitFor(); // the API queued it (the test reads the queue)
  });

  await shot('phone-09-menu', async () => {
    await page.getByRole('button', { name: 'Menu' }).click();
    await page
      .getByRole('group', { name: 'Account and connector' })
      .getByRole('button', { name: 'Sign out' })
      .waitFor();
    await checkScreen(page, 'menu');
  });

  await shot('phone-10-pairing', async () => {
    await page
      .getByRole('group', { name: 'Account and connector' })
      .getByRole('button', { name: 'Link WhatsApp' })
      .click();
    await page.getByRole('dialog', { name: 'Link WhatsApp' }).waitFor();
    await checkScreen(page, 'pairing dialog');
  });

  const dialog = page.getByRole('dialog', { name: 'Link WhatsApp' });
  await shot('phone-11-phone-number', async () => {
    await dialog.getByRole('button', { name: 'Link with phone number' }).click();
    const number = dialog.getByLabel('Phone number of the WhatsApp account');
    await number.fill('0151 1234 5678');
    await dialog.getByRole('button', { name: 'Get code' }).click();
    check(
      (await dialog.getByRole('alert').innerText()).includes('country code'),
      'a number without its country code is refused here',
    );
    await number.fill(PAIR_PHONE);
    await dialog.getByRole('button', { name: 'Get code' }).click();
    await dialog.getByText('Waiting for the code from WhatsApp').waitFor();
    await checkScreen(page, 'phone number');
  });
  await waitForOrder('link-code');
  await shot('phone-12-link-code', async () => {
    const code = dialog.getByLabel('Your code');
    await code.waitFor({ timeout: 10_000 });
    check((await code.innerText()) === LINK_CODE, `the link code: ${await code.innerText()}`);
    check(
      (await dialog.innerText()).includes(`Link with phone number instead → enter ${LINK_CODE}`),
      'the steps on the phone name the code',
    );
    const size = await code.evaluate((element) => parseFloat(getComputedStyle(element).fontSize));
    check(size >= 28, `the code is big: ${size} px`);
    await checkScreen(page, 'link code');
  });
  await page.evaluate(() => window.history.back());
  await page.getByRole('dialog').waitFor({ state: 'detached' });
  check(
    await page.getByRole('region', { name: 'Chat Family' }).isVisible(),
    'back closes the pairing dialog, the chat is still open',
  );

  await shot('phone-13-narrow', async () => {
    // the narrowest phones in use: the open chat (with its banner), the list, Anna's voice note
    await page.setViewportSize({ width: 360, height: 740 });
    await checkScreen(page, 'chat at 360 px');
    await page.getByRole('button', { name: 'Back to chats' }).click();
    await chatOptions(page).first().waitFor();
    await checkScreen(page, 'chat list at 360 px');
    await openChat(page, 'Anna', 'Are you coming tonight');
    await checkScreen(page, 'voice note at 360 px');
  });
}

await mkdir(SHOTS, { recursive: true });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: browserArgs });
const context = await browser.newContext({ viewport: PHONE, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
const page = await context.newPage();
const shot = screenshotter(page, SHOTS);
try {
  await main(page, shot);
  console.log(`screenshots: ${SHOTS}`);
} catch (error) {
  await page.screenshot({ path: `${SHOTS}/phone-failure.png` }).catch(() => {});
  console.error(error);
  process.exitCode = 1;
} finally {
  await browser.close();
  process.stdin.destroy();
}
