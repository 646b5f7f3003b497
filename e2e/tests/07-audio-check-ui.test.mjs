// The audio check in the agent desk, as an agent uses it: opening the panel
// opens the microphone and its meter moves; the check passes only once the
// tone of the fake microphone comes back through the gateway, loud enough,
// for about a second; Stop, closing the panel and signing out release the
// microphone and the peer connection; the texts follow the language,
// Persian right to left. A silent microphone fails the check: the verdict
// rests on the returned audio, not on a timer.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  TEST_TIMEOUT,
  messages,
  openBrowser,
  screenshot,
  signIn,
  toneWav,
  waitConnected,
  waitLangDir,
} from '../lib/browser.mjs';

/** The check may take 10 s to decide; a little more for the page. */
const VERDICT_TIMEOUT = 15_000;

/** Runs in the page before the app: keeps every peer connection and microphone stream it creates. */
function watchMedia() {
  window.__media = { pcs: [], streams: [] };
  const Pc = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Pc {
    constructor(...args) {
      super(...args);
      window.__media.pcs.push(this);
    }
  };
  const devices = navigator.mediaDevices;
  const getUserMedia = devices.getUserMedia.bind(devices);
  devices.getUserMedia = async (constraints) => {
    const stream = await getUserMedia(constraints);
    window.__media.streams.push(stream);
    return stream;
  };
}

/** What the page holds: peer connections' states, live microphone and sent tracks. */
async function heldMedia(page) {
  return page.evaluate(() => {
    const { pcs, streams } = window.__media;
    const live = (tracks) => tracks.filter((t) => t && t.readyState === 'live').length;
    return {
      pcs: pcs.map((pc) => pc.signalingState),
      micTracks: live(streams.flatMap((s) => s.getTracks())),
      sentTracks: live(pcs.flatMap((pc) => pc.getSenders().map((s) => s.track))),
    };
  });
}

async function meterValue(page, testId) {
  return Number(await page.getByTestId(testId).getAttribute('aria-valuenow'));
}

async function waitMeterAbove(page, testId, min) {
  await page.waitForFunction(
    ([id, m]) => Number(document.querySelector(`[data-testid="${id}"]`)?.getAttribute('aria-valuenow')) > m,
    [testId, min],
  );
}

async function waitResult(page, state, timeout = VERDICT_TIMEOUT) {
  const result = page.locator(`[data-testid="audio-check-result"][data-state="${state}"]`);
  await result.waitFor({ timeout });
  return (await result.innerText()).trim();
}

/** A full-page screenshot from the top, so the sticky header sits where it belongs. */
async function shot(page, name) {
  await page.evaluate(() => window.scrollTo(0, 0));
  return screenshot(page, name);
}

async function openAgent(t, wav) {
  const { context, page } = await openBrowser(t, {
    args: [`--use-file-for-fake-audio-capture=${wav}`, '--autoplay-policy=no-user-gesture-required'],
  });
  await context.addInitScript(watchMedia);
  await signIn(page, 'agent', 'karim', 'demo-agent');
  await waitConnected(page);
  return page;
}

