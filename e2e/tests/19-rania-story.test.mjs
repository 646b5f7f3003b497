// Rania's story (../shared/seeds/README.md, issue 7), end to end, twice:
// the customer calls once from the phone network (sipp) and once with the
// web call button (Chromium). Each run fails if a step does not happen as
// the story says:
//
// 1. Four agents are signed in (Rania and three colleagues), and all four
//    are on calls.
// 2. The customer (Youssef Al-Amin) calls the support line, enters his
//    customer code, chooses technical support, and is told that all agents
//    are busy and about how long he will wait (the estimate's figure, as
//    the timeline records what was played).
// 3. Rania finishes her call; the customer's call is routed to her; her desk
//    shows his data, his earlier calls and his earlier request.
// 4. Sound crosses both ways; she puts him on hold and back.
// 5. She records his request as a ticket with the time it will take, and
//    ends the call; he rates it "very good" (5).
// 6. She wraps up with a disposition; the supervisor's view of the call
//    has its wait, the ticket and the score.

import assert from 'node:assert/strict';
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
import { sippDir, startSipp, toneUlaw } from '../lib/sipp.mjs';

/** The support line (the demo's flow `demo_support`). */
const SUPPORT_LINE = '+441234567800';
/** No entry point: rings every free agent (the colleagues' calls). */
const OTHER_LINE = '+441234567890';
/** Youssef's code during the story: four keys, none twice in a row (sipp's key recordings). */
const CODE = '1203';


