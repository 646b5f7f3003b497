// The web call button (issue 7). A customer on the demo page (/demo/widget)
// presses the button; the site vouched for them with a signed token, so the
// IVR knows them without a code. They choose technical support on the
// widget's keypad, Karim answers on his desk, and sound crosses both ways
// (the customer's fake microphone plays 1 kHz, Karim's 440 Hz). Karim hangs
// up; the customer rates the call 5 with a click and the interaction keeps
// the score. Then, with nobody working, the button offers a callback,
// in Persian (right to left), and a number typed in Persian digits becomes
// a pending callback. A page on a foreign origin is refused.

import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import http from 'node:http';
import { test } from 'node:test';

import {
  apiAs,
  BASE_URL,
  TEST_TIMEOUT,
  beAvailable,
  dominantTone,
  openBrowser,
  screenshot,
  signIn,
  toneWav,
  waitConnected,
} from '../lib/browser.mjs';

// The demo widget's key (gateway/src/demo.rs): the tests play the site's backend.
const SECRET = 'demo-widget-secret-not-for-production';

function token(customer, ttlSecs = 600) {
  const payload = Buffer.from(JSON.stringify({ customer, exp: Math.floor(Date.now() / 1000) + ttlSecs })).toString('base64url');
  return `${payload}.${createHmac('sha256', SECRET).update(payload).digest('base64url')}`;
}


const phase = (page, p, timeout = 20_000) =>
  page.locator(`[data-testid="widget-panel"][data-phase="${p}"]`).waitFor({ timeout });

