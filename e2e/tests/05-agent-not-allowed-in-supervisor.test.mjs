// An agent cannot use the supervisor app: the login there is refused, and
// an agent signed in elsewhere gets the "not allowed" screen.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { BASE_URL, TEST_TIMEOUT, messages, openBrowser, screenshot, sessionCookie, signIn, waitConnected } from '../lib/browser.mjs';

test('agent credentials are refused by the supervisor login', { timeout: TEST_TIMEOUT }, async (t) => {
  const en = await messages('en');
  const { context, page } = await openBrowser(t);

  await signIn(page, 'supervisor', 'elif', 'demo-agent');
  const error = page.getByTestId('login-error');
  await error.waitFor();
  assert.equal((await error.innerText()).trim(), en['error-wrong-app']);
  assert.equal(await sessionCookie(context), undefined, 'no cc_session cookie');
});

test('an agent signed in at /agent/ sees "not allowed" at /supervisor/', { timeout: TEST_TIMEOUT }, async (t) => {
  const en = await messages('en');
  const { context, page } = await openBrowser(t);

  await signIn(page, 'agent', 'elif', 'demo-agent');
  await waitConnected(page);
  await page.goto(`${BASE_URL}/supervisor/`);
  const screen = page.getByTestId('not-allowed');
  await screen.waitFor();
  assert.equal(await page.getByTestId('agents-table').count(), 0, 'no agents table');
  assert.match(await screen.innerText(), new RegExp(en['not-allowed-title']));
  await screenshot(page, '05-not-allowed');

  // Signing out from there ends the session.
  await screen.getByTestId('logout').click();
  await page.getByTestId('login-username').waitFor();
  assert.equal(await sessionCookie(context), undefined, 'the session cookie is gone');
});