test('audio check: mic meter, echo through the gateway, stop, Persian, sign-out', { timeout: 2 * TEST_TIMEOUT }, async (t) => {
  const [en, fa] = await Promise.all([messages('en'), messages('fa')]);
  const wav = await toneWav('tone-440.wav', 440);
  const page = await openAgent(t, wav);

  const open = page.getByTestId('audio-check-open');
  const start = page.getByTestId('audio-check-start');
  const stop = page.getByTestId('audio-check-stop');
  assert.equal(await open.getAttribute('aria-expanded'), 'false');
  assert.equal((await heldMedia(page)).micTracks, 0, 'no microphone while the panel is closed');

  // A microphone remembered from another day, unplugged since.
  await page.evaluate(() => localStorage.setItem('cc.audio.mic', 'unplugged-headset'));

  // Open: the default microphone opens and its meter moves.
  await open.click();
  assert.equal(await open.getAttribute('aria-expanded'), 'true');
  await waitMeterAbove(page, 'mic-meter', 0);
  assert.equal((await heldMedia(page)).micTracks, 1);
  const micSelect = page.getByLabel(en['audio-mic'], { exact: true });
  assert.equal(await micSelect.getAttribute('data-testid'), 'mic-select');
  assert.equal(await micSelect.inputValue(), '', 'falls back to the system default');
  const devices = await micSelect.locator('option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
  assert.ok(devices.length >= 1, 'the fake microphones are listed');

  // Choosing a microphone remembers it and reopens the meter on it.
  await micSelect.selectOption(devices[0]);
  assert.equal(await page.evaluate(() => localStorage.getItem('cc.audio.mic')), devices[0]);
  await page.waitForFunction(() => window.__media.streams.length === 2);
  await waitMeterAbove(page, 'mic-meter', 0);
  assert.equal((await heldMedia(page)).micTracks, 1, 'the previous microphone was released');
  await shot(page, '07-audio-check-open-en');

  // Start: passes once the tone comes back, and says so.
  await start.click();
  // Stop takes Start's place, with the keyboard focus.
  await page.waitForFunction(() => document.activeElement?.dataset.testid === 'audio-check-stop');
  assert.equal(await start.isVisible(), false);
  assert.equal(await waitResult(page, 'ok'), en['audio-check-ok']);
  assert.ok((await meterValue(page, 'echo-meter')) >= 25, 'the returned audio is clearly above silence');
  assert.deepEqual((await heldMedia(page)).pcs, ['stable']);
  await shot(page, '07-audio-check-ok-en');

  // Stop: the peer connection closes and our copy of the track ends; the
  // meter keeps the microphone while the panel is open; focus moves to Start.
  await stop.click();
  assert.equal(await waitResult(page, 'ok'), en['audio-check-passed']);
  await page.waitForFunction(() => document.activeElement?.dataset.testid === 'audio-check-start');
  assert.deepEqual(await heldMedia(page), { pcs: ['closed'], micTracks: 1, sentTracks: 0 });

  // Close: the microphone is released.
  await open.click();
  assert.equal(await open.getAttribute('aria-expanded'), 'false');
  assert.equal((await heldMedia(page)).micTracks, 0, 'closing the panel releases the microphone');

  // Persian, right to left: open again and run the check once more.
  await page.getByTestId('lang-select').selectOption('fa');
  await waitLangDir(page, 'fa', 'rtl');
  await open.click();
  await waitMeterAbove(page, 'mic-meter', 0);
  assert.equal((await start.innerText()).trim(), fa['audio-check-start']);
  await start.click();
  assert.equal(await waitResult(page, 'ok'), fa['audio-check-ok']);
  await shot(page, '07-audio-check-ok-fa');

  // Signing out in the middle of the check releases everything.
  await page.getByTestId('logout').click();
  await page.getByTestId('login-submit').waitFor();
  await page.waitForFunction(() => window.__media.pcs.every((pc) => pc.signalingState === 'closed'));
  const after = await heldMedia(page);
  assert.deepEqual(after, { pcs: ['closed', 'closed'], micTracks: 0, sentTracks: 0 });
});

test('audio check fails when no sound comes back', { timeout: TEST_TIMEOUT }, async (t) => {
  const en = await messages('en');
  // A 0 Hz "tone": the fake microphone sends silence, which the gateway
  // echoes faithfully.
  const wav = await toneWav('silence.wav', 0);
  const page = await openAgent(t, wav);

  await page.getByTestId('audio-check-open').click();
  await page.getByTestId('mic-meter').waitFor();
  await page.getByTestId('audio-check-start').click();
  assert.equal(await waitResult(page, 'running', 2_000), en['audio-check-running']);
  assert.equal(await waitResult(page, 'failed'), en['audio-check-failed-no-echo']);
  assert.equal(await meterValue(page, 'mic-meter'), 0);
  const held = await heldMedia(page);
  assert.deepEqual(held.pcs, ['closed'], 'a failed check closes its peer connection');
  assert.equal(held.sentTracks, 0);
  await shot(page, '07-audio-check-failed-en');
});
