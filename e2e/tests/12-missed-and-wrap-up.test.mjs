// An agent's states through the routing engine, in the browser: a call
// queued by a flow rings on her desk; she lets it ring out and is put in
// "missed" (no calls) until she says she is available again; it rings
// again, she answers and hangs up; wrap-up starts by itself with its
// countdown, More time extends it, Done refuses to finish without a
// disposition, then saves it and she is back to available. She answers and
// finishes with the keyboard shortcuts (Ctrl+Shift+A, Ctrl+Shift+F), which do
// nothing while she types.
//
// The administrator's API sets the stage: the support queue rings top-down
// with a short ring time and 30 s of wrap-up, and a number whose flow
// queues its calls there. Both are put back when the test ends.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { BASE_URL, apiAs, TEST_TIMEOUT, beAvailable, openBrowser, screenshot, signIn, waitConnected } from '../lib/browser.mjs';
import { sippDir, startSipp } from '../lib/sipp.mjs';

const DID = '+441234567811';


test('a missed offer, then a wrap-up that needs a disposition', { timeout: 3 * TEST_TIMEOUT }, async (t) => {
  const admin = await apiAs('admin', 'demo-admin');
  const before = await admin('GET', '/api/v1/queues/support');
  assert.equal(before.status, 200);
  const queue = { ...before.json, strategy: 'top_down', ring_timeout_secs: 6, wrap_up_secs: 30, max_missed: 3 };
  assert.equal((await admin('PUT', '/api/v1/queues/support', queue)).status, 200);
  t.after(() => admin('PUT', '/api/v1/queues/support', before.json));
  const flow = { name: 'e2e_support', start: 'q', language: 'en', nodes: { q: { type: 'queue', queue: 'support' } } };
  const put = await admin('PUT', '/api/v1/ivr_flows/e2e_support', flow);
  assert.ok([200, 201].includes(put.status), JSON.stringify(put.json));
  assert.equal((await admin('PUT', `/api/v1/entry_points/${encodeURIComponent(DID)}`, { flow: 'e2e_support' })).status, 200);
  t.after(() => admin('DELETE', `/api/v1/entry_points/${encodeURIComponent(DID)}`));

  const { page } = await openBrowser(t, { args: ['--autoplay-policy=no-user-gesture-required'] });
  await signIn(page, 'agent', 'elif', 'demo-agent');
  await waitConnected(page);
  await beAvailable(page);
  const current = page.getByTestId('status-current');

  // Not ready with a reason code, shown as such.
  await page.getByTestId('status-select').selectOption('not_ready:lunch');
  await page.locator('[data-testid="status-current"][data-reason="lunch"]').waitFor();
  await beAvailable(page);

  const dir = await sippDir();
  const call = startSipp(t, 'call_in_queue.xml', ['-s', DID], { cwd: dir });

  // 1. It rings; she lets it ring out: missed, and no call until she acknowledges.
  const ringing = page.getByTestId('call-ringing').first();
  await ringing.waitFor({ timeout: 20_000 });
  assert.equal(await current.getAttribute('data-activity'), 'ringing');
  assert.ok((await ringing.innerText()).includes('Technical support') || (await ringing.innerText()).includes('support'));
  await page.locator('[data-testid="status-current"][data-activity="missed"]').waitFor({ timeout: 15_000 });
  await page.getByTestId('status-missed').waitFor();
  await ringing.waitFor({ state: 'detached' });
  await screenshot(page, '12-agent-missed');
  await page.waitForTimeout(2_000);
  assert.equal(await page.getByTestId('call-ringing').count(), 0, 'no offer while missed');

  // 2. Acknowledged: it rings again, with how long the caller has waited;
  // she answers with Ctrl+Shift+A, talks and hangs up.
  await page.getByTestId('status-missed-ack').click();
  await page.getByTestId('call-ringing').first().waitFor({ timeout: 15_000 });
  const waited = await page.getByTestId('call-waited').innerText();
  assert.match(waited, /^\d+:\d\d$/, `the wait shows: ${waited}`);
  assert.ok(Number(waited.split(':').at(-1)) >= 6 || Number(waited.split(':')[0]) > 0, `waited since it was queued: ${waited}`);
  await page.keyboard.press('Control+Shift+KeyA');
  await page.locator('[data-testid="call-active"][data-state="talking"]').waitFor({ timeout: 20_000 });
  await page.locator('[data-testid="status-current"][data-activity="on_call"]').waitFor();
  await page.getByTestId('call-hangup').click();
  const r = await call.done;
  assert.equal(r.code, 0, `the caller got the BYE:\n${r.log}`);

  // 3. Wrap-up by itself, with a countdown that More time extends.
  const wrapup = page.getByTestId('wrapup');
  await wrapup.waitFor({ timeout: 10_000 });
  await page.locator('[data-testid="status-current"][data-activity="wrap_up"]').waitFor();
  const secs = async () => {
    const [m, s] = (await page.getByTestId('wrapup-countdown').innerText()).trim().split(':').slice(-2).map(Number);
    return m * 60 + s;
  };
  const first = await secs();
  // The desk counts on its estimate of the server clock: a second either way.
  assert.ok(first > 15 && first <= 31, `about 30 s left: ${first}`);
  await page.getByTestId('wrapup-extend').click();
  await page.waitForFunction(
    (was) => {
      const [m, s] = document.querySelector('[data-testid="wrapup-countdown"]').innerText.trim().split(':').slice(-2).map(Number);
      return m * 60 + s > was + 20;
    },
    first,
    { timeout: 10_000 },
  );
  await screenshot(page, '12-agent-wrap-up');

  // Done without a disposition is refused, and nothing changes.
  await page.getByTestId('wrapup-done').click();
  await page.locator('[data-testid="wrapup-error"]:not([hidden])').waitFor();
  assert.equal(await page.getByTestId('wrapup-disposition').getAttribute('aria-invalid'), 'true');
  assert.equal(await current.getAttribute('data-activity'), 'wrap_up');

  // With one, it is saved (Ctrl+Shift+F, not while typing the notes) and
  // she is available again.
  const callId = await wrapup.getAttribute('data-call');
  await page.getByTestId('wrapup-disposition').selectOption('resolved');
  await page.getByTestId('wrapup-notes').fill('Explained the bill.');
  await page.keyboard.press('Control+Shift+KeyF');
  await page.waitForTimeout(800);
  assert.equal(await wrapup.count(), 1, 'no shortcut while typing in the notes');
  await page.getByTestId('wrapup-title').click();
  await page.keyboard.press('?');
  await page.getByTestId('shortcuts-help').waitFor();
  await screenshot(page, '12-agent-shortcuts');
  await page.keyboard.press('Escape');
  await page.getByTestId('shortcuts-help').waitFor({ state: 'detached' });
  await page.keyboard.press('Control+Shift+KeyF');
  await wrapup.waitFor({ state: 'detached', timeout: 10_000 });
  await page.locator('[data-testid="status-current"][data-activity="idle"][data-status="available"]').waitFor({ timeout: 10_000 });

  const sara = await apiAs('sara', 'demo-supervisor');
  const record = await sara('GET', `/api/v1/interactions/${encodeURIComponent(callId)}`);
  assert.equal(record.status, 200);
  assert.equal(record.json.interaction.disposition_code, 'resolved');
  assert.equal(record.json.interaction.notes, 'Explained the bill.');
  const kinds = record.json.events.map((e) => e.kind);
  for (const k of ['offer.created', 'offer.expired', 'call.answered', 'call.wrapped_up']) {
    assert.ok(kinds.includes(k), `${k} in the timeline: ${kinds}`);
  }
});