async function until(what, f, ms = 30_000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The queue, Youssef and his earlier request, as the story needs them; undone after. */
async function setUp(t, admin) {
  const before = (await admin('GET', '/api/v1/queues/support')).json;
  const queue = { ...before, survey_flow: 'demo_survey', wrap_up_secs: 60, ring_timeout_secs: 20, announce_every_secs: 0 };
  assert.equal((await admin('PUT', '/api/v1/queues/support', queue)).status, 200);
  t.after(() => admin('PUT', '/api/v1/queues/support', before));

  const youssef = (await admin('GET', '/api/v1/customers?q=1001')).json.items.find((c) => c.code === '1001');
  assert.ok(youssef, 'the demo customer');
  const input = (code) => ({
    code,
    name: youssef.name,
    phones: youssef.phones,
    email: youssef.email,
    language: youssef.language,
    vip: youssef.vip,
    notes: youssef.notes,
  });
  assert.equal((await admin('PUT', `/api/v1/customers/${youssef.id}`, input(CODE))).status, 200);
  t.after(() => admin('PUT', `/api/v1/customers/${youssef.id}`, input('1001')));

  const earlier = `Invoice copy for March (${Date.now().toString(36)})`;
  const ticket = await admin('POST', '/api/v1/tickets', { customer_id: youssef.id, kind: 'request', subject: earlier });
  assert.equal(ticket.status, 201, JSON.stringify(ticket.json));
  return { youssef, earlier };
}

/** The four agents, each on a call: Rania's first. */
async function fourBusyAgents(t, dir) {
  const wav = await toneWav('tone-440.wav', 440, 120);
  const agents = {};
  for (const name of ['rania', 'omid', 'elif', 'karim']) {
    const { page } = await openBrowser(t, {
      args: [`--use-file-for-fake-audio-capture=${wav}`, '--autoplay-policy=no-user-gesture-required'],
    });
    await signIn(page, 'agent', name, 'demo-agent');
    await waitConnected(page);
    await beAvailable(page);
    const call = startSipp(t, 'call_in_queue.xml', ['-s', OTHER_LINE, '-timeout', '240'], { cwd: dir });
    const ringing = page.getByTestId('call-ringing').first();
    await ringing.waitFor({ timeout: 20_000 });
    await ringing.getByTestId('call-answer').click();
    await page.locator('[data-testid="call-active"][data-state="talking"]').waitFor({ timeout: 20_000 });
    agents[name] = { page, call };
  }
  return agents;
}

/** The customer's call, the newest in the support queue since `since`. */
async function customerCall(admin, since) {
  return until('the customer\'s call in the records', async () => {
    const page = await admin('GET', `/api/v1/interactions?from=${encodeURIComponent(since)}&limit=20`);
    return page.json?.items?.find((i) => i.callee === SUPPORT_LINE || (i.callee ?? '').startsWith('web:'));
  });
}

/** What the customer was told while waiting. */
async function announcement(admin, callId) {
  return until('the queue announcement', async () => {
    const d = await admin('GET', `/api/v1/interactions/${callId}`);
    return d.json?.events?.find((e) => e.kind === 'queue.announced');
  });
}

/** The rest of the story, once the customer waits: steps 3 to 6. */
async function rest(t, { admin, agents, callId, youssef, earlier, customerHears }) {
  const told = await announcement(admin, callId);
  assert.equal(told.data.all_busy, true, `all agents are busy: ${JSON.stringify(told.data)}`);
  assert.ok(told.data.wait_secs > 0, `a wait estimate: ${JSON.stringify(told.data)}`);
  assert.ok(told.data.prompts.includes('all_agents_busy') && told.data.prompts.includes('estimated_wait'), JSON.stringify(told.data));
  assert.ok(told.data.prompts.some((p) => /^minute/.test(p) || p === 'less_than_a_minute' || p === 'minute_and_half'),
    `the wait is said in minutes: ${told.data.prompts}`);

  // 3. Rania finishes her call; his call comes to her.
  const rania = agents.rania.page;
  await rania.getByTestId('call-hangup').click();
  assert.equal((await agents.rania.call.done).code, 0, 'her earlier caller got the BYE');
  const ringing = rania.locator(`[data-testid="call-ringing"][data-call-id="${callId}"]`);
  await ringing.waitFor({ timeout: 30_000 });
  assert.ok((await ringing.innerText()).includes('Youssef Al-Amin'), 'the banner names him');
  const card = rania.getByTestId('customer-card');
  await rania.locator('[data-testid="customer-card"][data-state="found"]').waitFor({ timeout: 15_000 });
  assert.equal((await card.getByTestId('customer-code').innerText()).trim(), CODE, 'his data');
  await card.getByTestId('history-item').first().waitFor();
  assert.ok((await card.getByTestId('history-item').filter({ hasText: 'resolved' }).count()) >= 1, 'his earlier calls');
  await card.getByTestId('ticket').filter({ hasText: earlier }).waitFor();
  await screenshot(rania, '19-rania-offered');
  await ringing.getByTestId('call-answer').click();
  await rania.locator(`[data-testid="call-active"][data-state="talking"][data-call-id="${callId}"]`).waitFor({ timeout: 20_000 });

  // The colleagues finish their calls.
  for (const name of ['omid', 'elif', 'karim']) {
    await agents[name].page.getByTestId('call-hangup').click();
    assert.equal((await agents[name].call.done).code, 0, `${name}'s caller got the BYE`);
  }

  // 4. Sound both ways.
  await customerHears();

  // 5. The request as a ticket, with when it will be done.
  const subject = `Evening drops on the line (${Date.now().toString(36)})`;
  await card.getByTestId('ticket-new').click();
  const form = card.getByTestId('ticket-form');
  await form.getByTestId('ticket-form-kind').selectOption('request');
  await form.getByTestId('ticket-form-subject').fill(subject);
  const due = new Date(Date.now() + 2 * 86_400_000);
  due.setSeconds(0, 0);
  const p = (n) => String(n).padStart(2, '0');
  await form.getByTestId('ticket-form-due').fill(
    `${due.getFullYear()}-${p(due.getMonth() + 1)}-${p(due.getDate())}T${p(due.getHours())}:${p(due.getMinutes())}`,
  );
  await form.getByTestId('ticket-form-save').click();
  await card.getByTestId('ticket').filter({ hasText: subject }).waitFor();
  await screenshot(rania, '19-rania-ticket');

  return { rania, subject, due };
}

/** Steps 5 (the end) and 6, after the caller rated the call. */
async function afterCall(t, { admin, rania, callId, subject, due, youssef }) {
  const wrapup = rania.getByTestId('wrapup');
  await wrapup.waitFor({ timeout: 15_000 });
  await rania.getByTestId('wrapup-disposition').selectOption('resolved');
  await rania.getByTestId('wrapup-done').click();
  await wrapup.waitFor({ state: 'detached', timeout: 10_000 });

  const sara = await apiAs('sara', 'demo-supervisor');
  const rec = await until('the score on the record', async () => {
    const d = await sara('GET', `/api/v1/interactions/${callId}`);
    return d.json?.interaction?.survey_score != null && d.json.interaction.disposition_code ? d.json.interaction : null;
  });
  assert.equal(rec.survey_score, 5, 'rated very good');
  assert.equal(rec.customer_id, youssef.id);
  assert.equal(rec.disposition_code, 'resolved');
  assert.equal(rec.queue, 'support');
  const wait = Date.parse(rec.answered_at) - Date.parse(rec.enqueued_at);
  assert.ok(wait > 0, `he waited: ${rec.enqueued_at} → ${rec.answered_at}`);
  const tickets = (await sara('GET', `/api/v1/customers/${youssef.id}/tickets`)).json;
  const list = Array.isArray(tickets) ? tickets : tickets.items;
  const mine = list.find((k) => k.subject === subject);
  assert.ok(mine, 'the ticket is kept');
  assert.equal(mine.call_id, callId, 'on this call');
  assert.equal(mine.kind, 'request');
  assert.equal(Date.parse(mine.due_at), due.getTime(), 'with the time it will take');

  // The supervisor's calls report shows the call, its wait, the ticket and the score.
  const { page: board } = await openBrowser(t);
  await signIn(board, 'supervisor', 'sara', 'demo-supervisor');
  await waitConnected(board);
  await board.getByTestId('nav-calls-report').click();
  const row = board.locator(`[data-testid="report-call"][data-call-id="${callId}"]`);
  await row.waitFor({ timeout: 15_000 });
  const waitCell = row.getByTestId('report-wait');
  assert.equal(await waitCell.getAttribute('data-wait-end'), 'answered');
  assert.equal(Number(await waitCell.getAttribute('data-wait-ms')), wait, 'the wait, as the record has it');
  assert.equal((await row.getByTestId('report-score').innerText()).trim(), '5');
  assert.ok((await row.getByTestId('report-tickets').innerText()).includes(subject), 'the ticket');
  assert.equal((await row.getByTestId('report-customer').innerText()).trim(), 'Youssef Al-Amin');
  await screenshot(board, '19-supervisor-report');
}

test("Rania's story, the customer on the phone", { timeout: 6 * TEST_TIMEOUT }, async (t) => {
  const admin = await apiAs('admin', 'demo-admin');
  const { youssef, earlier } = await setUp(t, admin);
  const dir = await sippDir();
  const agents = await fourBusyAgents(t, dir);

  // 2. He calls, keys his code and 1 (the scenario), and waits.
  const since = new Date(Date.now() - 1000).toISOString();
  const customer = startSipp(t, 'call_in_story.xml', ['-s', SUPPORT_LINE, '-rtp_echo', '-timeout', '240'], { cwd: dir });
  const callId = (await customerCall(admin, since)).call_id;

  const { rania, subject, due } = await rest(t, {
    admin,
    agents,
    callId,
    youssef,
    earlier,
    customerHears: async () => {
      // sipp sends back what it hears: Rania's 440 Hz went to him and came back.
      const heard = await dominantTone(agents.rania.page, '[data-testid="call-audio"]', 440);
      assert.ok(Math.abs(heard.hz - 440) < 15 && heard.db > -50, `her voice reached him and his line reached her: ${JSON.stringify(heard)}`);
    },
  });

  // 4. Hold and back (he gets the re-INVITEs), then she ends the call.
  await rania.getByTestId('call-hold').click();
  await rania.locator('[data-testid="call-active"][data-held="true"]').waitFor({ timeout: 15_000 });
  await rania.getByTestId('call-hold').click();
  await rania.locator('[data-testid="call-active"][data-held="false"]').waitFor({ timeout: 15_000 });
  await rania.getByTestId('call-hangup').click();
  // 5. He rates it 5 in the survey, and is let go.
  const r = await customer.done;
  assert.equal(r.code, 0, `his side of the story passed:\n${r.log}`);
  await afterCall(t, { admin, rania, callId, subject, due, youssef });
});

test("Rania's story, the customer on the web call button", { timeout: 6 * TEST_TIMEOUT }, async (t) => {
  const admin = await apiAs('admin', 'demo-admin');
  const { youssef, earlier } = await setUp(t, admin);
  const dir = await sippDir();
  await toneUlaw(dir, 'tone.ul', 1000);
  const agents = await fourBusyAgents(t, dir);

  // 2. He opens the shop's page, presses the button, keys his code and 1.
  const since = new Date(Date.now() - 1000).toISOString();
  const wav = await toneWav('tone-1000.wav', 1000, 120);
  const { page } = await openBrowser(t, {
    args: [`--use-file-for-fake-audio-capture=${wav}`, '--autoplay-policy=no-user-gesture-required'],
  });
  await page.goto(`${BASE_URL}/demo/widget?lang=en`);
  await page.getByTestId('widget-button').click();
  const phase = (p, timeout = 30_000) => page.locator(`[data-testid="widget-panel"][data-phase="${p}"]`).waitFor({ timeout });
  await phase('menu');
  await page.getByTestId('widget-keypad-toggle').click();
  for (const key of [...CODE, '1']) {
    await page.getByTestId(`widget-key-${key}`).click();
    await page.waitForTimeout(300);
  }
  await phase('waiting');
  await screenshot(page, '19-web-waiting');
  const callId = (await customerCall(admin, since)).call_id;

  const { rania, subject, due } = await rest(t, {
    admin,
    agents,
    callId,
    youssef,
    earlier,
    customerHears: async () => {
      await phase('agent');
      const agentHears = await dominantTone(agents.rania.page, '[data-testid="call-audio"]', 1000);
      assert.ok(Math.abs(agentHears.hz - 1000) < 15 && agentHears.db > -50, `Rania hears him: ${JSON.stringify(agentHears)}`);
      const heHears = await dominantTone(page, '[data-testid="widget-audio"]', 440);
      assert.ok(Math.abs(heHears.hz - 440) < 15 && heHears.db > -50, `he hears Rania: ${JSON.stringify(heHears)}`);
    },
  });

  await rania.getByTestId('call-hold').click();
  await phase('held');
  await rania.getByTestId('call-hold').click();
  await phase('agent');
  await rania.getByTestId('call-hangup').click();
  // 5. He rates it 5 with a click.
  await phase('survey');
  await screenshot(page, '19-web-survey');
  await page.getByTestId('widget-score-5').click();
  await page.getByTestId('widget-again').waitFor({ timeout: 20_000 });
  await afterCall(t, { admin, rania, callId, subject, due, youssef });
});
