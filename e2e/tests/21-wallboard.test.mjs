// The supervisors' wallboard, pushed over the WebSocket: Sara opens it;
// Omid (another browser) goes available and the board counts him; a call
// queued by a flow waits and rings on his desk: the board shows one caller
// waiting and Omid ringing within seconds; he answers: nobody waits, one
// agent on a call. After he hangs up, today's figures on the board equal
// what the test computes from the interaction records
// (GET /api/v1/interactions) by the rule the board states. Screenshots of
// the board and of TV mode in English and Arabic.
//
// The administrator's API sets the stage (a number whose flow queues its
// calls in support, a long ring time) and puts it back afterwards.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { TEST_TIMEOUT, apiAs, beAvailable, openBrowser, screenshot, signIn, waitConnected } from '../lib/browser.mjs';
import { sippDir, startSipp } from '../lib/sipp.mjs';

const DID = '+441234567821';

/** The support row's figure `testid` (inside `scope`, e.g. wb-today). */
function figure(page, testid, scope) {
  const row = page.locator('[data-testid="wb-queue"][data-queue="support"]');
  return (scope ? row.getByTestId(scope) : row).getByTestId(testid);
}

async function waitValue(page, testid, value, { scope, timeout = 10_000 } = {}) {
  const row = '[data-testid="wb-queue"][data-queue="support"]';
  const sel = scope
    ? `${row} [data-testid="${scope}"] [data-testid="${testid}"][data-value="${value}"]`
    : `${row} [data-testid="${testid}"][data-value="${value}"]`;
  await page.locator(sel).waitFor({ timeout });
}

