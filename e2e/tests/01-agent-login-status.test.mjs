// An agent signs in, sees her desk connected, and sets her status.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { TEST_TIMEOUT, messages, openBrowser, screenshot, signIn, waitConnected } from '../lib/browser.mjs';

test('agent signs in, connects and becomes available', { timeout: TEST_TIMEOUT }, async (t) => {
  const en = await messages('en');
  const { context, page } = await openBrowser(t);

  await signIn(page, 'agent', 'rania', 'demo-agent');
  await waitConnected(page);

  assert.match(await page.getByTestId('user-name').innerText(), /rania/i);
  assert.equal(await page.getByTestId('user-role').innerText(), en['role-agent']);
  assert.equal((await page.getByTestId('ws-state').innerText()).trim(), en['conn-connected']);
  assert.ok((await context.cookies()).some((c) => c.name === 'cc_session' && c.httpOnly), 'an HttpOnly session cookie');

  // Her queues come from the gateway: the demo puts her in technical support only.
  await page.locator('[data-testid="my-queues"] li[data-queue-code="support"]').waitFor();
  assert.equal(await page.locator('[data-testid="my-queues"] li').count(), 1);

  // Go through Not ready first, so that Available is a real change even
  // when an earlier run left her available.
  const select = page.getByTestId('status-select');
  const current = page.getByTestId('status-current');
  await select.selectOption('not_ready');
  await page.locator('[data-testid="status-current"][data-status="not_ready"]').waitFor();
  await select.selectOption('available');
  await page.locator('[data-testid="status-current"][data-status="available"]').waitFor();
  assert.equal((await current.innerText()).trim(), en['status-available']);

  await screenshot(page, '01-agent-available');
});
