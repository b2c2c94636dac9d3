// A headless Chromium page driven one command at a time: each line on stdin is a JSON command,
// each line on stdout its answer ({"ok":true,"value":…} or {"ok":false,"error":"…"}). The test
// (Browser.java) keeps the scenario; this only turns its steps into Playwright calls.
import { chromium } from 'playwright-core';
import { createInterface } from 'node:readline';

const browser = await chromium.launch({
  executablePath: process.argv[2],
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
const consoleErrors = [];
page.on('pageerror', (e) => consoleErrors.push(String(e)));
page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });

// Waits until the expression, evaluated in the page, is truthy, and answers its value. Polled
// with page.evaluate rather than waitForFunction, whose injected eval the page's CSP forbids.
async function waitFor({ expression, timeoutMs }) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      last = await page.evaluate(expression);
      if (last) return last;
    } catch (e) {
      last = String(e.message || e);
    }
    if (Date.now() > deadline) throw new Error('not true within ' + timeoutMs + ' ms: ' + expression + ' (last: ' + last + ')');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const commands = {
  goto: ({ url }) => page.goto(url).then(() => null),
  waitFor,
  evaluate: ({ expression }) => page.evaluate(expression),
  click: ({ selector, timeoutMs }) => page.click(selector, { timeout: timeoutMs }).then(() => null),
  select: ({ selector, value, timeoutMs }) =>
    page.selectOption(selector, value, { timeout: timeoutMs }).then(() => null),
  content: () => page.content(),
  screenshot: ({ path }) => page.screenshot({ path, fullPage: true }).then(() => null),
  errors: () => consoleErrors,
};

const answer = (value) => process.stdout.write(JSON.stringify(value) + '\n');
process.stdout.write(JSON.stringify({ ok: true, value: 'ready' }) + '\n');
for await (const line of createInterface({ input: process.stdin })) {
  if (!line.trim()) continue;
  const command = JSON.parse(line);
  if (command.op === 'close') break;
  try {
    const run = commands[command.op];
    if (!run) throw new Error('unknown op ' + command.op);
    answer({ ok: true, value: (await run(command)) ?? null });
  } catch (e) {
    answer({ ok: false, error: String(e.message || e).split('\n').slice(0, 6).join(' | ') });
  }
}
await browser.close();
