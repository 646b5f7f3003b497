// A blind transfer to a queue from the desk: Karim answers a carrier call
// and hands it to the technical support queue; it rings for Rania, a member
// who came on shift meanwhile; she answers and hears the caller (sipp's
// 1 kHz), then hangs up and the carrier gets the BYE.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { TEST_TIMEOUT, beAvailable, dominantTone, openBrowser, screenshot, signIn, toneWav, waitConnected } from '../lib/browser.mjs';
import { sippDir, startSipp, toneUlaw } from '../lib/sipp.mjs';

const DID = '+441234567890';

test('a call handed to a queue reaches its agent with sound', { timeout: 3 * TEST_TIMEOUT }, async (t) => {
  const wav = await toneWav('tone-440-transfer.wav', 440, 60);
  const args = [`--use-file-for-fake-audio-capture=${wav}`, '--autoplay-policy=no-user-gesture-required'];
  const { page: karim } = await openBrowser(t, { args });
  await signIn(karim, 'agent', 'karim', 'demo-agent');
  await waitConnected(karim);
  await beAvailable(karim);
  const dir = await sippDir();
  await toneUlaw(dir, 'tone.ul', 1000);
  const call = startSipp(t, 'call_in_tone.xml', ['-s', DID], { cwd: dir });

  const ringing = karim.getByTestId('call-ringing').first();
  await ringing.waitFor({ timeout: 20_000 });
  await ringing.getByTestId('call-answer').click();
  await karim.locator('[data-testid="call-active"][data-state="talking"]').waitFor({ timeout: 20_000 });

  // Rania comes on shift after the call was answered: it never rang for her.
  const { page: rania } = await openBrowser(t, { args });
  await signIn(rania, 'agent', 'rania', 'demo-agent');
  await waitConnected(rania);
  await beAvailable(rania);

  await karim.getByTestId('call-transfer').click();
  await karim.getByTestId('call-transfer-queue').selectOption('support');
  assert.ok(await karim.getByTestId('call-transfer-target').isHidden(), 'no agent id to type for a queue');
  await screenshot(karim, '16-transfer-to-queue');
  await karim.getByTestId('call-transfer-confirm').click();
  await karim.locator('[data-testid="call-ended"][data-reason="transferred"]').waitFor({ timeout: 15_000 });

  const offered = rania.getByTestId('call-ringing').first();
  await offered.waitFor({ timeout: 20_000 });
  assert.match(await offered.getByTestId('call-queue').innerText(), /support/i);
  await offered.getByTestId('call-answer').click();
  await rania.locator('[data-testid="call-active"][data-state="talking"]').waitFor({ timeout: 20_000 });
  const heard = await dominantTone(rania, '[data-testid="call-audio"]', 1000);
  assert.ok(Math.abs(heard.hz - 1000) < 15 && heard.db > -50, `Rania hears the caller's 1 kHz: ${JSON.stringify(heard)}`);
  await rania.getByTestId('call-hangup').click();
  const r = await call.done;
  assert.equal(r.code, 0, `the carrier's call passed:\n${r.log}`);
});