/** Every support call that entered the queue today (UTC), from the records. */
async function todaysCalls(sara) {
  const midnight = new Date();
  midnight.setUTCHours(0, 0, 0, 0);
  // A call starts before it enters the queue: look back half a day.
  const from = new Date(midnight.getTime() - 12 * 3_600_000).toISOString();
  const items = [];
  let cursor = null;
  do {
    const q = `queue=support&from=${encodeURIComponent(from)}&limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const r = await sara('GET', `/api/v1/interactions?${q}`);
    assert.equal(r.status, 200);
    items.push(...r.json.items);
    cursor = r.json.next_cursor;
  } while (cursor);
  return items.filter((i) => i.enqueued_at && Date.parse(i.enqueued_at) >= midnight.getTime());
}

/**
 * The board's rule, written again from the records: service level =
 * answered within T ÷ (answered + abandoned after T); abandon rate =
 * abandoned ÷ offered; speed of answer = mean wait of answered calls;
 * handle time = talk and hold + wrap-up of answered calls that ended.
 */
function figures(calls, targetSecs) {
  const t = targetSecs * 1000;
  const at = (s) => (s ? Date.parse(s) : null);
  let answered = 0;
  let inTarget = 0;
  let abandoned = 0;
  let abandonedInTarget = 0;
  let waits = 0;
  let handled = 0;
  let handledN = 0;
  for (const c of calls) {
    const entered = at(c.enqueued_at);
    if (c.answered_at) {
      const wait = Math.max(0, at(c.answered_at) - entered);
      answered++;
      if (wait <= t) inTarget++;
      waits += wait;
      if (c.ended_at) {
        handled += Math.max(0, c.billsec_ms ?? 0) + Math.max(0, c.wrap_up_ms ?? 0);
        handledN++;
      }
    } else if (c.disposition === 'abandoned') {
      abandoned++;
      const left = at(c.dequeued_at) ?? at(c.ended_at);
      if ((left === null ? 0 : Math.max(0, left - entered)) <= t) abandonedInTarget++;
    }
  }
  const counted = answered + abandoned - abandonedInTarget;
  const mean = (sum, n) => (n > 0 ? String(Math.floor((sum + Math.floor(n / 2)) / n)) : '');
  return {
    offered: String(calls.length),
    answered: String(answered),
    abandoned: String(abandoned),
    sl: counted > 0 ? ((100 * inTarget) / counted).toFixed(1) : '',
    abandonRate: calls.length > 0 ? ((100 * abandoned) / calls.length).toFixed(1) : '',
    asa: mean(waits, answered),
    aht: mean(handled, handledN),
  };
}

async function shown(page) {
  const v = (id) => figure(page, id, 'wb-today').getAttribute('data-value');
  return {
    offered: await v('wb-offered'),
    answered: await v('wb-answered'),
    abandoned: await v('wb-abandoned'),
    sl: await v('wb-sl'),
    abandonRate: await v('wb-abandon-rate'),
    asa: await v('wb-asa'),
    aht: await v('wb-aht'),
  };
}

test('the wallboard follows a call live and agrees with the records', { timeout: 3 * TEST_TIMEOUT }, async (t) => {
  const admin = await apiAs('admin', 'demo-admin');
  const before = await admin('GET', '/api/v1/queues/support');
  assert.equal(before.status, 200);
  const queue = { ...before.json, strategy: 'top_down', ring_timeout_secs: 60, wrap_up_secs: 0 };
  assert.equal((await admin('PUT', '/api/v1/queues/support', queue)).status, 200);
  t.after(() => admin('PUT', '/api/v1/queues/support', before.json));
  const flow = { name: 'e2e_wallboard', start: 'q', language: 'en', nodes: { q: { type: 'queue', queue: 'support' } } };
  const put = await admin('PUT', '/api/v1/ivr_flows/e2e_wallboard', flow);
  assert.ok([200, 201].includes(put.status), JSON.stringify(put.json));
  assert.equal((await admin('PUT', `/api/v1/entry_points/${encodeURIComponent(DID)}`, { flow: 'e2e_wallboard' })).status, 200);
  t.after(() => admin('DELETE', `/api/v1/entry_points/${encodeURIComponent(DID)}`));
  const target = queue.service_level_secs ?? 20;

  // Sara opens the wallboard from the navigation.
  const { page: board } = await openBrowser(t);
  await signIn(board, 'supervisor', 'sara', 'demo-supervisor');
  await waitConnected(board);
  await board.getByTestId('nav-wallboard').click();
  await board.locator('[data-testid="wb-queue"][data-queue="support"]').waitFor();
  await board.locator('[data-testid="wb-queue"][data-queue="sales"]').waitFor();
  assert.equal(await board.getByTestId('wb-queue').first().getAttribute('data-queue'), 'support');
  const rule = await figure(board, 'wb-rule').innerText();
  assert.ok(rule.includes(`answered within ${target} s`) && rule.includes('not counted'), `the rule is stated: ${rule}`);
  await waitValue(board, 'wb-waiting', '0');
  const availableBefore = Number(await figure(board, 'wb-agents-available').getAttribute('data-value'));

  // Omid goes available: counted within seconds.
  const { page: desk } = await openBrowser(t, { args: ['--autoplay-policy=no-user-gesture-required'] });
  await signIn(desk, 'agent', 'omid', 'demo-agent');
  await waitConnected(desk);
  await beAvailable(desk);
  await waitValue(board, 'wb-agents-available', String(availableBefore + 1), { timeout: 5_000 });

  // A call waits in the queue and rings on his desk.
  const dir = await sippDir();
  const call = startSipp(t, 'call_in_queue.xml', ['-s', DID], { cwd: dir });
  const ringing = desk.getByTestId('call-ringing').first();
  await ringing.waitFor({ timeout: 20_000 });
  await waitValue(board, 'wb-waiting', '1', { timeout: 5_000 });
  await waitValue(board, 'wb-agents-ringing', '1', { timeout: 5_000 });
  // The longest wait runs on the board between pushes.
  await board.waitForFunction(
    () => Number(document.querySelector('[data-queue="support"] [data-testid="wb-longest"]').dataset.value) >= 2,
    null,
    { timeout: 10_000 },
  );
  await screenshot(board, '21-wallboard-waiting');

  // He answers: nobody waits, one on a call.
  await ringing.getByTestId('call-answer').click();
  await desk.locator('[data-testid="call-active"][data-state="talking"]').waitFor({ timeout: 20_000 });
  await waitValue(board, 'wb-waiting', '0', { timeout: 5_000 });
  await waitValue(board, 'wb-agents-on_call', '1', { timeout: 5_000 });
  await waitValue(board, 'wb-agents-ringing', '0', { timeout: 5_000 });
  await screenshot(board, '21-wallboard-on-call');
  await desk.waitForTimeout(1_500);
  await desk.getByTestId('call-hangup').click();
  const r = await call.done;
  assert.equal(r.code, 0, `the caller got the BYE:\n${r.log}`);

  // Today's figures equal the records'.
  const sara = await apiAs('sara', 'demo-supervisor');
  let expected;
  let got;
  for (let i = 0; i < 20; i++) {
    expected = figures(await todaysCalls(sara), target);
    got = await shown(board);
    if (JSON.stringify(got) === JSON.stringify(expected)) break;
    await board.waitForTimeout(500);
  }
  assert.deepEqual(got, expected, 'the board\'s today equals the records\'');
  assert.ok(Number(expected.answered) >= 1, 'our call is answered today');

  // TV mode: no header or navigation, dark; then in Arabic.
  await board.getByTestId('wb-tv').click();
  await board.waitForFunction(() => document.documentElement.classList.contains('tv') && location.hash === '#/wallboard?tv');
  assert.equal(await board.locator('.topbar').isVisible(), false, 'no header in TV mode');
  assert.equal(await board.getByTestId('nav-wallboard').isVisible(), false, 'no navigation in TV mode');
  await screenshot(board, '21-wallboard-tv-en');
  await board.getByTestId('wb-tv').click();
  await board.waitForFunction(() => !document.documentElement.classList.contains('tv') && location.hash === '#/wallboard');

  await board.getByTestId('lang-select').selectOption('ar');
  await board.waitForFunction(() => document.documentElement.dir === 'rtl');
  await board.locator('[data-testid="wb-queue"][data-queue="support"]').waitFor();
  await screenshot(board, '21-wallboard-ar');
  // A TV's browser goes straight to TV mode by the address.
  await board.goto(board.url().replace(/#.*$/, '#/wallboard?tv'));
  await board.reload();
  await board.locator('[data-testid="wb-queue"][data-queue="support"]').waitFor();
  await board.waitForFunction(() => document.documentElement.classList.contains('tv'));
  await screenshot(board, '21-wallboard-tv-ar');

  // Leaving the wallboard stops the pushes: the page is gone from the DOM.
  await board.goto(board.url().replace(/#.*$/, '#/live'));
  await board.getByTestId('wallboard').waitFor({ state: 'detached' });
});
