// The agent's working day in Persian, right to left, screen by screen, for
// a person to look at (issue 5 asks for every main screen in English and
// Persian; the English ones come from the other tests): sign-in, the desk
// with its status menu, a ringing call with the customer card, the call
// with the keypad and the transfer form, after-call work, the inbox, and
// the shortcuts help. Each screen is also checked for what makes it
// Persian: the page's lang and dir, and numbers and timers kept left to
// right.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  BASE_URL,
  TEST_TIMEOUT,
  apiAs,
  beAvailable,
  messages,
  openBrowser,
  screenshot,
  signIn,
  waitConnected,
  waitLangDir,
} from '../lib/browser.mjs';
import { sippDir, startSipp, toneUlaw } from '../lib/sipp.mjs';

// A number of this test's own, whose flow queues callers at once.
const LINE = '+441234567823';

test('the agent desk in Persian, screen by screen', { timeout: 3 * TEST_TIMEOUT }, async (t) => {
  const fa = await messages('fa');
  const admin = await apiAs('admin', 'demo-admin');
  const before = (await admin('GET', '/api/v1/queues/support')).json;
  assert.equal((await admin('PUT', '/api/v1/queues/support', { ...before, wrap_up_secs: 60 })).status, 200);
  t.after(() => admin('PUT', '/api/v1/queues/support', before));
  const flow = { name: 'e2e_fa', start: 'q', language: 'fa', nodes: { q: { type: 'queue', queue: 'support' } } };
  assert.ok([200, 201].includes((await admin('PUT', '/api/v1/ivr_flows/e2e_fa', flow)).status));
  assert.equal((await admin('PUT', `/api/v1/entry_points/${encodeURIComponent(LINE)}`, { flow: 'e2e_fa' })).status, 200);
  t.after(() => admin('DELETE', `/api/v1/entry_points/${encodeURIComponent(LINE)}`));

  const { page } = await openBrowser(t, { locale: 'fa-IR', args: ['--autoplay-policy=no-user-gesture-required'] });
  await page.goto(`${BASE_URL}/agent/`);
  await page.getByTestId('lang-select').selectOption('fa');
  await waitLangDir(page, 'fa', 'rtl');
  await screenshot(page, '23-fa-sign-in');

  // Omid's own language is Persian.
  await signIn(page, 'agent', 'omid', 'demo-agent');
  await waitConnected(page);
  await waitLangDir(page, 'fa', 'rtl');
  await beAvailable(page);
  await screenshot(page, '23-fa-desk');

  // A caller: the banner and the customer card.
  const dir = await sippDir();
  await toneUlaw(dir, 'tone.ul', 1000);
  const call = startSipp(t, 'call_in_queue.xml', ['-s', LINE, '-timeout', '120'], { cwd: dir });
  const ringing = page.getByTestId('call-ringing').first();
  await ringing.waitFor({ timeout: 30_000 });
  await screenshot(page, '23-fa-ringing');
  const waited = ringing.getByTestId('call-waited');
  assert.equal(await waited.evaluate((e) => getComputedStyle(e).direction), 'ltr', 'the wait reads left to right');

  await ringing.getByTestId('call-answer').click();
  await page.locator('[data-testid="call-active"][data-state="talking"]').waitFor({ timeout: 20_000 });
  await page.getByTestId('call-transfer').click();
  await page.getByTestId('call-transfer-queue').selectOption('#number');
  await screenshot(page, '23-fa-call-transfer');
  assert.equal(
    await page.getByTestId('call-transfer-target').evaluate((e) => getComputedStyle(e).direction),
    'ltr',
    'a number is typed left to right',
  );
  assert.ok((await page.locator('#call-transfer-form').innerText()).includes(fa['call-transfer-number']), 'in Persian');

  // After-call work.
  await page.getByTestId('call-hangup').click();
  await page.getByTestId('wrapup').waitFor({ timeout: 15_000 });
  await screenshot(page, '23-fa-wrap-up');
  await page.getByTestId('wrapup-disposition').selectOption('resolved');
  await page.getByTestId('wrapup-done').click();
  await page.getByTestId('wrapup').waitFor({ state: 'detached', timeout: 10_000 });
  const r = await call.done;
  assert.equal(r.code, 0, `the caller got the BYE:\n${r.log}`);

  // The inbox's callbacks, and the shortcuts.
  await page.getByTestId('inbox-tab-callbacks').click();
  await screenshot(page, '23-fa-inbox');
  await page.getByTestId('status-current').click();
  await page.keyboard.press('?');
  await page.getByTestId('shortcuts-help').waitFor();
  await screenshot(page, '23-fa-shortcuts');
  await page.keyboard.press('Escape');
});
