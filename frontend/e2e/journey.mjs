// The browser journey against the REAL local stack (tests/e2e/test_web_journey.py starts it, filled by
// the connector's replay sample): login → chats (with their profile pictures) → open the family group → scroll back two pages →
// open a photo → search a word → jump to the hit → untrack a chat (admin panel, then the chat list)
// → once unpaired, a banner over the still open chat → its pairing dialog with the QR code → Anna's
// chat: her avatar in the header, "↪ Forwarded" and "forwarded many times" on two bubbles, the message
// we pinned (pin mark), her unanswered video call as a line, her sealed edit opened (new text, edited,
// the original in its history).
// Each step checks real DOM content and writes a screenshot.
//   E2E_BASE_URL, E2E_PASSWORD: the app and its admin password
//   E2E_SCREENSHOTS: folder for the screenshots (outside git)
//   E2E_WORD: the word only one old family message holds
//   E2E_ANNA: JSON of the sample's texts in Anna's chat (forwarded, forwardedMany, original, edited)
// Before the banner step it prints `AWAIT unpaired` and waits for a line on stdin: the test then makes
// the connector status `waiting_for_qr` (as the connector does) and answers.
import { mkdir } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';
import { browserArgs, longTaskObserver, readLongTasks, summarize } from './browser.mjs';
import { chatOptions, check, fillLogin, openPhoto, screenshotter } from './steps.mjs';

const BASE = process.env.E2E_BASE_URL ?? 'http://127.0.0.1:3000';
const PASSWORD = process.env.E2E_PASSWORD ?? '';
const SHOTS = process.env.E2E_SCREENSHOTS ?? new URL('../../.data/e2e-screenshots/', import.meta.url).pathname;
const WORD = process.env.E2E_WORD ?? 'zeppelin';
const GROUP = 'Family';
const UNTRACK = 'Carla';
const ANNA = JSON.parse(process.env.E2E_ANNA ?? '{}');

const stdinLines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const requests = [];

async function waitForOrder(message) {
  console.log(`AWAIT ${message}`);
  const { value, done } = await stdinLines.next();
  check(!done && value.trim() === 'go', `the test answered ${JSON.stringify(value)} to ${message}`);
}

const messagePages = (kind) => requests.filter((url) => url.includes('/messages?') && url.includes(`${kind}=`));
const visibleTexts = (page) => page.locator('.message-list article').allInnerTexts();

