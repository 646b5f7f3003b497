// The language switch: Persian and Arabic turn the page right-to-left,
// Turkish back to left-to-right, and the choice survives a reload.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  BASE_URL,
  TEST_TIMEOUT,
  htmlLangDir,
  messages,
  openBrowser,
  screenshot,
  signIn,
  waitConnected,
  waitLangDir,
} from '../lib/browser.mjs';

test('language switch sets lang, dir and texts, and is remembered', { timeout: TEST_TIMEOUT }, async (t) => {
  const [fa, ar, tr] = await Promise.all([messages('fa'), messages('ar'), messages('tr')]);
  const { page } = await openBrowser(t);
  const submit = page.getByTestId('login-submit');

  await page.goto(`${BASE_URL}/agent/`);
  await page.getByTestId('lang-select').selectOption('fa');
  await waitLangDir(page, 'fa', 'rtl');
  assert.equal((await submit.innerText()).trim(), fa['login-submit']);
  assert.match(await page.locator('body').innerText(), /[\u0600-\u06FF]/, 'Persian text on the page');

  await page.reload();
  await submit.waitFor();
  assert.deepEqual(await htmlLangDir(page), { lang: 'fa', dir: 'rtl' });
  assert.equal((await submit.innerText()).trim(), fa['login-submit']);
  assert.equal(await page.getByTestId('lang-select').inputValue(), 'fa');
  await screenshot(page, '04-login-fa');

  // The signed-in desk, in Persian too.
  await signIn(page, 'agent', 'omid', 'demo-agent');
  await waitConnected(page);
  assert.equal((await page.getByTestId('ws-state').innerText()).trim(), fa['conn-connected']);
  await screenshot(page, '04-agent-fa');

  await page.getByTestId('lang-select').selectOption('ar');
  await waitLangDir(page, 'ar', 'rtl');
  assert.equal((await page.getByTestId('logout').innerText()).trim(), ar['logout']);
  await screenshot(page, '04-agent-ar');

  await page.getByTestId('lang-select').selectOption('tr');
  await waitLangDir(page, 'tr', 'ltr');
  assert.equal((await page.getByTestId('logout').innerText()).trim(), tr['logout']);

  await page.getByTestId('logout').click();
  await submit.waitFor();
  assert.equal((await submit.innerText()).trim(), tr['login-submit']);
});
