// A wrong password is refused with a message, and no session is opened.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { TEST_TIMEOUT, messages, openBrowser, screenshot, sessionCookie, signIn } from '../lib/browser.mjs';

test('wrong password shows an error and sets no cookie', { timeout: TEST_TIMEOUT }, async (t) => {
  const en = await messages('en');
  const { context, page } = await openBrowser(t);

  await signIn(page, 'agent', 'karim', 'not-the-password');
  const error = page.getByTestId('login-error');
  await error.waitFor();
  assert.equal(await error.getAttribute('role'), 'alert');
  assert.equal((await error.innerText()).trim(), en['error-invalid-credentials']);

  assert.equal(await sessionCookie(context), undefined, 'no cc_session cookie');
  assert.ok(await page.getByTestId('login-username').isVisible(), 'still on the login page');
  assert.equal(await page.getByTestId('login-password').inputValue(), '', 'the password field is cleared');

  await screenshot(page, '03-wrong-password');
});
