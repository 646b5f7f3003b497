// Settings: as the administrator, create an agent and rename them; make a
// queue and change its ring time and recording retention (and see a value
// the gateway refuses marked on its field); import an IVR flow, change a
// node in the structured editor, see a broken link reported beside its
// node, export the flow and import it again with a change. Then Sara, a
// supervisor without administrator rights, sees the settings read-only
// and the API refuses her changes. Screenshots in English and Arabic.
// Everything made here has its own names, so other tests' data is untouched.
// Also: the apps carry English only and fetch another language's messages
// by a versioned address; when that fails they stay in English, never blank.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  BASE_URL,
  TEST_TIMEOUT,
  apiAs,
  htmlLangDir,
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

/** Polls `fn` until it returns a truthy value, for at most 10 s. */
async function until(fn, what) {
  const end = Date.now() + 10_000;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function goTo(page, section) {
  await page.getByTestId(`cfg-tab-${section}`).click();
  await page.waitForFunction((s) => location.hash === `#/settings/${s}`, section, { timeout: 10_000 });
}

test('an administrator configures agents, queues and flows; a supervisor only reads', { timeout: 3 * TEST_TIMEOUT }, async (t) => {
  const suffix = Date.now().toString(36);
  const username = `e2e-${suffix}`;
  const queue = `e2e_q_${suffix}`;
  const flowName = `e2e_flow_${suffix}`;
  const [en, ar] = await Promise.all([messages('en'), messages('ar')]);
  const admin = await apiAs('admin', 'demo-admin');

  const { page } = await openBrowser(t);
  await signIn(page, 'supervisor', 'admin', 'demo-admin');
  await waitConnected(page);
  await page.getByTestId('nav-settings').click();
  await page.getByTestId('settings').waitFor();
  assert.equal(await page.getByTestId('cfg-read-only').count(), 0, 'no read-only notice for the administrator');

  // --- An agent: created, then renamed.
  const form = page.getByTestId('cfg-new-account');
  await form.getByTestId('cfg-na-username').fill(username);
  await form.getByTestId('cfg-na-name').fill('Test Agent');
  await form.getByTestId('cfg-na-lang').selectOption('tr');
  await form.getByTestId('cfg-na-password').fill('e2e-password-123');
  await form.getByTestId('cfg-na-create').click();
  const row = page.getByTestId(`cfg-account-${username}`);
  await row.waitFor();
  await row.getByTestId('cfg-account-edit').click();
  const edit = page.getByTestId('cfg-edit-account');
  await edit.getByTestId('cfg-ea-name').fill('Tuna Test');
  await edit.getByTestId('cfg-ea-save').click();
  await edit.getByTestId('cfg-ea-result-saved').waitFor();
  await page.getByTestId(`cfg-account-${username}`).getByText('Tuna Test').waitFor();
  const users = await admin('GET', '/api/v1/users');
  const made = users.json.find((u) => u.username === username);
  assert.deepEqual(
    { name: made.display_name, role: made.role, language: made.language, disabled: made.disabled },
    { name: 'Tuna Test', role: 'agent', language: 'tr', disabled: false },
  );
  // The new agent can sign in with the password given.
  await apiAs(username, 'e2e-password-123', 'agent');

  // --- A queue: made, then two settings changed.
  await goTo(page, 'queues');
  await page.getByTestId('cfg-new-queue').fill(queue);
  await page.getByTestId('cfg-new-queue-create').click();
  const qform = page.getByTestId('cfg-queue-form');
  await qform.waitFor();
  await qform.getByTestId('cfg-q-ring_timeout_secs').fill('0');
  await qform.getByTestId('cfg-queue-save').click();
  // 0 is refused by the gateway; the field it names is marked.
  await qform.getByTestId('cfg-queue-result').waitFor();
  const marked = qform.locator('.cfg-field-invalid [data-testid="cfg-q-ring_timeout_secs"]');
  assert.equal(await marked.count(), 1, 'the refused field is marked');
  await qform.getByTestId('cfg-q-ring_timeout_secs').fill('33');
  await qform.getByTestId('cfg-q-recording_retention_days').fill('45');
  await qform.getByTestId('cfg-q-strategy').selectOption('round_robin');
  await qform.getByTestId('cfg-queue-save').click();
  await qform.getByTestId('cfg-queue-result-saved').waitFor();
  const stored = (await admin('GET', `/api/v1/queues/${queue}`)).json;
  assert.deepEqual(
    [stored.ring_timeout_secs, stored.recording_retention_days, stored.strategy],
    [33, 45, 'round_robin'],
  );
  await shot(page, '26-settings-queue-en');

  // --- A flow: imported, one node changed in the editor, exported, re-imported.
  await goTo(page, 'flows');
  const original = {
    name: flowName,
    start: 'hello',
    language: 'en',
    nodes: {
      hello: { type: 'play', prompts: 'welcome', next: 'bye' },
      bye: { type: 'hang_up' },
    },
  };
  await page.getByTestId('cfg-flow-import-text').fill(JSON.stringify(original));
  await page.getByTestId('cfg-flow-import-submit').click();
  const editor = page.getByTestId('cfg-flow-editor');
  await editor.waitFor();
  await page.getByTestId('cfg-flow-result-saved').waitFor();
  const hello = editor.getByTestId('cfg-node-hello');
  // A link to a node that does not exist: refused, and said beside the node.
  await hello.getByTestId('cfg-n-hello-next').fill('nowhere');
  await hello.getByTestId('cfg-n-hello-next').press('Tab');
  await editor.getByTestId('cfg-flow-save').click();
  await hello.getByTestId('cfg-node-error').waitFor();
  assert.match(await hello.getByTestId('cfg-node-error').innerText(), /nowhere/);
  assert.equal(await editor.getByTestId('cfg-node-bye').getByTestId('cfg-node-error').count(), 0);
  // Fixed: the prompt changed and the link put back.
  await hello.getByTestId('cfg-n-hello-next').fill('bye');
  await hello.getByTestId('cfg-n-hello-next').press('Tab');
  await hello.getByTestId('cfg-n-hello-prompts').fill('goodbye');
  await hello.getByTestId('cfg-n-hello-prompts').press('Tab');
  await editor.getByTestId('cfg-flow-save').click();
  await page.getByTestId('cfg-flow-result-saved').waitFor();
  await editor.getByTestId('cfg-node-hello').waitFor();
  assert.equal(await editor.getByTestId('cfg-node-error').count(), 0, 'no error left');
  const afterEdit = (await admin('GET', `/api/v1/ivr_flows/${flowName}`)).json;
  assert.equal(afterEdit.nodes.hello.prompts, 'goodbye');
  assert.equal(afterEdit.nodes.hello.next, 'bye');

  await editor.getByTestId('cfg-flow-export').click();
  const exported = JSON.parse(await editor.getByTestId('cfg-flow-json').inputValue());
  assert.deepEqual(exported, afterEdit, 'the export is the stored flow');
  const href = await editor.getByTestId('cfg-flow-download').getAttribute('href');
  assert.deepEqual(JSON.parse(decodeURIComponent(href.slice(href.indexOf(',') + 1))), afterEdit, 'the download too');
  exported.description = 'Re-imported by the settings test';
  await page.getByTestId('cfg-flow-import-text').fill(JSON.stringify(exported));
  await page.getByTestId('cfg-flow-import-submit').click();
  const reimported = await until(async () => {
    const f = (await admin('GET', `/api/v1/ivr_flows/${flowName}`)).json;
    return f.description ? f : null;
  }, 'the re-imported flow');
  assert.deepEqual(reimported, exported, 'the re-import is stored as it was sent');
  await shot(page, '26-settings-flow-en');

  // --- The same screens in Arabic, right to left.
  await page.getByTestId('lang-select').selectOption('ar');
  await waitLangDir(page, 'ar', 'rtl');
  assert.equal((await page.getByTestId('cfg-tab-flows').innerText()).trim(), ar['cfg-sec-flows']);
  await shot(page, '26-settings-flow-ar');
  await goTo(page, 'queues');
  await page.getByTestId(`cfg-queue-${queue}`).click();
  await page.getByTestId('cfg-queue-form').waitFor();
  await shot(page, '26-settings-queue-ar');
  await goTo(page, 'agents');
  await page.getByTestId(`cfg-account-${username}`).waitFor();
  await shot(page, '26-settings-agents-ar');
  await page.getByTestId('lang-select').selectOption('en');
  await waitLangDir(page, 'en', 'ltr');

  // --- Sara, a supervisor: read-only, and refused by the API.
  const other = await openBrowser(t);
  const sp = other.page;
  await signIn(sp, 'supervisor', 'sara', 'demo-supervisor');
  await waitConnected(sp);
  await sp.goto(`${new URL(sp.url()).origin}/supervisor/#/settings/agents`);
  await sp.getByTestId('settings').waitFor();
  assert.equal((await sp.getByTestId('cfg-read-only').innerText()).trim(), en['cfg-read-only']);
  await sp.getByTestId('cfg-accounts-not-allowed').waitFor();
  assert.equal(await sp.getByTestId('cfg-new-account').count(), 0, 'no account form');
  await goTo(sp, 'queues');
  await sp.getByTestId(`cfg-queue-${queue}`).click();
  const sform = sp.getByTestId('cfg-queue-form');
  await sform.waitFor();
  assert.equal(await sform.getByTestId('cfg-queue-save').count(), 0, 'no save button');
  assert.equal(await sform.getByTestId('cfg-q-ring_timeout_secs').getAttribute('readonly'), '', 'read-only field');
  await goTo(sp, 'flows');
  await sp.getByTestId(`cfg-flow-${flowName}`).click();
  await sp.getByTestId('cfg-flow-editor').waitFor();
  assert.equal(await sp.getByTestId('cfg-flow-save').count(), 0, 'no flow save');
  assert.equal(await sp.getByTestId('cfg-node-remove').count(), 0, 'no node removal');
  await shot(sp, '26-settings-supervisor-en');
  const sara = await apiAs('sara', 'demo-supervisor');
  assert.equal((await sara('PATCH', `/api/v1/users/${made.id}`, { display_name: 'X' })).status, 403);
  assert.equal((await sara('PUT', `/api/v1/queues/${queue}`, { ring_timeout_secs: 5 })).status, 403);
  assert.equal((await sara('PUT', `/api/v1/ivr_flows/${flowName}`, original)).status, 403);
  assert.equal((await admin('GET', `/api/v1/queues/${queue}`)).json.ring_timeout_secs, 33, 'unchanged');

  // Tidy up: the flow, the queue, and the account (it only signed in,
  // which is no history that keeps an account).
  assert.equal((await admin('DELETE', `/api/v1/ivr_flows/${flowName}`)).status, 204);
  assert.equal((await admin('DELETE', `/api/v1/queues/${queue}`)).status, 204);
  assert.equal((await admin('DELETE', `/api/v1/users/${made.id}`)).status, 204);
});

test('a language whose messages cannot be fetched leaves the app in English', { timeout: TEST_TIMEOUT }, async (t) => {
  const [en, ar] = await Promise.all([messages('en'), messages('ar')]);
  // The browser asks for Persian.
  const { page } = await openBrowser(t, { locale: 'fa-IR' });
  const warnings = [];
  page.on('console', (m) => {
    if (m.type() === 'warning') warnings.push(m.text());
  });
  const asked = [];
  await page.route('**/i18n/**', (route) => {
    asked.push(route.request().url());
    return route.abort();
  });
  await page.goto(`${BASE_URL}/agent/`);
  const submit = page.getByTestId('login-submit');
  await submit.waitFor();
  assert.equal((await submit.innerText()).trim(), en['login-submit'], 'English, not a blank page');
  assert.deepEqual(await htmlLangDir(page), { lang: 'en', dir: 'ltr' });
  assert.equal(asked.length, 1, `one request: ${asked}`);
  assert.match(asked[0], /\/i18n\/fa\.ftl\?v=[0-9a-f]{16}$/, 'the address carries the version');
  assert.ok(warnings.some((w) => w.includes('fa')), `a warning was logged: ${warnings}`);

  // A switch that fails keeps English too, with a warning.
  await page.getByTestId('lang-select').selectOption('ar');
  await until(() => warnings.filter((w) => w.includes('ar')).length > 0, 'the warning about Arabic');
  assert.equal(asked.length, 2);
  assert.deepEqual(await htmlLangDir(page), { lang: 'en', dir: 'ltr' });
  assert.equal((await submit.innerText()).trim(), en['login-submit']);

  // Once the file can be had, the switch works: texts, lang and dir together.
  await page.unroute('**/i18n/**');
  await page.getByTestId('lang-select').selectOption('ar');
  await waitLangDir(page, 'ar', 'rtl');
  assert.equal((await submit.innerText()).trim(), ar['login-submit']);
});
