// The reports and quality pages (the admin, on the demo's data): the
// queue report's offered total on the page equals the calls of the period
// that entered a queue, counted here from the interaction records; the
// chart is an image with a title; the CSV export is the API's file; a
// scorecard is made in the editor and listed. Screenshots of both pages in
// English and Arabic.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';

import { BASE_URL, TEST_TIMEOUT, messages, openBrowser, screenshot, signIn, waitConnected, waitLangDir } from '../lib/browser.mjs';

async function shot(page, name) {
  await page.evaluate(() => window.scrollTo(0, 0));
  return screenshot(page, name);
}

async function api(page, path) {
  const r = await page.request.get(`${BASE_URL}${path}`);
  const text = await r.text();
  assert.ok(r.ok(), `GET ${path}: ${r.status()} ${text}`);
  return JSON.parse(text);
}

/** Every interaction record started in [from − 12 h, to). */
async function records(page, from, to) {
  const start = new Date(Date.parse(from) - 12 * 3600 * 1000).toISOString();
  let items = [];
  let cursor = null;
  for (let n = 0; n < 50; n++) {
    const q = `/api/v1/interactions?limit=200&from=${encodeURIComponent(start)}&to=${encodeURIComponent(to)}`;
    const page_ = await api(page, cursor ? `${q}&cursor=${encodeURIComponent(cursor)}` : q);
    items = items.concat(page_.items);
    cursor = page_.next_cursor;
    if (!cursor) break;
  }
  return items;
}

test('reports and quality pages, in English and Arabic', { timeout: 2 * TEST_TIMEOUT }, async (t) => {
  const en = await messages('en');
  const ar = await messages('ar');
  const { page } = await openBrowser(t);
  await signIn(page, 'supervisor', 'admin', 'demo-admin');
  await waitConnected(page);

  await page.getByTestId('nav-reports').click();
  await page.waitForFunction(() => document.activeElement?.id === 'rp-title');
  assert.ok(page.url().endsWith('#/reports'), page.url());
  await page.locator('[data-testid="rp-total"] [data-testid="rp-offered"]').waitFor();

  // The period the page asked for is the API's default (today); the
  // offered total is every queue entry of it, counted here.
  const report = await api(page, '/api/v1/reports/queues');
  const from = Date.parse(report.from);
  const to = Date.parse(report.to);
  const offered = (await records(page, report.from, report.to)).filter(
    (i) => i.enqueued_at && Date.parse(i.enqueued_at) >= from && Date.parse(i.enqueued_at) < to,
  ).length;
  const shown = await page.locator('[data-testid="rp-total"] [data-testid="rp-offered"]').getAttribute('data-value');
  assert.equal(Number(shown), offered, 'offered on the page');
  assert.equal(report.total.offered, offered, 'offered in the API');
  const rows = await page.getByTestId('rp-row').evaluateAll((els) => els.map((e) => e.dataset.key));
  assert.deepEqual(rows, report.rows.map((r) => r.key));

  // The chart: an image named by its title, described, with a bar per row.
  const chart = page.getByTestId('rp-chart');
  assert.equal(await chart.getAttribute('role'), 'img');
  assert.ok((await chart.locator('title').textContent()).length > 0);
  assert.equal(await page.getByRole('img', { name: /Calls by/ }).count(), 1);
  assert.ok(await page.locator('#rp-chart-desc').textContent());
  assert.ok(((await page.getByTestId('rp-tz').innerText()).includes(report.time_zone)));
  await shot(page, '25-reports-en');

  // By agent: the agents' columns.
  await page.getByTestId('rp-group').selectOption('agents');
  await page.getByTestId('rp-show').click();
  await page.locator('th', { hasText: en['rp-occupancy'] }).first().waitFor();
  await shot(page, '25-reports-agents-en');

  // The CSV is the API's: a header line and a total line.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('rp-export').click()]);
  assert.match(download.suggestedFilename(), /^report-agents.*\.csv$/);
  const text = await readFile(await download.path(), 'utf8');
  const lines = text.replace(/^\uFEFF/, '').trim().split('\r\n');
  assert.ok(lines[0].startsWith('key,label,offered,answered,'), lines[0]);
  assert.ok(lines[lines.length - 1].startsWith('total,'), lines[lines.length - 1]);

  // Quality: the admin makes a scorecard.
  await page.getByTestId('nav-quality').click();
  await page.waitForFunction(() => document.activeElement?.id === 'q-title');
  await page.getByTestId('q-new').click();
  const name = `Calls ${Date.now()}`;
  await page.getByTestId('q-name').fill(name);
  await page.getByTestId('q-name').press('Tab');
  await page.getByTestId('q-crit-label').first().fill('Greets the caller');
  await page.getByTestId('q-crit-label').first().press('Tab');
  await page.getByTestId('q-save').click();
  await page.locator('[data-testid="q-card-row"]', { hasText: name }).waitFor();
  await page.getByTestId('q-card').selectOption({ label: name });
  await page.getByTestId('q-points').first().waitFor();
  await shot(page, '25-quality-en');

  // In Arabic: the pages mirror; the figures stay left to right.
  await page.getByTestId('lang-select').selectOption('ar');
  await waitLangDir(page, 'ar', 'rtl');
  await page.getByRole('heading', { name: ar['q-title'] }).waitFor();
  await shot(page, '25-quality-ar');
  await page.getByTestId('nav-reports').click();
  await page.getByRole('heading', { name: ar['rp-title'] }).waitFor();
  await page.locator('[data-testid="rp-total"] [data-testid="rp-offered"]').waitFor();
  const dirs = await page
    .locator('[data-testid="rp-totals"] bdi')
    .evaluateAll((els) => els.map((e) => getComputedStyle(e).direction));
  assert.ok(dirs.length > 0 && dirs.every((d) => d === 'ltr'), dirs.join());
  await shot(page, '25-reports-ar');
});
