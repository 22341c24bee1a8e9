// The journey once more, through nginx over HTTPS under another name (tests/e2e/test_web_journey_tls.py
// starts nginx from infra/proxy/deeplens.nginx.conf with a self-signed certificate, and local_api
// behind it): sign in (the session cookie is Secure) → open a photo → play the voice note → download
// and open the PDF and the hostile HTML document, with the very bytes the sample holds; the HTML one,
// opened in a tab or its address pasted, only ever arrives as an attachment and its script never
// runs → every request the browser made went to E2E_BASE_URL's host and port over https (nothing to
// a loopback port).
//   E2E_BASE_URL: https://<name>:<port>    E2E_PASSWORD: the admin password
//   E2E_RESOLVE: Chromium's host rule, e.g. "MAP archive.deeplens.test 127.0.0.1" (no DNS needed)
//   E2E_SPKI: base64 SHA-256 of the certificate's public key, the only certificate accepted
//   E2E_EXPECT: JSON {voice: {sha256, seconds}, photo_width, documents: [{name, sha256, mime,
//               hostile}], marker} (the sample builder's values)
//   E2E_SCREENSHOTS: folder for the screenshots (outside git)
import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { chromium } from 'playwright-core';
import { browserArgs } from './browser.mjs';
import { chatOptions, check, fillLogin, openChat, openPhoto, screenshotter } from './steps.mjs';

const BASE = process.env.E2E_BASE_URL ?? '';
const ORIGIN = new URL(BASE);
const PASSWORD = process.env.E2E_PASSWORD ?? '';
const EXPECT = JSON.parse(process.env.E2E_EXPECT ?? '{}');
const SHOTS = process.env.E2E_SCREENSHOTS ?? new URL('../../.data/e2e-screenshots/tls/', import.meta.url).pathname;
const SESSION_COOKIE = 'dl_session';

const requests = [];
const pageErrors = [];
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

/** Runs in the page: fetches a URL of the app (same origin, the session cookie goes along). */
async function fetchInPage(page, url, range) {
  return page.evaluate(
    async ({ url, range }) => {
      const response = await fetch(url, range ? { headers: { Range: range } } : {});
      const bytes = new Uint8Array(await response.arrayBuffer());
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
      const header = (name) => response.headers.get(name);
      return {
        status: response.status,
        type: header('content-type'),
        disposition: header('content-disposition'),
        nosniff: header('x-content-type-options'),
        contentRange: header('content-range'),
        head: [...bytes.slice(0, 4)].map((byte) => String.fromCharCode(byte)).join(''),
        sha256: [...digest].map((byte) => byte.toString(16).padStart(2, '0')).join(''),
      };
    },
    { url, range },
  );
}

