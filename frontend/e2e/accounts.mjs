// Several accounts in the browser against the REAL local stack (tests/e2e/test_web_accounts.py starts
// it, the replay sample archived under one account): login → the sample's chats → "Add account" (a
// hostile display name) → its pairing dialog → its chat list empty → a reload keeps it → switch back
// to the sample's chats → search across all accounts (hits name their account) → delete the new
// account (dry-run counts, typed id). Each step checks real DOM content and writes a screenshot.
//   E2E_BASE_URL, E2E_PASSWORD, E2E_SCREENSHOTS, E2E_WORD: as journey.mjs
import { mkdir } from 'node:fs/promises';
import { chromium } from 'playwright-core';
import { browserArgs } from './browser.mjs';
import { chatOptions, check, fillLogin, screenshotter } from './steps.mjs';

const BASE = process.env.E2E_BASE_URL ?? 'http://127.0.0.1:3000';
const PASSWORD = process.env.E2E_PASSWORD ?? '';
const SHOTS = process.env.E2E_SCREENSHOTS ?? new URL('../../.data/e2e-screenshots/', import.meta.url).pathname;
const WORD = process.env.E2E_WORD ?? 'zeppelin';
const GROUP = 'Family';
const NEW_ID = 'second-phone';
const NEW_NAME = 'Second <img src=x onerror="window.pwned=1"> phone';

const switcher = (page) => page.getByRole('button', { name: /^Account: / });
const accountInUrl = (page) => new URL(page.url()).searchParams.get('account');

async function switchTo(page, name) {
  await switcher(page).click();
  await page.getByRole('list', { name: 'Switch account' }).getByRole('button').filter({ hasText: name }).click();
}

async function main(page, shot) {
  await fillLogin(page, BASE, PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  const sample = await shot('a01-sample-account', async () => {
    await chatOptions(page).filter({ hasText: GROUP }).waitFor();
    const id = accountInUrl(page);
    check(id !== null && id.startsWith('e2e_'), `the URL names the sample's account: ${page.url()}`);
    return id;
  });

  await shot('a02-add-account', async () => {
    check((await switcher(page).count()) === 0, 'one account: no switcher');
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByRole('button', { name: 'WhatsApp accounts' }).click();
    const form = page.getByRole('form', { name: 'Add account' });
    await form.getByRole('textbox', { name: 'Name' }).fill(NEW_NAME);
    await form.getByRole('textbox', { name: 'Id' }).fill(NEW_ID);
    await form.getByRole('button', { name: 'Add and link WhatsApp' }).click();
    await page.getByRole('dialog').waitFor(); // the new account's pairing view
    check(accountInUrl(page) === NEW_ID, `the URL names the new account: ${page.url()}`);
  });

  await shot('a03-new-account-empty', async () => {
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await page.getByText('No chats yet.').waitFor();
    check((await chatOptions(page).count()) === 0, 'the new account lists no chat of the sample');
    check(
      (await switcher(page).innerText()).includes(NEW_NAME),
      `the switcher shows the new name as text: ${await switcher(page).innerText()}`,
    );
  });

  await shot('a04-reload-keeps-account', async () => {
    await page.reload();
    await page.getByText('No chats yet.').waitFor();
    check(
      accountInUrl(page) === NEW_ID && (await switcher(page).innerText()).includes(NEW_NAME),
      'a reload keeps the account',
    );
  });

  await shot('a05-phone-top-bar', async () => {
    // At a phone's size the switcher, the tabs and ☰ share the top bar: in a row, none overlapping, all on screen.
    await page.setViewportSize({ width: 390, height: 844 });
    const boxes = await page.evaluate(() =>
      [...document.querySelectorAll('.account-switcher > button, .top-bar .tabs button, .menu-button')].map(
        (element) => {
          const { left, right } = element.getBoundingClientRect();
          return { text: element.textContent, left, right };
        },
      ),
    );
    check(boxes.length === 5, `switcher, three tabs, menu: ${JSON.stringify(boxes)}`);
    boxes.forEach((box, index) =>
      check(index === 0 || boxes[index - 1].right <= box.left + 0.5, `no overlap: ${JSON.stringify(boxes)}`),
    );
    check(
      boxes[4].right <= 390 && (await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)),
      'no sideways scroll',
    );
  });

  await shot('a05-switch-back', async () => {
    await page.setViewportSize({ width: 1400, height: 900 });
    await switchTo(page, sample);
    await chatOptions(page).filter({ hasText: GROUP }).waitFor();
    check(accountInUrl(page) === sample, `back on the sample's account: ${page.url()}`);
  });

  await shot('a06-search-all-accounts', async () => {
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByRole('combobox', { name: 'Accounts to search' }).selectOption('all');
    await page.getByRole('searchbox', { name: 'Search messages' }).fill(WORD);
    await page.getByRole('searchbox', { name: 'Search messages' }).press('Enter');
    const hit = page.getByRole('listbox', { name: 'Search results' }).getByRole('option').first();
    await hit.waitFor();
    check(
      (await hit.locator('.account-tag').innerText()) === sample,
      `the hit names its account: ${await hit.innerText()}`,
    );
  });

  await shot('a07-delete-account', async () => {
    await switcher(page).click();
    await page.getByRole('button', { name: 'Add or manage accounts' }).click();
    const card = page.getByRole('region', { name: `Account ${NEW_NAME}` });
    await card.getByRole('button', { name: 'Delete…' }).click();
    await card.getByRole('list', { name: 'What the deletion removes' }).waitFor();
    await card.getByRole('textbox', { name: /to confirm/ }).fill(NEW_ID);
    await card.getByRole('button', { name: `Delete ${NEW_NAME}` }).click();
    await card.waitFor({ state: 'detached' });
    const left = await page.getByRole('region', { name: /^Account / }).allInnerTexts();
    check(left.length === 1 && left[0].includes(sample), `one account left: ${left}`);
    await switcher(page).waitFor({ state: 'detached' }); // one account again: no switcher
  });

  check((await page.evaluate(() => window.pwned)) === undefined, 'the hostile display name ran no script');
  check((await page.locator('img[src="x"]').count()) === 0, 'the hostile display name made no element');
}

await mkdir(SHOTS, { recursive: true });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: browserArgs });
const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
// Every API answer of the journey but the signed-out start's 401: with two accounts a call without
// `account` (the start's session check after a reload too) would be a 400.
const failed = [];
page.on('response', (response) => {
  if (new URL(response.url()).pathname.startsWith('/api/') && response.status() >= 400 && response.status() !== 401)
    failed.push(`${response.status()} ${response.url()}`);
});
const shot = screenshotter(page, SHOTS);
try {
  await main(page, shot);
  check(failed.length === 0, `no API call failed: ${failed.join(' | ')}`);
  console.log(`screenshots: ${SHOTS}`);
} catch (error) {
  await page.screenshot({ path: `${SHOTS}/accounts-failure.png` }).catch(() => {});
  console.error(error);
  process.exitCode = 1;
} finally {
  await browser.close();
}
