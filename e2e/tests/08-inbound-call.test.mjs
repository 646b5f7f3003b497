// Rania's call, the gateway's heart: the carrier (sipp) calls in, the call
// rings on the agent's desk, she answers in the browser, and sound crosses
// both ways through the gateway (browser WebRTC ↔ SIP RTP). Two calls:
// 1. sipp streams 1 kHz: the agent hears it (carrier → browser); she hangs
//    up and sipp must receive the BYE.
// 2. sipp echoes its RTP: the agent hears her own 440 Hz microphone come
//    back (browser → carrier → browser); the caller hangs up and the desk
//    shows it.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { TEST_TIMEOUT, beAvailable, dominantTone, openBrowser, screenshot, signIn, toneWav, waitConnected } from '../lib/browser.mjs';
import { sippDir, startSipp, toneUlaw } from '../lib/sipp.mjs';

const DID = '+441234567890';
const CALLER = '+966501234567';


async function answerRinging(page) {
  const ringing = page.getByTestId('call-ringing').first();
  await ringing.waitFor({ timeout: 20_000 });
  const text = await ringing.innerText();
  assert.ok(text.includes(CALLER), `the caller's number shows: ${text}`);
  assert.ok(text.includes(DID), `the dialed number shows: ${text}`);
  await ringing.getByTestId('call-answer').click();
  await page.locator('[data-testid="call-active"][data-state="talking"]').waitFor({ timeout: 20_000 });
}

test('a carrier call reaches the agent with sound both ways', { timeout: 2 * TEST_TIMEOUT }, async (t) => {
  const wav = await toneWav('tone-440.wav', 440, 60);
  const { page } = await openBrowser(t, {
    args: [`--use-file-for-fake-audio-capture=${wav}`, '--autoplay-policy=no-user-gesture-required'],
  });
  await signIn(page, 'agent', 'omid', 'demo-agent');
  await waitConnected(page);
  await beAvailable(page);
  const dir = await sippDir();
  await toneUlaw(dir, 'tone.ul', 1000);

  // 1. Carrier → browser, and the agent hangs up.
  const first = startSipp(t, 'call_in_tone.xml', ['-s', DID], { cwd: dir });
  await answerRinging(page);
  await screenshot(page, '08-agent-talking');
  const heard = await dominantTone(page, '[data-testid="call-audio"]', 1000);
  assert.ok(Math.abs(heard.hz - 1000) < 15 && heard.db > -50, `the agent hears the carrier's 1 kHz: ${JSON.stringify(heard)}`);
  await page.getByTestId('call-hangup').click();
  await page.locator('[data-testid="call-ended"][data-reason="local_hang_up"]').waitFor();
  const r1 = await first.done;
  assert.equal(r1.code, 0, `sipp got the BYE and the call passed:\n${r1.log}`);

  // 2. Browser → carrier → browser, and the caller hangs up.
  const second = startSipp(t, 'call_in_echo_bye.xml', ['-s', DID, '-rtp_echo'], { cwd: dir });
  await answerRinging(page);
  const echoed = await dominantTone(page, '[data-testid="call-audio"]', 440);
  assert.ok(Math.abs(echoed.hz - 440) < 15 && echoed.db > -50, `her own 440 Hz came back through the carrier: ${JSON.stringify(echoed)}`);
  await page.locator('[data-testid="call-ended"][data-reason="remote_hang_up"]').waitFor({ timeout: 30_000 });
  const r2 = await second.done;
  assert.equal(r2.code, 0, `sipp's call passed:\n${r2.log}`);
  await screenshot(page, '08-agent-call-ended');
});
