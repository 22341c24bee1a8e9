// Import and export in the web UI against the REAL local stack (tests/e2e/test_transfer.py starts it,
// builds the export zip and drains the ingest queue when asked):
//   1. ☰ → Import / Export; the zip (E2E_IMPORT_FILE) into a new chat (E2E_CHAT_NAME): upload bar,
//      then "Adding to the archive" → AWAIT ingest → "Imported" with the summary.
//   2. "Open the chat": its messages and the photo in the lightbox.
//   3. Back in Import / Export: that chat exported (HTML + text, media in the zip); the download is
//      saved as E2E_DOWNLOAD_DIR/<name> and printed as `DOWNLOADED <path>` for the test to open.
//   E2E_BASE_URL, E2E_PASSWORD, E2E_SCREENSHOTS, E2E_IMPORT_FILE, E2E_CHAT_NAME, E2E_TEXT, E2E_DOWNLOAD_DIR
import { mkdir } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';
import { browserArgs } from './browser.mjs';
import { chatOptions, check, fillLogin, openPhoto, screenshotter } from './steps.mjs';

const BASE = process.env.E2E_BASE_URL ?? 'http://127.0.0.1:3000';
const PASSWORD = process.env.E2E_PASSWORD ?? '';
const SHOTS = process.env.E2E_SCREENSHOTS ?? new URL('../../.data/e2e-screenshots/', import.meta.url).pathname;
const FILE = process.env.E2E_IMPORT_FILE ?? '';
const CHAT = process.env.E2E_CHAT_NAME ?? '';
const TEXT = process.env.E2E_TEXT ?? '';
const DOWNLOADS = process.env.E2E_DOWNLOAD_DIR ?? '/tmp';
const JOB_TIMEOUT = 60_000;

const stdinLines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();

async function asked(what) {
  console.log(`AWAIT ${what}`);
  const { value, done } = await stdinLines.next();
  check(!done && value.trim() === 'go', `the test answered ${JSON.stringify(value)} to ${what}`);
}

async function openTransfer(page) {
  await page.getByRole('button', { name: 'Menu' }).click();
  await page.getByRole('button', { name: 'Import / Export' }).click();
  await page.getByRole('heading', { name: 'Import / Export' }).waitFor();
}

async function importZip(page) {
  const form = page.getByRole('form', { name: 'Import a chat export' });
  await form.getByLabel(/WhatsApp export/).setInputFiles(FILE);
  await form.getByLabel('Chat', { exact: true }).selectOption({ label: 'New chat…' });
  await form.getByLabel("New chat's name").fill(CHAT);
  await form.getByLabel('Your name in the file').fill('Me');
  await form.getByLabel("Phone's time zone").fill('Europe/Berlin');
  // the sender review: a dry run names the senders nobody knows (Lena, in a new chat), the review
  // gives her a number, and the same file is imported with it
  await form.getByLabel(/Check the senders first/).check();
  await form.getByRole('button', { name: 'Check' }).click();
  const review = page.getByRole('form', { name: 'Review the senders' });
  await review.waitFor({ timeout: JOB_TIMEOUT });
  await review.getByLabel('Lena').fill('+49 170 1234567');
  await review.getByRole('button', { name: 'Import with these senders' }).click();
  await page.getByText('Adding to the archive').waitFor({ timeout: JOB_TIMEOUT });
  const upload = await page.getByRole('progressbar', { name: 'Upload' }).getAttribute('aria-valuenow');
  check(upload === '100', `the upload bar is full (${upload})`);
  await page.getByRole('progressbar', { name: /^Ingest: 0 of 1 batches/ }).waitFor();
  await asked('ingest');
  await page.locator('.transfer-status p.strong', { hasText: /^Imported$/ }).waitFor({ timeout: JOB_TIMEOUT });
  const summary = await page.getByLabel('Import summary').innerText();
  check(/Imported\s+3\b/.test(summary), `three messages imported: ${summary}`);
  check(summary.includes('deleted message'), `the skipped line and its reason: ${summary}`);
  check(/Lena: 491701234567@s\.whatsapp\.net \(mapped\)/.test(summary), `Lena as reviewed: ${summary}`);
  console.log(`summary: ${summary.replace(/\s+/g, ' ')}`);
}

async function exportChat(page) {
  const form = page.getByRole('form', { name: 'Export the archive' });
  await form.getByLabel('Every chat').uncheck();
  await form.getByLabel('Chats to export').selectOption({ label: CHAT });
  await form.getByLabel('JSON').uncheck();
  await form.getByRole('button', { name: 'Export' }).click();
  const link = page.getByRole('link', { name: /^Download deeplens-export-/ });
  await link.waitFor({ timeout: JOB_TIMEOUT });
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  const path = `${DOWNLOADS}/${download.suggestedFilename()}`;
  await download.saveAs(path);
  console.log(`DOWNLOADED ${path}`);
}

async function main(page, shot) {
  await fillLogin(page, BASE, PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await chatOptions(page).first().waitFor();
  await shot('transfer-01-imported', async () => {
    await openTransfer(page);
    await importZip(page);
  });
  await shot('transfer-02-chat-photo', async () => {
    await page.getByRole('button', { name: 'Open the chat' }).click();
    await page.locator('.message-list article').filter({ hasText: TEXT }).first().waitFor();
    const photo = await openPhoto(page);
    check(photo.width > 0, `the imported photo shows (${photo.src})`);
    await page.keyboard.press('Escape');
  });
  await shot('transfer-03-exported', async () => {
    await openTransfer(page);
    await exportChat(page);
  });
}

await mkdir(SHOTS, { recursive: true });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: browserArgs });
const page = await browser.newPage({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
const shot = screenshotter(page, SHOTS);
try {
  await main(page, shot);
} catch (error) {
  await page.screenshot({ path: `${SHOTS}/transfer-failure.png` }).catch(() => {});
  console.error(error);
  process.exitCode = 1;
} finally {
  await browser.close();
  process.stdin.destroy();
}