async function signIn(page, context) {
  await fillLogin(page, BASE, PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await chatOptions(page).filter({ hasText: 'Anna' }).waitFor();
  const cookies = await context.cookies(BASE);
  const session = cookies.find((cookie) => cookie.name === SESSION_COOKIE);
  check(session?.secure && session.httpOnly, `the session cookie is Secure and HttpOnly: ${JSON.stringify(session)}`);
  check(
    cookies.every((cookie) => cookie.secure),
    `every cookie is Secure: ${cookies.map((cookie) => cookie.name)}`,
  );
}

async function photo(page) {
  await openChat(page, 'Anna', 'Are you coming tonight?');
  const { src, width } = await openPhoto(page);
  check(
    new URL(src).origin === ORIGIN.origin && new URL(src).pathname.startsWith('/api/media/'),
    `photo from the app: ${src}`,
  );
  check(width === EXPECT.photo_width, `the recorded photo's width: ${width}`);
  await page.keyboard.press('Escape');
}

async function voiceNote(page) {
  const audio = page.locator('audio[aria-label="Voice message"]');
  await audio.waitFor();
  const played = await audio.evaluate(async (element) => {
    await element.play();
    await new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no progress: ${element.currentTime} s, error ${element.error?.message}`)),
        10_000,
      );
      element.addEventListener('timeupdate', () => {
        if (element.currentTime > 0.2) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    element.pause();
    return { src: element.currentSrc, duration: element.duration, at: element.currentTime };
  });
  check(Math.abs(played.duration - EXPECT.voice.seconds) < 0.1, `the voice note's duration: ${played.duration}`);
  check(new URL(played.src).origin === ORIGIN.origin, `the voice note from the app: ${played.src}`);
  const whole = await fetchInPage(page, played.src);
  check(whole.sha256 === EXPECT.voice.sha256, `the voice note's bytes: ${whole.sha256}`);
  const part = await fetchInPage(page, played.src, 'bytes=0-3');
  check(
    part.status === 206 && part.head === 'OggS' && part.contentRange?.startsWith('bytes 0-3/'),
    `a range: ${JSON.stringify(part)}`,
  );
  console.log(
    `voice note: ${played.duration.toFixed(2)} s, played to ${played.at.toFixed(2)} s, range ${part.contentRange}`,
  );
}

async function downloadedBytes(download) {
  return readFile(await download.path());
}

async function downloadDocument(page, doc) {
  const link = page.getByRole('link', { name: `Download ${doc.name}` });
  await link.waitFor();
  const href = await link.getAttribute('href');
  check(href.startsWith('/api/media/'), `a link to the app's media route: ${href}`);
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  const bytes = await downloadedBytes(download);
  check(sha256(bytes) === doc.sha256, `${doc.name}: downloaded bytes ${sha256(bytes)}`);
  check(download.suggestedFilename() === doc.name, `saved as ${download.suggestedFilename()}`);
  const served = await fetchInPage(page, href);
  check(served.status === 200 && served.sha256 === doc.sha256, `${doc.name} as served: ${JSON.stringify(served)}`);
  check(served.nosniff === 'nosniff', `${doc.name} is never sniffed: ${served.nosniff}`);
  if (doc.hostile) {
    check(served.disposition?.startsWith('attachment'), `${doc.name} is an attachment: ${served.disposition}`);
    check(!served.type?.includes('html'), `${doc.name} is not served as HTML: ${served.type}`);
  } else {
    check(served.type?.startsWith(doc.mime), `${doc.name}: ${served.type}`);
  }
  console.log(`${doc.name}: ${bytes.length} bytes, ${served.type}, ${served.disposition}`);
  return href;
}

/** What a tab opened on a document did: 'shown' (a PDF in Chromium's viewer), 'downloaded' (the
 * sample's bytes), 'changed' (other bytes) or 'nothing'. */
async function tabOutcome(first, doc) {
  if (first === 'shown') return 'shown';
  if (first === null) return 'nothing';
  return sha256(await downloadedBytes(first)) === doc.sha256 ? 'downloaded' : 'changed';
}

/** The document's Open link (a new tab): a PDF may show in the browser's viewer (or download where
 * there is none); anything else must download, with the same bytes, and never render. */
async function openInTab(context, page, doc, href) {
  const link = page.getByRole('link', { name: `Open ${doc.name}` });
  check((await link.getAttribute('href')) === href, `Open links to ${href}`);
  // A tab that only downloads is closed by Chromium at once; the download is reported on the opener
  // too, so that is where it is awaited (from before the click: it may come before the tab's event).
  const downloaded = page.waitForEvent('download', { timeout: 5_000 }).then(
    (download) => download,
    () => null,
  );
  const [tab] = await Promise.all([context.waitForEvent('page'), link.click()]);
  const shown = tab.waitForURL(new URL(href, BASE).href, { waitUntil: 'load', timeout: 5_000 }).then(
    () => true,
    () => false,
  );
  const first = await Promise.race([downloaded, shown.then((loaded) => (loaded ? 'shown' : downloaded))]);
  const title = await tab.title().catch(() => '');
  await tab.close();
  const outcome = await tabOutcome(first, doc);
  check(outcome === 'downloaded' || (outcome === 'shown' && !doc.hostile), `${doc.name} opened in a tab: ${outcome}`);
  check(title !== 'pwned', `nothing ran in the tab: ${title}`);
  console.log(`${doc.name} opened in a tab: ${outcome}`);
}

/** The hostile file once more, its address pasted into a tab: still a download, its script never ran. */
async function pasteAddress(context, page, href, doc) {
  const tab = await context.newPage();
  const [download] = await Promise.all([
    tab.waitForEvent('download'),
    tab
      .goto(new URL(href, BASE).href)
      .catch((error) => check(/Download is starting/.test(error.message), error.message)),
  ]);
  check(sha256(await downloadedBytes(download)) === doc.sha256, `${doc.name} opened directly: the same bytes`);
  await tab.close();
  await page.waitForTimeout(300); // a script that ran would have asked for the marker by now
  check(
    !requests.some((url) => url.includes(EXPECT.marker)),
    `the hostile script never ran: ${requests.filter((url) => url.includes(EXPECT.marker))}`,
  );
  check((await page.title()) !== 'pwned', 'the app page is untouched');
}

function everyRequestStayedHome() {
  // Only these reach the network (data:, blob:, the PDF viewer's chrome:/chrome-extension: never do).
  const NETWORK = new Set(['http:', 'https:', 'ws:', 'wss:']);
  const foreign = requests.filter((url) => {
    const parsed = new URL(url);
    return NETWORK.has(parsed.protocol) && (parsed.protocol !== 'https:' || parsed.host !== ORIGIN.host);
  });
  check(requests.length > 10, `the journey made requests: ${requests.length}`);
  check(foreign.length === 0, `requests that left ${ORIGIN.host}: ${foreign}`);
  console.log(`requests: ${requests.length}, every one to ${ORIGIN.origin}`);
}

async function main(context, page, shot) {
  await shot('tls-01-signed-in', () => signIn(page, context));
  await shot('tls-02-photo', () => photo(page));
  await shot('tls-03-voice', () => voiceNote(page));
  await openChat(page, 'David', 'The invoice is attached');
  for (const doc of EXPECT.documents) {
    const href = await shot(`tls-04-${doc.hostile ? 'hostile' : 'document'}`, async () => {
      const link = await downloadDocument(page, doc);
      await openInTab(context, page, doc, link);
      return link;
    });
    if (doc.hostile) await shot('tls-05-hostile-opened', () => pasteAddress(context, page, href, doc));
  }
  everyRequestStayedHome();
  check(pageErrors.length === 0, `errors or policy violations in the page: ${pageErrors.join(' | ')}`);
}

const args = [
  ...browserArgs,
  `--host-resolver-rules=${process.env.E2E_RESOLVE ?? ''}`,
  `--ignore-certificate-errors-spki-list=${process.env.E2E_SPKI ?? ''}`,
  '--autoplay-policy=no-user-gesture-required',
];
await mkdir(SHOTS, { recursive: true });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args });
const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
context.on('request', (request) => requests.push(request.url()));
context.on('weberror', (error) => pageErrors.push(String(error.error())));
const page = await context.newPage();
page.on('console', (message) => {
  // The app runs under the API's Content-Security-Policy, through the proxy as well: a report fails.
  if (/content security policy|refused to/i.test(message.text())) pageErrors.push(message.text());
  else if (message.type() === 'error') console.log(`console error: ${message.text()}`);
});
try {
  await main(context, page, screenshotter(page, SHOTS));
  console.log(`screenshots: ${SHOTS}`);
} catch (error) {
  await page.screenshot({ path: `${SHOTS}/failure.png` }).catch(() => {});
  console.error(error);
  process.exitCode = 1;
} finally {
  await browser.close();
}