async function main(page, shot) {
  await shot('01-login', () => fillLogin(page, BASE, PASSWORD));
  await page.getByRole('button', { name: 'Sign in' }).click();

  await shot('02-chats', async () => {
    const options = chatOptions(page);
    await options.filter({ hasText: GROUP }).waitFor();
    const names = await options.locator('.chat-row-name').allInnerTexts();
    for (const name of [GROUP, 'Anna', 'Carla', 'David', 'Book club'])
      check(names.includes(name), `chat list has ${name}: ${names}`);
    // Profile pictures (the sample's 96 px JPEGs) over the initials; a chat without one keeps them.
    for (const name of ['Anna', GROUP]) {
      const picture = options.filter({ hasText: name }).first().locator('img.avatar-picture');
      await picture.waitFor();
      await page.waitForFunction((img) => img.complete && img.naturalWidth > 0, await picture.elementHandle());
      const { src, width } = await picture.evaluate((img) => ({ src: img.src, width: img.naturalWidth }));
      check(new URL(src).pathname.startsWith('/api/pictures/') && width === 96, `${name}'s picture: ${src} ${width}`);
    }
    check((await options.filter({ hasText: 'Carla' }).first().locator('img').count()) === 0, 'Carla has initials');
  });

  await shot('03-group', async () => {
    await page.getByRole('option').filter({ hasText: GROUP }).click();
    await page.locator('.message-list article').filter({ hasText: 'Dinner at 8 on Sunday?' }).waitFor();
    await page.waitForTimeout(300); // let a stray older-page fetch show itself
    check(messagePages('before').length === 0, `no older page fetched on open: ${messagePages('before')}`);
  });

  await shot('04-scrolled-back', async () => {
    const list = page.locator('.message-list');
    for (let n = 1; n <= 2; n += 1) {
      await list.evaluate((element) => {
        element.scrollTop = 0;
      });
      await page.waitForFunction(
        (count) =>
          performance
            .getEntriesByType('resource')
            .filter((entry) => entry.name.includes('/messages?') && entry.name.includes('before=')).length >= count,
        n,
      );
      await page.locator('.edge-loading.top').waitFor({ state: 'detached' });
    }
    check(messagePages('before').length === 2, `two older pages: ${messagePages('before').length}`);
    const texts = (await visibleTexts(page)).join('\n');
    const numbers = [...texts.matchAll(/\((\d+)\)/g)].map((match) => Number(match[1]));
    check(numbers.length > 0 && Math.min(...numbers) < 175, `older messages on screen: ${numbers}`);
  });

  await shot('05-photo', async () => {
    const list = page.locator('.message-list');
    const photo = page.getByRole('button', { name: 'Open photo' });
    for (let step = 0; step < 80 && (await photo.count()) === 0; step += 1) {
      await list.evaluate((element) => {
        element.scrollTop += 250;
      });
      await page.waitForTimeout(40);
    }
    const { src, width } = await openPhoto(page);
    check(new URL(src).pathname.startsWith('/api/media/'), `photo from the API: ${src}`);
    check(width === 160, `the recorded photo's width: ${width}`);
  });
  await page.keyboard.press('Escape');

  await shot('06-search', async () => {
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const box = page.getByRole('searchbox', { name: 'Search messages' });
    await box.fill(WORD);
    await box.press('Enter');
    const hits = page.getByRole('listbox', { name: 'Search results' }).getByRole('option');
    await hits.first().waitFor();
    check((await hits.count()) === 1, `one hit for ${WORD}: ${await hits.count()}`);
    const hit = await hits.first().innerText();
    check(hit.includes(GROUP) && hit.toLowerCase().includes(WORD), `the hit names the group and the word: ${hit}`);
  });

  await shot('07-jump', async () => {
    await page.getByRole('listbox', { name: 'Search results' }).getByRole('button').first().click();
    const target = page.locator('.bubble-highlight');
    await target.waitFor();
    check((await target.innerText()).includes(`the ${WORD} model`), 'the highlighted message is the hit');
    check(messagePages('around').length === 1, `loaded around the hit: ${messagePages('around')}`);
  });

  await shot('08-admin-untrack', async () => {
    await page.getByRole('button', { name: 'Tracking' }).click();
    await page.getByRole('searchbox', { name: 'Filter by name' }).fill(UNTRACK);
    const toggle = page.getByRole('switch', { name: `Track ${UNTRACK}` });
    await toggle.waitFor();
    check(await toggle.isChecked(), `${UNTRACK} starts tracked`);
    await toggle.click({ force: true }); // the input is visually replaced by the switch track
    // The switch turns once the API has answered; on a loaded machine that may take a moment, and
    // the row's aria-busy may not be set yet when this step looks, so wait for the switch itself.
    const untracked = await toggle.evaluate(
      (el) =>
        new Promise((done) => {
          const over = () => done(!el.checked);
          if (!el.checked) return over();
          const watch = setInterval(() => !el.checked && (clearInterval(watch), over()), 50);
          setTimeout(() => (clearInterval(watch), over()), 10_000);
        }),
    );
    check(untracked, `${UNTRACK} shown untracked`);
    const tracking = await (await page.request.get(`${BASE}/api/tracking`)).json();
    const row = (tracking.items ?? tracking).find((item) => item.name === UNTRACK);
    check(row && row.is_tracked === false, `the API says ${UNTRACK} is untracked: ${JSON.stringify(row)}`);
  });

  await shot('09-chat-untracked', async () => {
    await page.getByRole('button', { name: 'Chats', exact: true }).click();
    const chatRow = page.getByRole('option').filter({ hasText: UNTRACK });
    await chatRow.locator('.tag', { hasText: 'untracked' }).waitFor();
  });

  await waitForOrder('unpaired');
  await shot('10-banner', async () => {
    // The archive is not empty: the connector losing its link is a banner, the open chat stays.
    const banner = page.locator('.connector-banner');
    await banner.getByRole('button', { name: 'Link WhatsApp' }).waitFor({ timeout: 10_000 });
    check(
      (await banner.getAttribute('role')) === 'status' && (await banner.getAttribute('aria-live')) === 'polite',
      'a polite live region',
    );
    check((await banner.innerText()).includes('not linked'), `the banner names the state: ${await banner.innerText()}`);
    check(await page.getByRole('region', { name: `Chat ${GROUP}` }).isVisible(), 'the chat stays open');
    check(
      (await page.getByRole('heading', { name: 'Link WhatsApp' }).count()) === 0,
      'no pairing screen instead of the chat',
    );
  });
  await shot('11-pairing-dialog', async () => {
    await page.locator('.connector-banner').getByRole('button', { name: 'Link WhatsApp' }).click();
    const qr = page.getByRole('dialog', { name: 'Link WhatsApp' }).getByLabel('WhatsApp pairing code');
    await qr.waitFor();
    check((await qr.locator('path').count()) > 0, 'the QR code is drawn');
  });
  await page.keyboard.press('Escape');
  await page.getByRole('dialog').waitFor({ state: 'detached' });
  check(
    await page.getByRole('region', { name: `Chat ${GROUP}` }).isVisible(),
    'the chat is still open under the pairing dialog',
  );
  await annaSteps(page, shot);
}

