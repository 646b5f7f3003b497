// Hold and mute from the desk on a carrier call: Hold puts the call on hold
// towards the carrier (sipp answers the re-INVITEs: recvonly, then
// sendrecv), the desk shows it with a hold timer, Resume takes it back;
// Mute and Unmute are local. The agent hangs up and sipp gets the BYE.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { TEST_TIMEOUT, beAvailable, openBrowser, screenshot, signIn, toneWav, waitConnected } from '../lib/browser.mjs';
import { sippDir, startSipp, toneUlaw } from '../lib/sipp.mjs';

const DID = '+441234567890';

test('hold with its timer, resume, mute and unmute', { timeout: 2 * TEST_TIMEOUT }, async (t) => {
  const wav = await toneWav('tone-440-hold.wav', 440, 60);
  const { page } = await openBrowser(t, {
    args: [`--use-file-for-fake-audio-capture=${wav}`, '--autoplay-policy=no-user-gesture-required'],
  });
  await signIn(page, 'agent', 'omid', 'demo-agent');
  await waitConnected(page);
  await beAvailable(page);
  const dir = await sippDir();
  await toneUlaw(dir, 'tone.ul', 1000);
  const call = startSipp(t, 'call_in_hold.xml', ['-s', DID], { cwd: dir });

  const ringing = page.getByTestId('call-ringing').first();
  await ringing.waitFor({ timeout: 20_000 });
  await ringing.getByTestId('call-answer').click();
  const active = page.getByTestId('call-active');
  await page.locator('[data-testid="call-active"][data-state="talking"]').waitFor({ timeout: 20_000 });
  assert.equal(await page.getByTestId('call-hold-timer').count(), 0, 'no hold timer before a hold');

  await page.getByTestId('call-hold').click();
  await page.locator('[data-testid="call-active"][data-held="true"]').waitFor({ timeout: 15_000 });
  await page.getByTestId('call-hold-timer').waitFor();
  await page.waitForFunction(
    () => {
      const el = document.querySelector('[data-testid="call-hold-timer"]');
      return el && /[1-9]$/.test(el.innerText.trim());
    },
    null,
    { timeout: 5_000 },
  );
  await screenshot(page, '15-agent-on-hold');
  await page.getByTestId('call-hold').click();
  await page.locator('[data-testid="call-active"][data-held="false"]').waitFor({ timeout: 15_000 });
  assert.equal(await page.getByTestId('call-hold-timer').count(), 0, 'the hold timer goes with the hold');

  await page.getByTestId('call-mute').click();
  assert.equal(await active.getAttribute('data-muted'), 'true');
  await page.getByTestId('call-mute').click();
  assert.equal(await active.getAttribute('data-muted'), 'false');

  await page.getByTestId('call-hangup').click();
  const r = await call.done;
  assert.equal(r.code, 0, `sipp saw hold, resume and the BYE:\n${r.log}`);
});
