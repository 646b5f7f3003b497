// The supervisors' calls report (Sara, on the demo's data): the table shows
// today's calls, newest first, with the customer's name, the wait (to the
// answer or to hanging up), the score and the tickets opened on the call,
// as computed here from the REST API's raw fields (customers and tickets
// read through their own routes); the totals add up; the CSV export has a
// row per call and the table's columns. Screenshots in English and Arabic.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';

import {
  BASE_URL,
  TEST_TIMEOUT,
  messages,
  openBrowser,
  screenshot,
  signIn,
  waitConnected,
  waitLangDir,
} from '../lib/browser.mjs';

/** A full-page screenshot from the top (the header is sticky). */
async function shot(page, name) {
  await page.evaluate(() => window.scrollTo(0, 0));
  return screenshot(page, name);
}

/** JSON from the API with the page's session (throws on a non-2xx). */
async function api(page, path) {
  const r = await page.request.get(`${BASE_URL}${path}`);
  const text = await r.text();
  assert.ok(r.ok(), `GET ${path}: ${r.status()} ${text}`);
  return JSON.parse(text);
}

/** Whole seconds as the report writes them in English: m:ss or h:mm:ss. */
function duration(ms) {
  const s = Math.floor((Math.max(0, ms) + 500) / 1000);
  const [h, m, sec] = [Math.floor(s / 3600), Math.floor(s / 60) % 60, s % 60];
  const two = (n) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(sec)}` : `${m}:${two(sec)}`;
}

/** How long the caller waited in the queue and how the wait ended. */
function expectedWait(i) {
  if (!i.enqueued_at) return null;
  const at = (t) => (t ? Date.parse(t) : null);
  let end;
  let how;
  if (i.answered_at) [end, how] = [at(i.answered_at), 'answered'];
  else if (i.disposition === 'abandoned') [end, how] = [at(i.dequeued_at) ?? at(i.ended_at), 'abandoned'];
  else if (i.dequeued_at || i.ended_at) [end, how] = [at(i.dequeued_at) ?? at(i.ended_at), 'left'];
  else return { ms: null, how: 'waiting' };
  return { ms: Math.max(0, end - Date.parse(i.enqueued_at)), how };
}

/** RFC 4180 rows (quoted cells, doubled quotes, CRLF). */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  for (let k = 0; k < text.length; k++) {
    const c = text[k];
    if (quoted) {
      if (c === '"' && text[k + 1] === '"') [cell, k] = [cell + '"', k + 1];
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') [row, cell] = [[...row, cell], ''];
    else if (c === '\r' && text[k + 1] === '\n') {
      rows.push([...row, cell]);
      [row, cell, k] = [[], '', k + 1];
    } else cell += c;
  }
  if (cell || row.length) rows.push([...row, cell]);
  return rows;
}

test("the calls report shows the day's calls, adds them up and exports them", { timeout: 2 * TEST_TIMEOUT }, async (t) => {
  const en = await messages('en');
  const { page } = await openBrowser(t);
  await signIn(page, 'supervisor', 'sara', 'demo-supervisor');
  await waitConnected(page);

  // From the navigation, by keyboard; the page's heading takes the focus.
  await page.getByTestId('nav-calls-report').focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.activeElement?.id === 'report-title');
  assert.equal(await page.getByTestId('nav-calls-report').getAttribute('aria-current'), 'page');
  assert.ok(page.url().endsWith('#/reports/calls'), page.url());
  const count = page.getByTestId('report-count');
  await page.waitForFunction(
    (prefix) => document.querySelector('[data-testid="report-count"]')?.textContent.startsWith(prefix),
    en['report-shown'].split('{')[0],
  );
  // Every page of the period.
  const more = page.getByTestId('report-more');
  while (await more.isVisible()) {
    const before = await page.getByTestId('report-call').count();
    await more.click();
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="report-call"]').length > n, before);
  }

  // The same period from the API: today in the browser's time zone.
  const { from, to, today } = await page.evaluate(() => {
    const d = new Date();
    const day = (k) => new Date(d.getFullYear(), d.getMonth(), d.getDate() + k);
    const pad = (n) => String(n).padStart(2, '0');
    return {
      from: day(0).toISOString(),
      to: day(1).toISOString(),
      today: `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`,
    };
  });
  assert.equal(await page.getByTestId('report-from').inputValue(), today, 'today by default');
  assert.equal(await page.getByTestId('report-to').inputValue(), today);
  const items = [];
  let cursor = null;
  do {
    const q = `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&limit=200`;
    const p = await api(page, `/api/v1/interactions?${q}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    items.push(...p.items);
    cursor = p.next_cursor;
  } while (cursor);
  assert.ok(items.length > 0, 'the demo has calls today');

  const rows = page.getByTestId('report-call');
  const shown = await rows.evaluateAll((els) => els.map((e) => e.dataset.callId));
  assert.deepEqual(shown, items.map((i) => i.call_id), 'every call of the day, newest first');
  assert.equal(await count.innerText(), en['report-shown'].replace('{ $count }', String(items.length)));

  const customers = new Map();
  const customer = async (id) => {
    if (!customers.has(id)) {
      const c = await api(page, `/api/v1/customers/${id}`);
      const tickets = await api(page, `/api/v1/customers/${id}/tickets?limit=200`);
      customers.set(id, { name: c.name, tickets });
    }
    return customers.get(id);
  };
  // Every customer's tickets, by the call they were opened on: a ticket
  // belongs to its call whether or not the call's record names the
  // customer (an agent may open one for a caller the IVR did not identify).
  const byCall = new Map();
  let page_ = null;
  do {
    const p = await api(page, `/api/v1/customers?limit=100${page_ ? `&cursor=${encodeURIComponent(page_)}` : ''}`);
    for (const c of p.items) {
      for (const tk of (await customer(c.id)).tickets) {
        if (tk.call_id) byCall.set(tk.call_id, [...(byCall.get(tk.call_id) ?? []), tk]);
      }
    }
    page_ = p.next_cursor;
  } while (page_);
  let ticketsSeen = 0;
  for (const i of items) {
    const row = page.locator(`[data-testid="report-call"][data-call-id="${i.call_id}"]`);
    const what = `${i.call_id}`;
    // The caller: the customer's name when known, and the number.
    if (i.customer_id != null) {
      const c = await customer(i.customer_id);
      assert.equal((await row.getByTestId('report-customer').innerText()).trim(), c.name, what);
    } else {
      assert.equal(await row.getByTestId('report-customer').count(), 0, what);
    }
    if (i.caller) assert.equal((await row.getByTestId('report-number').innerText()).trim(), i.caller, what);
    // The wait, to the answer or to hanging up.
    const w = expectedWait(i);
    const cell = row.getByTestId('report-wait');
    if (w == null) {
      assert.equal(await cell.getAttribute('data-wait-end'), null, what);
    } else {
      assert.equal(await cell.getAttribute('data-wait-end'), w.how, what);
      if (w.ms != null) {
        assert.equal(await cell.getAttribute('data-wait-ms'), String(w.ms), what);
        const text = await cell.innerText();
        assert.ok(text.includes(duration(w.ms)), `${what}: ${text} has ${duration(w.ms)}`);
        const word = en[`report-wait-${w.how}`];
        assert.ok(text.includes(word), `${what}: ${text} says ${word}`);
      }
    }
    // The score.
    const score = row.getByTestId('report-score');
    assert.equal(await score.getAttribute('data-score'), i.survey_score == null ? null : String(i.survey_score), what);
    if (i.survey_score != null) assert.equal((await score.innerText()).trim(), String(i.survey_score), what);
    // The tickets opened on the call, as the customer's tickets say.
    const expected = byCall.get(i.call_id) ?? [];
    const cellTickets = row.getByTestId('report-ticket');
    assert.equal(await cellTickets.count(), expected.length, what);
    for (const tk of expected) {
      const li = row.locator(`[data-testid="report-ticket"][data-ticket-id="${tk.id}"]`);
      assert.equal(await li.getAttribute('data-kind'), tk.kind, what);
      const text = await li.innerText();
      assert.ok(text.includes(tk.subject), `${what}: ${text}`);
      assert.ok(text.includes(en[`ticket-kind-${tk.kind}`]), `${what}: ${text}`);
      if (tk.due_at) assert.ok(text.includes(en['ticket-due']), `${what}: ${text} shows the due time`);
      ticketsSeen += 1;
    }
    // The disposition code, by its name.
    if (i.disposition_code) {
      const name = en[`disposition-${i.disposition_code}`] ?? i.disposition_code;
      assert.equal((await row.getByTestId('report-disposition').innerText()).trim(), name, what);
    }
  }
  // The demo's abandoned caller and John Carter's ticket, when they fall on today.
  const gone = items.find((i) => i.call_id === 'demo-today-5');
  if (gone) {
    const cell = page.locator('[data-call-id="demo-today-5"] [data-testid="report-wait"]');
    assert.equal(await cell.getAttribute('data-wait-end'), 'abandoned');
    assert.ok((await cell.innerText()).includes('0:48'), await cell.innerText());
  }
  if (items.some((i) => i.call_id === 'demo-today-2')) assert.ok(ticketsSeen > 0, 'the demo ticket is shown');

  // The totals of the rows loaded.
  const answered = items.filter((i) => i.disposition === 'answered');
  const waits = answered.map(expectedWait).filter((w) => w && w.how === 'answered');
  const scores = items.filter((i) => i.survey_score != null).map((i) => i.survey_score);
  const total = async (id) => (await page.getByTestId(`report-total-${id}`).locator('.tile-value').innerText()).trim();
  assert.equal(await total('offered'), String(items.length));
  assert.equal(await total('answered'), String(answered.length));
  assert.equal(await total('abandoned'), String(items.filter((i) => i.disposition === 'abandoned').length));
  if (waits.length) {
    const avg = waits.reduce((a, w) => a + w.ms, 0) / waits.length;
    assert.equal(await total('avg-wait'), duration(Math.round(avg / 1000) * 1000));
  }
  if (scores.length) {
    assert.equal(await total('avg-score'), (scores.reduce((a, s) => a + s, 0) / scores.length).toFixed(1));
  }

  // The table is a table: a caption and headers with scope.
  assert.ok((await page.locator('[data-testid="report-table"] caption').innerText()).length > 0);
  const scopes = await page.locator('[data-testid="report-table"] thead th').evaluateAll((ths) => ths.map((th) => th.scope));
  assert.ok(scopes.length === 12 && scopes.every((s) => s === 'col'), scopes.join());
  await shot(page, '20-calls-report-en');

  // The CSV of the rows loaded.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('report-export').click()]);
  assert.match(download.suggestedFilename(), new RegExp(`^calls-${today}-${today}\\.csv$`));
  const text = await readFile(await download.path(), 'utf8');
  assert.ok(text.startsWith('\uFEFF'), 'a byte-order mark for spreadsheets');
  const csv = parseCsv(text.slice(1));
  const header = [
    'report-col-start',
    'report-col-direction',
    'report-col-caller',
    'report-col-number',
    'report-col-queue',
    'report-csv-wait',
    'report-csv-wait-end',
    'report-col-agent',
    'report-csv-talk',
    'report-csv-hold',
    'report-col-outcome',
    'report-col-disposition',
    'report-col-score',
    'report-col-tickets',
    'report-col-call-id',
  ].map((k) => en[k]);
  assert.deepEqual(csv[0], header);
  assert.equal(csv.length - 1, items.length, 'a row per call');
  for (const [k, i] of items.entries()) {
    const line = csv[k + 1];
    assert.equal(line.length, header.length, line.join('|'));
    assert.equal(line[14], i.call_id);
    const w = expectedWait(i);
    assert.equal(line[5], w?.ms != null ? String(Math.floor((w.ms + 500) / 1000)) : '', i.call_id);
    assert.equal(line[12], i.survey_score == null ? '' : String(i.survey_score), i.call_id);
  }

  // One agent's calls, as the API lists them for that agent.
  const ids = () => rows.evaluateAll((els) => els.map((e) => e.dataset.callId));
  const showing = (want) =>
    page.waitForFunction(
      (w) =>
        document.querySelector('[data-testid="report-count"]')?.textContent.startsWith(w.prefix) &&
        JSON.stringify([...document.querySelectorAll('[data-testid="report-call"]')].map((e) => e.dataset.callId)) ===
          JSON.stringify(w.ids),
      { ids: want, prefix: en['report-shown'].split('{')[0] },
    );
  const omid = (await api(page, '/api/v1/agents')).find((a) => a.username === 'omid');
  const period = `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&limit=200`;
  const his = (await api(page, `/api/v1/interactions?${period}&agent_id=${omid.id}`)).items.map((i) => i.call_id);
  await page.getByTestId('report-agent-filter').selectOption(String(omid.id));
  await page.getByTestId('report-show').click();
  await showing(his);
  for (const name of await page.getByTestId('report-agent-filter').locator('option:checked').allInnerTexts()) {
    assert.equal(name, omid.display_name);
  }
  assert.ok((await ids()).length < items.length || items.every((i) => his.includes(i.call_id)));
  // A period that ends before it starts is refused, with the reason.
  await page.getByTestId('report-from').fill('2099-01-01');
  await page.getByTestId('report-show').click();
  assert.equal((await page.getByTestId('report-error').innerText()).trim(), en['report-error-period']);
  // Back to everyone's calls of today.
  await page.getByTestId('report-from').fill(today);
  await page.getByTestId('report-agent-filter').selectOption('');
  await page.getByTestId('report-show').press('Enter');
  await showing(items.map((i) => i.call_id));
  assert.equal(await page.getByTestId('report-error').count(), 0, 'the error is gone');

  // In Arabic: the layout mirrors, numbers and times stay left to right.
  await page.getByTestId('lang-select').selectOption('ar');
  await waitLangDir(page, 'ar', 'rtl');
  const ar = await messages('ar');
  await page.getByRole('heading', { name: ar['report-title'] }).waitFor();
  const dirs = await page
    // Every kind of figure (the demo's calls fall on yesterday just after
    // midnight; the earlier tests' calls have talk and hold times).
    .locator(['report-wait', 'report-talk', 'report-hold', 'report-score'].map((id) => `[data-testid="${id}"] .timer`).join(', '))
    .evaluateAll((els) => els.map((e) => getComputedStyle(e).direction));
  assert.ok(dirs.length > 0 && dirs.every((d) => d === 'ltr'), dirs.join());
  await shot(page, '20-calls-report-ar');

  // Back to the live view: the agents are still there.
  await page.getByTestId('nav-live').click();
  await page.getByTestId('agents-table').waitFor();
  assert.equal(await page.getByTestId('report-table').isVisible(), false);
});
