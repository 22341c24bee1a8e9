// An exported archive opened from the file system in Debian's Chromium (playwright-core, no server):
// every page given on the command line is loaded as file://, and what it shows is printed as one
// JSON line: message bubbles, images and whether each loaded, dialogs opened (none may be: no script
// from content can run), CSP reports and failed requests. The Python test asserts on that line.
// Usage: node e2e/export-offline.mjs /abs/path/index.html /abs/path/chats/x/pages/2025-11.html ...
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { browserArgs } from './browser.mjs';

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: browserArgs });
const results = [];
try {
  for (const file of process.argv.slice(2)) {
    const page = await browser.newPage({ viewport: { width: 1000, height: 4000 } });
    const dialogs = [];
    const console_ = [];
    const failed = [];
    page.on('dialog', async (dialog) => {
      dialogs.push(dialog.message());
      await dialog.dismiss();
    });
    page.on('console', (message) => console_.push(message.text()));
    page.on('requestfailed', (request) => failed.push(request.url()));
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    // lazy images load once scrolled into view: scroll to the end, then wait for the network to settle
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await page.waitForLoadState('networkidle');
    const shown = await page.evaluate(() => ({
      title: document.title,
      articles: [...document.querySelectorAll('article.msg')].map((a) => a.innerText),
      images: [...document.querySelectorAll('img')].map((img) => ({
        src: img.getAttribute('src'),
        loaded: img.complete && img.naturalWidth > 0,
      })),
      links: [...document.querySelectorAll('a')].map((a) => a.getAttribute('href')),
      scripts: document.scripts.length,
      background: getComputedStyle(document.body).backgroundColor,
      pwned: Boolean(window.__pwned),
    }));
    results.push({ file, ...shown, dialogs, console: console_, failed });
    await page.close();
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(results));
