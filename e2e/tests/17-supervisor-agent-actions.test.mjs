// From the agents table a supervisor sets an agent's status for them (the
// agent's desk shows it) and signs them out (the desk returns to the login
// page).

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { TEST_TIMEOUT, beAvailable, openBrowser, screenshot, signIn, waitConnected } from '../lib/browser.mjs';

test('a supervisor sets an agent not ready, then signs them out', { timeout: TEST_TIMEOUT }, async (t) => {
  const { page: ag } = await openBrowser(t);
  await signIn(ag, 'agent', 'omid', 'demo-agent');
  await waitConnected(ag);
  await beAvailable(ag);
  const name = (await ag.getByTestId('user-name').innerText()).trim();

  const { page: sup } = await openBrowser(t);
  await signIn(sup, 'supervisor', 'sara', 'demo-supervisor');
  await waitConnected(sup);
  const row = sup.locator(`[data-testid="agent-row"][data-agent-name="${name}"]`);
  await row.locator('[data-testid="agent-status"][data-status="available"]').waitFor();

  await row.getByTestId('agent-force-status').selectOption('not_ready');
  await ag.locator('[data-testid="status-current"][data-status="not_ready"]').waitFor();
  await row.locator('[data-testid="agent-status"][data-status="not_ready"]').waitFor();
  await screenshot(sup, '17-supervisor-agent-actions');

  await row.getByTestId('agent-logout').click();
  await ag.getByTestId('login-username').waitFor({ timeout: 15_000 });
  await row.locator('[data-testid="agent-connected"][data-connected="false"]').waitFor();
  assert.equal(await ag.getByTestId('status-current').count(), 0, 'the desk is gone');
});
