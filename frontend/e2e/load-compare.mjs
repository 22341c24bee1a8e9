// App load of two builds of the UI, alternating (issue #17 item 5): each build served as files with a
// stub API whose /api/session answers 401 (the signed-out start); per load, the login form's time to
// visible, the main thread's script and task time (Chromium's Performance metrics) and the long
// tasks (> 50 ms) up to 300 ms after. Prints medians and every run's long tasks; asserts nothing.
//   LOAD_BEFORE=dist-dir LOAD_AFTER=dist-dir [RUNS=20] node e2e/load-compare.mjs
// e.g. build the older UI from `git archive <rev> frontend` (node_modules linked) with
// `vite build --outDir`, and this one the same way.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { chromium } from 'playwright-core';
import { browserArgs, longTaskObserver, readLongTasks } from './browser.mjs';
const types = { '.js': 'text/javascript', '.css': 'text/css', '.html': 'text/html' };
function serve(dir, port) {
  return new Promise((ok) => {
    const server = createServer(async (req, res) => {
      const path = new URL(req.url, 'http://x').pathname;
      if (path.startsWith('/api/')) {
        res.writeHead(path === '/api/session' ? 401 : 404, { 'Content-Type': 'application/json' });
        res.end('{"error":{"code":"unauthorized","message":"no"}}');
        return;
      }
      try {
        const body = await readFile(join(dir, path === '/' ? 'index.html' : path));
        res.writeHead(200, { 'Content-Type': types[extname(path)] ?? 'text/html' });
        res.end(body);
      } catch {
        res.writeHead(404);
        res.end();
      }
    }).listen(port, '127.0.0.1', () => ok(server));
  });
}
const builds = { before: await serve(process.env.LOAD_BEFORE, 0), after: await serve(process.env.LOAD_AFTER, 0) };
const ports = { before: builds.before.address().port, after: builds.after.address().port };
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: browserArgs });
const out = { before: [], after: [] };
for (let i = 0; i < Number(process.env.RUNS ?? 20); i++) {
  for (const name of ['before', 'after']) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.addInitScript(longTaskObserver);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const t = Date.now();
    await page.goto(`http://127.0.0.1:${ports[name]}/`);
    await page.getByLabel('Password').waitFor();
    const visible = Date.now() - t;
    await page.waitForTimeout(300);
    const { metrics } = await cdp.send('Performance.getMetrics');
    const m = Object.fromEntries(metrics.map((x) => [x.name, x.value]));
    const tasks = await readLongTasks(page);
    out[name].push({
      visible,
      script: Math.round(m.ScriptDuration * 1000),
      task: Math.round(m.TaskDuration * 1000),
      long: tasks,
    });
    await context.close();
  }
}
for (const name of ['before', 'after']) {
  const rows = out[name];
  const med = (k) => rows.map((r) => r[k]).sort((a, b) => a - b)[Math.floor(rows.length / 2)];
  console.log(
    `${name}: login visible median ${med('visible')} ms, main-thread script ${med('script')} ms, all tasks ${med('task')} ms; long tasks: ${rows.map((r) => (r.long.length ? `${r.long.length}(max ${Math.max(...r.long)})` : '0')).join(' ')}`,
  );
}
await browser.close();
for (const s of Object.values(builds)) s.close();