const bubble = (page, text) => page.locator('.message-list article').filter({ hasText: text });

/** Anna's chat from the sample: flags, a pin, a call entry and a sealed edit, as the bubbles show them. */
async function annaSteps(page, shot) {
  for (const name of ['forwarded', 'forwardedMany', 'original', 'edited']) check(ANNA[name], `E2E_ANNA names ${name}`);
  await shot('12-forwarded-pinned', async () => {
    await chatOptions(page).filter({ hasText: 'Anna' }).first().click();
    const chat = page.getByRole('region', { name: 'Chat Anna' });
    await bubble(page, ANNA.forwarded).waitFor();
    const header = chat.locator('.chat-header img.avatar-picture');
    await header.waitFor();
    await page.waitForFunction((img) => img.complete && img.naturalWidth > 0, await header.elementHandle());
    const src = await header.evaluate((img) => img.src);
    check(new URL(src).pathname.startsWith('/api/pictures/'), `Anna's picture in the chat header: ${src}`);
    const tags = async (text) => bubble(page, text).locator('.markers .tag').allInnerTexts();
    const once = await tags(ANNA.forwarded);
    check(once.includes('↪ Forwarded') && !once.some((tag) => tag.includes('many')), `forwarded once: ${once}`);
    const many = await tags(ANNA.forwardedMany);
    check(many.includes('↪↪ Forwarded many times'), `forwarded many times: ${many}`);
    const pinned = bubble(page, ANNA.edited).getByRole('img', { name: 'Pinned' });
    check((await pinned.count()) === 1, 'the message we pinned has its pin mark');
    check(
      (await page.locator('.message-list article').getByRole('img', { name: 'Pinned' }).count()) === 1,
      'only that one',
    );
  });

  await shot('13-call', async () => {
    const call = page.locator('.message-list .system-line[data-type="call"]').filter({ hasText: 'Missed video call' });
    await call.waitFor();
    check((await call.count()) === 1, `one call entry: ${await call.count()}`);
    check(await call.evaluate((el) => el.classList.contains('call-unanswered')), 'marked unanswered');
    const inBubbles = await page.locator('.message-list article').filter({ hasText: 'video call' }).count();
    check(inBubbles === 0, `a call is a line, not a bubble (${inBubbles} bubbles)`);
  });

  await shot('14-sealed-edit', async () => {
    const edited = bubble(page, ANNA.edited);
    check((await edited.count()) === 1, 'the sealed edit shows as the new text of its message');
    check((await bubble(page, ANNA.original).count()) === 0, 'the old text is not shown as a message');
    const marker = edited.getByRole('button', { name: /^edited/ });
    check((await marker.innerText()).trim() === 'edited', `one edit: ${await marker.innerText()}`);
    await marker.click();
    const history = edited.getByRole('list', { name: 'Edit history' });
    await history.waitFor();
    const versions = await history.getByRole('listitem').allInnerTexts();
    check(
      versions.some((v) => v.startsWith('Original') && v.includes(ANNA.original)),
      `the original kept: ${versions}`,
    );
  });
}

/** Runs in the page before any script: every Content-Security-Policy violation, described. */
function policyViolationObserver() {
  window.__policyViolations = [];
  document.addEventListener('securitypolicyviolation', (event) => {
    window.__policyViolations.push(
      `${event.effectiveDirective} blocked ${event.blockedURI || 'inline'} at ${event.sourceFile}:${event.lineNumber}`,
    );
  });
}

await mkdir(SHOTS, { recursive: true });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: browserArgs });
const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
await page.addInitScript(longTaskObserver);
await page.addInitScript(policyViolationObserver);
page.on('request', (request) => requests.push(request.url()));
// The app runs under the API's Content-Security-Policy and Permissions-Policy: any report fails the run.
const policyMessages = [];
page.on('console', (message) => {
  if (/content security policy|refused to|permissions.policy/i.test(message.text()))
    policyMessages.push(message.text());
});
const shot = screenshotter(page, SHOTS);
try {
  await main(page, shot);
  const documentHeaders = (await page.request.get(BASE)).headers();
  check(
    (documentHeaders['content-security-policy'] ?? '').includes("script-src 'self'"),
    'the UI is served with its CSP',
  );
  const violations = [...(await page.evaluate(() => window.__policyViolations ?? [])), ...policyMessages];
  check(violations.length === 0, `no CSP / permissions-policy violation: ${violations.join(' | ')}`);
  console.log(`long tasks during the journey: ${summarize(await readLongTasks(page))}`);
  console.log(`screenshots: ${SHOTS}`);
} catch (error) {
  await page.screenshot({ path: `${SHOTS}/failure.png` }).catch(() => {});
  console.error(error);
  process.exitCode = 1;
} finally {
  await browser.close();
  process.stdin.destroy();
}
