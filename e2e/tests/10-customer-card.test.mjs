// The customer card (screen pop) and tickets. Rania is available; a demo
// customer calls: the card pops on ringing with the customer's name, code
// and last disposition; she answers, opens a ticket on the call and sees it
// open, then moves it on. Screenshots of the card in English and Persian.
// Then a number nobody has calls: the card offers the new-customer form
// with the number filled in; she creates the customer and the card shows
// them, also after the call ends.

import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';

import {
  ARTIFACTS,
  TEST_TIMEOUT,
  beAvailable,
  messages,
  openBrowser,
  screenshot,
  signIn,
  waitConnected,
  waitLangDir,
} from '../lib/browser.mjs';
import { sippDir, startSipp, toneUlaw } from '../lib/sipp.mjs';

// No entry point: the call rings every free available agent.
const DID = '+441234567890';
// Youssef Al-Amin, code 1001, in the demo data (gateway/src/demo.rs).
const KNOWN = '+966501234567';

async function answer(page) {
  const ringing = page.getByTestId('call-ringing').first();
  await ringing.waitFor({ timeout: 20_000 });
  await ringing.getByTestId('call-answer').click();
  await page.locator('[data-testid="call-active"][data-state="talking"]').waitFor({ timeout: 20_000 });
}

/**
 * A screenshot of the card alone in the artifacts folder, taken in a
 * window tall enough for the whole desk (the sticky top bar would cover
 * the card's head otherwise).
 */
