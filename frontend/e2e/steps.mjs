// Shared by the journeys (journey.mjs over plain HTTP, journey-tls.mjs through nginx over HTTPS).

export function check(condition, message) {
  if (!condition) throw new Error(`check failed: ${message}`);
}

/** `shot(name, action)`: runs the step, then writes `<folder>/<name>.png`, prints `ok <name>` and
 * returns what the step returned. */
export function screenshotter(page, folder) {
  return async (name, action) => {
    const started = Date.now();
    const result = await action();
    await page.screenshot({ path: `${folder}/${name}.png` });
    console.log(`ok ${name} (${Date.now() - started} ms)`);
    return result;
  };
}

/** The login screen filled in (the journey screenshots it before signing in). */
export async function fillLogin(page, base, password) {
  await page.goto(base);
  await page.getByLabel('Password').fill(password);
}

export const chatOptions = (page) => page.getByRole('listbox', { name: 'Chats' }).getByRole('option');

/** Opens a chat from the list and waits for one of its messages. */
export async function openChat(page, name, someText) {
  await chatOptions(page).filter({ hasText: name }).click();
  await page.locator('.message-list article').filter({ hasText: someText }).first().waitFor();
}

/** Opens the first photo that has its bytes in the lightbox; returns the image's src and width. */
export async function openPhoto(page) {
  await page.locator('button[aria-label="Open photo"]:not([disabled])').first().click();
  await page.waitForFunction(() => document.querySelector('.lightbox img')?.naturalWidth > 0);
  return page
    .getByRole('dialog')
    .locator('img')
    .evaluate((img) => ({ src: img.src, width: img.naturalWidth }));
}