test('a web caller reaches an agent with sound both ways and rates the call', { timeout: 3 * TEST_TIMEOUT }, async (t) => {
  const admin = await apiAs('admin', 'demo-admin');
  const before = await admin('GET', '/api/v1/queues/support');
  assert.equal(before.status, 200);
  const queue = { ...before.json, survey_flow: 'demo_survey', strategy: 'top_down', wrap_up_secs: 0 };
  assert.equal((await admin('PUT', '/api/v1/queues/support', queue)).status, 200, 'the survey is on');
  t.after(() => admin('PUT', '/api/v1/queues/support', before.json));

  const agentTone = await toneWav('tone-440.wav', 440, 60);
  const { page: desk } = await openBrowser(t, {
    args: [`--use-file-for-fake-audio-capture=${agentTone}`, '--autoplay-policy=no-user-gesture-required'],
  });
  await signIn(desk, 'agent', 'karim', 'demo-agent');
  await waitConnected(desk);
  await beAvailable(desk);

  const customerTone = await toneWav('tone-1000.wav', 1000, 60);
  const { page } = await openBrowser(t, {
    args: [`--use-file-for-fake-audio-capture=${customerTone}`, '--autoplay-policy=no-user-gesture-required'],
  });
  await page.goto(`${BASE_URL}/demo/widget?lang=en&token=${token('1001')}`);
  await page.getByTestId('widget-button').click();
  // Known from the token: no code asked, straight to the menu.
  await phase(page, 'menu');
  await screenshot(page, '18-widget-menu');
  await page.getByTestId('widget-keypad-toggle').click();
  await page.getByTestId('widget-key-1').click();

  const ringing = desk.getByTestId('call-ringing').first();
  await ringing.waitFor({ timeout: 30_000 });
  const banner = await ringing.innerText();
  assert.ok(banner.includes('Youssef Al-Amin'), `the banner names the customer the site vouched for: ${banner}`);
  assert.ok(
    (await ringing.getByTestId('call-page').innerText()).includes('/demo/widget'),
    'the agent sees the page the customer called from',
  );
  await ringing.getByTestId('call-answer').click();
  await desk.locator('[data-testid="call-active"][data-state="talking"]').waitFor({ timeout: 20_000 });
  await phase(page, 'agent');
  await screenshot(page, '18-widget-talking');

  const agentHears = await dominantTone(desk, '[data-testid="call-audio"]', 1000);
  assert.ok(Math.abs(agentHears.hz - 1000) < 15 && agentHears.db > -50, `the agent hears the web caller: ${JSON.stringify(agentHears)}`);
  const callerHears = await dominantTone(page, '[data-testid="widget-audio"]', 440);
  assert.ok(Math.abs(callerHears.hz - 440) < 15 && callerHears.db > -50, `the web caller hears the agent: ${JSON.stringify(callerHears)}`);

  const callId = await desk.getByTestId('call-active').getAttribute('data-call-id');
  await desk.getByTestId('call-hangup').click();
  await phase(page, 'survey');
  await screenshot(page, '18-widget-survey');
  await page.getByTestId('widget-score-5').click();
  await phase(page, 'rated');
  await page.getByTestId('widget-again').waitFor({ timeout: 20_000 });

  // The score and the customer are on the interaction.
  let detail;
  for (let i = 0; i < 50; i++) {
    detail = await admin('GET', `/api/v1/interactions/${callId}`);
    if (detail.json?.interaction?.survey_score != null) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const rec = detail.json?.interaction;
  assert.equal(rec?.survey_score, 5, `the rating is kept: ${JSON.stringify(detail.json)}`);
  const found = await admin('GET', '/api/v1/customers?q=1001');
  const youssef = found.json.items.find((c) => c.code === '1001');
  assert.equal(rec.customer_id, youssef.id, 'the call is on the customer the token named');
});

test('with nobody working the button offers a callback, in Persian', { timeout: TEST_TIMEOUT }, async (t) => {
  const admin = await apiAs('admin', 'demo-admin');
  const { page } = await openBrowser(t, { locale: 'fa-IR' });
  await page.goto(`${BASE_URL}/demo/widget?lang=fa`);
  await page.getByTestId('widget-button').click();
  await phase(page, 'callback');
  const dir = await page.locator('[data-cc-widget] >> .w').getAttribute('dir');
  assert.equal(dir, 'rtl', 'Persian is right to left');
  await page.getByTestId('widget-callback-number').fill('+۹۸ ۹۱۲ ۷۶۵ ۴۳۲۱');
  await screenshot(page, '18-widget-callback-fa');
  await page.getByTestId('widget-callback-send').click();
  await phase(page, 'callback_done');

  const list = await admin('GET', '/api/v1/callbacks?queue=support&state=pending');
  const mine = list.json.items.find((c) => c.number === '+989127654321');
  assert.ok(mine, `a pending callback for the number: ${JSON.stringify(list.json.items)}`);
  // Not left for later tests' agents.
  assert.equal((await admin('POST', `/api/v1/callbacks/${mine.id}/cancel`)).status, 200);
});

test("a page on another origin cannot use the widget", async () => {
  const evil = { origin: 'https://evil.example' };
  const status = await fetch(`${BASE_URL}/api/v1/widgets/demo`, { headers: evil });
  assert.equal(status.status, 403);
  const cb = await fetch(`${BASE_URL}/api/v1/widgets/demo/callbacks`, {
    method: 'POST',
    headers: { ...evil, 'content-type': 'application/json' },
    body: JSON.stringify({ number: '+989121111111' }),
  });
  assert.equal(cb.status, 403);
  const upgrade = await new Promise((resolve, reject) => {
    const req = http.get(`${BASE_URL}/api/v1/widgets/demo/call`, {
      headers: { ...evil, connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' },
    });
    req.on('response', (res) => { res.resume(); resolve(res.statusCode); });
    req.on('upgrade', (res, socket) => { socket.destroy(); resolve(101); });
    req.on('error', reject);
  });
  assert.equal(upgrade, 403, 'the call socket refuses the foreign page');
  const own = await fetch(`${BASE_URL}/api/v1/widgets/demo`, { headers: { origin: BASE_URL } });
  assert.equal(own.status, 200);
  assert.equal(own.headers.get('access-control-allow-origin'), BASE_URL);
  assert.equal((await fetch(`${BASE_URL}/api/v1/widgets/nope`)).status, 404);
});
