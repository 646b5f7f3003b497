// An agent in a progressive campaign (the dialer places real calls through
// the outbound trunk to sipp, whose contacts say "hello" and wait; see
// lib/campaign.mjs). Omid is available; Sara starts the campaign over the
// API. The first contact's call rings on his desk; he answers, and the
// desk shows the contact card (name, the list's columns), the campaign's
// script and its dispositions. He hangs up; no other call comes while the
// disposition is missing; he picks one and saves, and the next contact
// rings with its own card. The results name his disposition.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { TEST_TIMEOUT, beAvailable, openBrowser, screenshot, signIn, toneWav, waitConnected } from '../lib/browser.mjs';
import { CALLER_ID, campaignGateway, client } from '../lib/campaign.mjs';

test('an agent takes a progressive campaign call with the card and script, dispositions it, and gets the next', {
  timeout: 3 * TEST_TIMEOUT,
}, async (t) => {
  const { base } = await campaignGateway(t);
  const sara = await client(base, 'sara', 'demo-supervisor');
  const settings = {
    caller_id: CALLER_ID, ring_timeout_secs: 20, machine_action: 'hang_up',
    script: 'Greet the contact by name and offer the winter plan.', dispositions: ['sale', 'no_interest'],
  };
  const created = await sara('POST', '/api/v1/campaigns', { name: 'Winter plan', mode: 'progressive', settings });
  assert.equal(created.status, 201, JSON.stringify(created.json));
  const id = created.json.id;
  const csv = 'name,number,plan\nAli Rezaei,+15550000811,gold\nLeila Karimi,+15550000821,silver\n';
  assert.equal((await sara('POST', `/api/v1/campaigns/${id}/contacts`, csv, 'text/csv')).json.loaded, 2);

  const wav = await toneWav('tone-440.wav', 440, 60);
  const { page } = await openBrowser(t, {
    args: [`--use-file-for-fake-audio-capture=${wav}`, '--autoplay-policy=no-user-gesture-required'],
  });
  await signIn(page, 'agent', 'omid', 'demo-agent', base);
  await waitConnected(page);
  await page.getByTestId('lang-select').selectOption('en');
  await beAvailable(page);
  assert.equal((await sara('POST', `/api/v1/campaigns/${id}/start`)).status, 200);

  /** Answers the campaign call ringing now; returns the card shown. */
  async function takeCall(name) {
    const ringing = page.getByTestId('call-ringing').first();
    await ringing.waitFor({ timeout: 30_000 });
    assert.ok((await ringing.innerText()).includes(name), `the ringing call names the contact: ${await ringing.innerText()}`);
    await ringing.getByTestId('call-answer').click();
    await page.locator('[data-testid="call-active"][data-state="talking"]').waitFor({ timeout: 20_000 });
    const card = page.getByTestId('cmp-card');
    await card.waitFor({ timeout: 10_000 });
    return card;
  }

  const first = await takeCall('Ali Rezaei');
  assert.ok((await first.innerText()).includes('Ali Rezaei'));
  assert.equal(await first.getByTestId('cmp-script').innerText(), settings.script);
  assert.ok((await first.getByTestId('cmp-field').innerText()).includes('gold'));
  const options = await first.getByTestId('cmp-disposition').locator('option').allInnerTexts();
  assert.deepEqual(options.slice(1), settings.dispositions);
  await screenshot(page, '28-campaign-call');
  await page.getByTestId('call-hangup').click();
  await page.getByTestId('call-active').waitFor({ state: 'detached', timeout: 10_000 });

  // Without a disposition nothing more comes.
  await page.waitForTimeout(3_000);
  assert.equal(await page.getByTestId('call-ringing').count(), 0, 'no next call before the disposition');
  await first.getByTestId('cmp-save').click();
  await first.getByTestId('cmp-error').waitFor({ timeout: 5_000 });
  await first.getByTestId('cmp-disposition').selectOption('sale');
  await first.getByTestId('cmp-save').click();
  await page.locator('[data-testid="cmp-card"]').waitFor({ state: 'detached', timeout: 10_000 });

  // The next contact, with her own card.
  const second = await takeCall('Leila Karimi');
  assert.ok((await second.getByTestId('cmp-field').innerText()).includes('silver'));
  await screenshot(page, '28-campaign-next');
  await page.getByTestId('call-hangup').click();
  await second.getByTestId('cmp-disposition').selectOption('no_interest');
  await second.getByTestId('cmp-save').click();
  await page.locator('[data-testid="cmp-card"]').waitFor({ state: 'detached', timeout: 10_000 });

  const results = await sara('GET', `/api/v1/campaigns/${id}/results`);
  const by = Object.fromEntries(results.json.items.map((c) => [c.name, c]));
  assert.deepEqual(
    [by['Ali Rezaei'].disposition, by['Ali Rezaei'].outcome, by['Leila Karimi'].disposition],
    ['sale', 'completed', 'no_interest'],
  );
});
