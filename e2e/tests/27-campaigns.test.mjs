// The supervisor's campaigns page with the dialer placing real calls. The
// shared demo gateway has no outbound trunk, so this test starts its own
// with one pointing at sipp as the carrier, which answers by the number's
// last digit (gateway/tests/data/sipp/campaign_contacts.xml): 1 a person
// saying "hello", 2 an answering machine's long greeting, 3 busy, 4 never
// answering. Sara creates an agentless campaign over the API (its flow
// says goodbye and hangs up; machines are hung up on and not retried) with
// one contact of each kind and one on the do-not-call list, opens the
// Campaigns page, starts it there, and watches: once nothing is due the
// page says the list ran dry, with the time the next contact is due; the
// figures and results agree with what the test works out from the mix;
// the CSV export has every contact. Then pause and stop from the page.
// Screenshots in English and Persian (right to left).

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { TEST_TIMEOUT, openBrowser, screenshot, signIn, waitConnected, waitLangDir } from '../lib/browser.mjs';
import { CALLER_ID, campaignGateway, client } from '../lib/campaign.mjs';

test('a supervisor starts a campaign and sees it dial, run dry, and its results', { timeout: 3 * TEST_TIMEOUT }, async (t) => {
  const { base } = await campaignGateway(t);
  const admin = await client(base, 'admin', 'demo-admin');
  const sara = await client(base, 'sara', 'demo-supervisor');

  const flow = { name: 'e2e_campaign', start: 'bye', language: 'en', nodes: { bye: { type: 'hang_up', prompt: 'goodbye' } } };
  assert.equal((await admin('PUT', '/api/v1/ivr_flows/e2e_campaign', flow)).status < 300, true);
  const settings = {
    caller_id: CALLER_ID, ring_timeout_secs: 10, max_attempts: 3, machine_action: 'hang_up', flow: 'e2e_campaign',
    retry_minutes: { busy: 10, no_answer: 60, failed: 240, machine: null, abandoned: 30 },
  };
  const created = await sara('POST', '/api/v1/campaigns', { name: 'Autumn survey', mode: 'agentless', settings });
  assert.equal(created.status, 201, JSON.stringify(created.json));
  const id = created.json.id;
  const mix = { '+15550000711': 'person', '+15550000712': 'machine', '+15550000713': 'busy', '+15550000714': 'no answer', '+15550000721': 'listed' };
  const csv = `name,number\n${Object.entries(mix).map(([n, k]) => `${k},${n}`).join('\n')}\n`;
  const imported = await sara('POST', `/api/v1/campaigns/${id}/contacts`, csv, 'text/csv');
  assert.equal(imported.json.loaded, 5);
  assert.equal((await sara('POST', `/api/v1/campaigns/${id}/dnc`, { number: '+15550000721' })).status, 201);

  // What the mix must come to: done are the person (completed), the machine
  // (not retried) and the listed number; busy and no answer wait for a retry,
  // the busy line first (10 minutes against 60).
  const kinds = Object.values(mix);
  const expected = {
    done: kinds.filter((k) => ['person', 'machine', 'listed'].includes(k)).length,
    left: kinds.filter((k) => ['busy', 'no answer'].includes(k)).length,
    outcomes: { completed: 1, no_retry: 1, do_not_call: 1 },
  };

  const { page } = await openBrowser(t);
  await signIn(page, 'supervisor', 'sara', 'demo-supervisor', base);
  await waitConnected(page);
  await page.getByTestId('lang-select').selectOption('en');
  await page.getByTestId('nav-campaigns').click();
  const row = page.locator(`[data-testid="cp-row"][data-id="${id}"]`);
  await row.waitFor({ timeout: 10_000 });
  assert.equal(await row.getAttribute('data-status'), 'draft');
  await row.getByTestId('cp-start').click();
  await page.locator(`[data-testid="cp-row"][data-id="${id}"][data-status="running"]`).waitFor({ timeout: 10_000 });

  // The dialer works through the list; the page says when it runs dry.
  const alert = page.getByTestId('cp-alert');
  await alert.waitFor({ timeout: 60_000 });
  await page.locator(`[data-testid="cp-done"][data-value="${expected.done}"]`).waitFor({ timeout: 30_000 });
  await page.locator(`[data-testid="cp-left"][data-value="${expected.left}"]`).waitFor({ timeout: 10_000 });
  await page.locator('[data-testid="cp-ringing"][data-value="0"]').waitFor({ timeout: 30_000 });
  const results = await sara('GET', `/api/v1/campaigns/${id}/results`);
  const busy = results.json.items.find((c) => c.number === '+15550000713');
  assert.equal(busy.last_result, 'busy');
  const live = await sara('GET', `/api/v1/campaigns/${id}/live`);
  assert.equal(live.json.alert.kind, 'list_dry');
  assert.equal(Date.parse(live.json.alert.next_due), Date.parse(busy.next_attempt_at), 'the next due is the busy line');
  assert.ok((await alert.innerText()).includes('ran dry'), await alert.innerText());
  for (const [outcome, n] of Object.entries(expected.outcomes)) {
    await page.locator(`[data-testid="cp-outcomes"] [data-key="${outcome}"][data-value="${n}"]`).waitFor({ timeout: 10_000 });
  }
  await screenshot(page, '27-campaigns-en');

  // The export has a line per contact.
  const href = await page.getByTestId('cp-export').getAttribute('href');
  assert.equal(href, `/api/v1/campaigns/${id}/results.csv`);
  const file = await sara('GET', href);
  assert.equal(file.status, 200);
  assert.equal(String(file.json).trim().split('\n').length, 1 + kinds.length);

  // Persian, right to left.
  await page.getByTestId('lang-select').selectOption('fa');
  await waitLangDir(page, 'fa', 'rtl');
  await page.getByTestId('cp-alert').waitFor();
  await screenshot(page, '27-campaigns-fa');
  await page.getByTestId('lang-select').selectOption('en');
  await waitLangDir(page, 'en', 'ltr');

  // Pause, then stop for good (confirmed).
  await row.getByTestId('cp-pause').click();
  await page.locator(`[data-testid="cp-row"][data-id="${id}"][data-status="paused"]`).waitFor({ timeout: 10_000 });
  page.once('dialog', (d) => d.accept());
  await page.locator(`[data-testid="cp-row"][data-id="${id}"]`).getByTestId('cp-stop').click();
  await page.locator(`[data-testid="cp-row"][data-id="${id}"][data-status="stopped"]`).waitFor({ timeout: 10_000 });
  assert.equal(await page.locator(`[data-testid="cp-row"][data-id="${id}"]`).getByTestId('cp-start').count(), 0);
});