async function cardShot(page, name) {
  await mkdir(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  const size = page.viewportSize();
  await page.setViewportSize({ width: size.width, height: 2400 });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.getByTestId('customer-card').screenshot({ path: file });
  await page.setViewportSize(size);
  return file;
}

/** `d` as a datetime-local field takes it: local time, to the minute. */
function localInput(d) {
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** Hangs up and waits until sipp, which waited for the BYE, is done. */
async function hangUp(page, sipp) {
  await page.getByTestId('call-hangup').click();
  await page.locator('[data-testid="call-ended"]').waitFor();
  const r = await sipp.done;
  assert.equal(r.code, 0, `sipp's call passed:\n${r.log}`);
}

test('the customer card pops, takes tickets and registers unknown callers', { timeout: 3 * TEST_TIMEOUT }, async (t) => {
  const [en, fa] = await Promise.all([messages('en'), messages('fa')]);
  const { page } = await openBrowser(t, { args: ['--autoplay-policy=no-user-gesture-required'] });
  await signIn(page, 'agent', 'rania', 'demo-agent');
  await waitConnected(page);
  const card = page.getByTestId('customer-card');
  await card.waitFor();
  await beAvailable(page);
  const dir = await sippDir();
  await toneUlaw(dir, 'tone.ul', 1000);

  // 1. A known customer: the card pops while it rings.
  const first = startSipp(t, 'call_in_from.xml', ['-s', DID, '-key', 'caller', KNOWN], { cwd: dir });
  await page.locator('[data-testid="customer-card"][data-state="found"]').waitFor({ timeout: 20_000 });
  assert.equal(await card.getByTestId('customer-call').getAttribute('data-phase'), 'ringing');
  assert.equal((await card.getByTestId('customer-name').innerText()).trim(), 'Youssef Al-Amin');
  assert.equal((await card.getByTestId('customer-code').innerText()).trim(), '1001');
  assert.ok((await card.getByTestId('customer-phones').innerText()).includes(KNOWN), 'the number shows');
  await card.getByTestId('customer-last-disposition').waitFor();
  const history = card.getByTestId('history-item');
  await history.first().waitFor();
  const earlier = history.filter({ hasText: 'resolved' }).filter({ hasText: 'Rania Haddad' });
  assert.ok((await earlier.count()) >= 1, 'the demo history: resolved by Rania');
  assert.ok((await history.filter({ hasText: 'Karim Mansour' }).filter({ hasText: 'sale' }).count()) >= 1, 'and Karim\'s sale');

  await answer(page);
  assert.equal(await card.getByTestId('customer-call').getAttribute('data-phase'), 'connected');

  // A ticket on this call (its subject unique, so that runs on the same database do not meet).
  const subject = `Technician visit for the router (${Date.now().toString(36)})`;
  await card.locator('[data-testid="tickets-empty"], [data-testid="customer-tickets"]').first().waitFor();
  const before = await card.getByTestId('ticket').count();
  await card.getByTestId('ticket-new').click();
  const form = card.getByTestId('ticket-form');
  await form.waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'ticket-form-kind', 'focus on the form');
  await form.getByTestId('ticket-form-kind').selectOption('service');
  // Due the day after tomorrow at 10:00 (the browser runs on this machine's clock and zone).
  const due = new Date(Date.now() + 2 * 86_400_000);
  due.setHours(10, 0, 0, 0);
  await form.getByTestId('ticket-form-due').fill(localInput(due));
  // Saving without a subject is refused on the spot.
  await form.getByTestId('ticket-form-save').click();
  await form.getByTestId('ticket-form-error').waitFor();
  assert.equal(await form.getByTestId('ticket-form-subject').getAttribute('aria-invalid'), 'true');
  await cardShot(page, '10-ticket-form-en');
  await form.getByTestId('ticket-form-subject').fill(subject);
  await form.getByTestId('ticket-form-notes').fill('Ring twice; the bell is broken.');
  await form.getByTestId('ticket-form-save').click();
  await form.waitFor({ state: 'detached' });
  const ticket = card.getByTestId('ticket').filter({ hasText: subject });
  await ticket.waitFor();
  assert.equal(await card.getByTestId('ticket').count(), before + 1);
  assert.equal(await ticket.getAttribute('data-status'), 'open');
  assert.equal(await ticket.getAttribute('data-kind'), 'service');
  assert.ok((await ticket.innerText()).includes(en['ticket-this-call']), 'marked as from this call');
  const weekday = due.toLocaleString('en', { weekday: 'long' });
  assert.ok((await ticket.innerText()).includes(weekday), `the due time with its weekday (${weekday})`);

  // The gateway has it open, linked to the call.
  const stored = await page.evaluate(async () => {
    const found = await (await fetch('/api/v1/customers?q=1001')).json();
    const id = found.items.find((c) => c.code === '1001').id;
    return (await fetch(`/api/v1/customers/${id}/tickets?status=open`)).json();
  });
  const mine = stored.find((x) => x.subject === subject);
  assert.ok(mine, 'stored');
  assert.equal(mine.status, 'open');
  assert.ok(mine.call_id, 'linked to the call');
  assert.equal(Date.parse(mine.due_at), due.getTime(), 'the due time, in UTC');

  // Moved on: in progress.
  await ticket.getByTestId('ticket-status').selectOption('in_progress');
  const moved = card.locator('[data-testid="ticket"][data-status="in_progress"]').filter({ hasText: subject });
  await moved.locator('[data-testid="ticket-status"][aria-busy="false"]').waitFor();
  const status = await page.evaluate(async (id) => (await (await fetch(`/api/v1/tickets/${id}`)).json()).status, mine.id);
  assert.equal(status, 'in_progress', 'saved');
  await screenshot(page, '10-agent-desk-customer-en');
  await cardShot(page, '10-customer-card-en');

  // The same card in Persian: right-to-left, numbers and codes intact.
  await page.getByTestId('lang-select').selectOption('fa');
  await waitLangDir(page, 'fa', 'rtl');
  await page.waitForFunction((title) => document.getElementById('customer-tickets-title')?.textContent.includes(title), fa['tickets-title']);
  assert.ok((await card.getByTestId('customer-phones').innerText()).includes(KNOWN), 'the number stays in ASCII digits, left to right');
  assert.equal((await card.getByTestId('customer-code').innerText()).trim(), '1001');
  await cardShot(page, '10-customer-card-fa');
  await page.getByTestId('lang-select').selectOption('en');
  await waitLangDir(page, 'en', 'ltr');

  await hangUp(page, first);
  assert.equal(await card.getByTestId('customer-call').getAttribute('data-phase'), 'ended');
  assert.equal((await card.getByTestId('customer-name').innerText()).trim(), 'Youssef Al-Amin', 'the card stays after the call');

  // 2. A number nobody has: the new-customer form, with the number.
  const unknown = `+9055${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
  const second = startSipp(t, 'call_in_from.xml', ['-s', DID, '-key', 'caller', unknown], { cwd: dir });
  await page.locator('[data-testid="customer-card"][data-state="unknown"]').waitFor({ timeout: 20_000 });
  const newForm = card.getByTestId('customer-form');
  assert.equal(await newForm.getAttribute('data-mode'), 'new');
  assert.equal(await newForm.getByTestId('customer-form-phones').inputValue(), unknown, 'the number filled in');
  await answer(page);
  await cardShot(page, '10-customer-card-new-en');
  await page.getByTestId('lang-select').selectOption('fa');
  await waitLangDir(page, 'fa', 'rtl');
  await page.waitForFunction((title) => document.querySelector('[data-testid="customer-form"] h3')?.textContent.includes(title), fa['customer-new-title']);
  await cardShot(page, '10-customer-card-new-fa');
  await page.getByTestId('lang-select').selectOption('en');
  await waitLangDir(page, 'en', 'ltr');
  await newForm.getByTestId('customer-form-name').fill('Deniz Arslan');
  assert.equal(await newForm.getByTestId('customer-form-language').inputValue(), 'tr', 'guessed from +90');
  await newForm.getByTestId('customer-form-vip').check();
  await newForm.getByTestId('customer-form-save').click();
  await page.locator('[data-testid="customer-card"][data-state="found"]').waitFor();
  assert.equal((await card.getByTestId('customer-name').innerText()).trim(), 'Deniz Arslan');
  assert.match((await card.getByTestId('customer-code').innerText()).trim(), /^\d+$/, 'a fresh code');
  await card.getByTestId('customer-vip').waitFor();
  assert.ok((await card.getByTestId('customer-language').innerText()).includes(en['customer-lang-tr']));
  assert.ok((await card.getByTestId('customer-phones').innerText()).includes(unknown));
  await card.getByTestId('tickets-empty').waitFor();

  // Edited: a note, saved with PUT.
  await card.getByTestId('customer-edit').click();
  const edit = card.getByTestId('customer-form');
  assert.equal(await edit.getAttribute('data-mode'), 'edit');
  assert.equal(await edit.getByTestId('customer-form-name').inputValue(), 'Deniz Arslan');
  await edit.getByTestId('customer-form-notes').fill('Prefers calls after 17:00.');
  await edit.getByTestId('customer-form-save').click();
  await card.getByText('Prefers calls after 17:00.').waitFor();

  await hangUp(page, second);
  assert.equal((await card.getByTestId('customer-name').innerText()).trim(), 'Deniz Arslan', 'the card stays after the call');
  await cardShot(page, '10-customer-card-created-en');
});
