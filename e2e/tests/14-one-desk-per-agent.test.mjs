// One desk per agent: the desk opened in a second tab says it is open
// elsewhere and cannot change the status; "Use the desk here" moves the desk
// to it, and the first tab says so in turn. Closing the desk tab gives the
// desk back to the other tab.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { BASE_URL, TEST_TIMEOUT, beAvailable, openBrowser, screenshot, signIn, waitConnected } from '../lib/browser.mjs';

test('a second tab waits, takes over, and the first one waits', { timeout: TEST_TIMEOUT }, async (t) => {
  const { context, page: first } = await openBrowser(t);
  await signIn(first, 'agent', 'karim', 'demo-agent');
  await waitConnected(first);
  await beAvailable(first);
  assert.equal(await first.getByTestId('tab-inactive').count(), 0, 'the first tab is the desk');

  const second = await context.newPage();
  await second.goto(`${BASE_URL}/agent/`);
  await waitConnected(second);
  await second.getByTestId('tab-inactive').waitFor();
  await screenshot(second, '14-desk-open-elsewhere');
  assert.equal(await first.getByTestId('tab-inactive').count(), 0);

  await second.getByTestId('tab-take-over').click();
  await second.getByTestId('tab-inactive').waitFor({ state: 'detached' });
  await first.getByTestId('tab-inactive').waitFor();
  // The desk tab sets the status; the status shows in both.
  await second.getByTestId('status-select').selectOption('not_ready');
  await first.locator('[data-testid="status-current"][data-status="not_ready"]').waitFor();

  await second.close();
  await first.getByTestId('tab-inactive').waitFor({ state: 'detached' });
  await beAvailable(first);
});
