// A supervisor watches the agents table while an agent signs in, changes
// status and leaves: the row follows live, without a reload.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { TEST_TIMEOUT, messages, openBrowser, screenshot, signIn, waitConnected } from '../lib/browser.mjs';

test('supervisor sees an agent connect and change status live', { timeout: TEST_TIMEOUT }, async (t) => {
  const en = await messages('en');
  const supervisor = await openBrowser(t);
  const sup = supervisor.page;

  await signIn(sup, 'supervisor', 'sara', 'demo-supervisor');
  await waitConnected(sup);
  assert.equal(await sup.getByTestId('user-role').innerText(), en['role-supervisor']);
  await sup.getByTestId('agents-table').waitFor();
  await sup.getByTestId('agent-row').first().waitFor();

  const agent = await openBrowser(t);
  const ag = agent.page;
  await signIn(ag, 'agent', 'rania', 'demo-agent');
  await waitConnected(ag);
  const name = (await ag.getByTestId('user-name').innerText()).trim();

  const row = sup.locator(`[data-testid="agent-row"][data-agent-name="${name}"]`);
  await row.locator('[data-testid="agent-connected"][data-connected="true"]').waitFor();
  assert.equal((await row.getByTestId('agent-connected').innerText()).trim(), en['agents-connected']);

  await ag.getByTestId('status-select').selectOption('available');
  await ag.locator('[data-testid="status-current"][data-status="available"]').waitFor();
  await row.locator('[data-testid="agent-status"][data-status="available"]').waitFor();

  await ag.getByTestId('status-select').selectOption('not_ready');
  await ag.locator('[data-testid="status-current"][data-status="not_ready"]').waitFor();
  await row.locator('[data-testid="agent-status"][data-status="not_ready"]').waitFor();
  assert.equal((await row.getByTestId('agent-status').innerText()).trim(), en['status-not-ready']);

  await screenshot(sup, '02-supervisor-agents');

  // Her app closes: she is no longer connected, and offline.
  await agent.context.close();
  await row.locator('[data-testid="agent-connected"][data-connected="false"]').waitFor();
  await row.locator('[data-testid="agent-status"][data-status="offline"]').waitFor();
});
