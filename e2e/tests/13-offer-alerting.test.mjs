// An offered call gets the agent's attention beyond the banner: the
// ringtone on the ringer device, the tab title flashing, and an OS
// notification (clicking it brings the tab forward and closes it). Karim
// goes available (the click that unlocks the ringtone), the carrier (sipp)
// calls in, and everything stops once he answers: the ringtone is silent
// and rewound, the title is the desk's again, the notification is gone.
// Then the audio panel's ringer picker, in English and in Persian.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  BASE_URL,
  TEST_TIMEOUT,
  beAvailable,
  dominantTone,
  messages,
  openBrowser,
  screenshot,
  signIn,
  waitConnected,
  waitLangDir,
} from '../lib/browser.mjs';
import { sippDir, startSipp, toneUlaw } from '../lib/sipp.mjs';

const DID = '+441234567890';

/** Runs in the page before the app: records each notification shown and whether it was closed. */
function recordNotifications() {
  const Real = window.Notification;
  if (!Real) return;
  window.__notes = [];
  window.__permissionAsked = 0;
  class Recorded extends Real {
    constructor(title, options = {}) {
      super(title, options);
      const note = {
        title,
        body: options.body,
        tag: options.tag,
        requireInteraction: options.requireInteraction,
        silent: options.silent,
        closed: false,
      };
      window.__notes.push(note);
      window.__noteObjects = [...(window.__noteObjects ?? []), this];
      const close = this.close.bind(this);
      this.close = () => {
        note.closed = true;
        close();
      };
    }
  }
  Object.defineProperty(Recorded, 'permission', { get: () => Real.permission });
  Recorded.requestPermission = (...args) => {
    window.__permissionAsked += 1;
    return Real.requestPermission(...args);
  };
  window.Notification = Recorded;
}

/** The ringtone element's state. */
function ringtone(page) {
  return page.getByTestId('ringtone').evaluate((el) => ({
    ringing: el.dataset.ringing,
    paused: el.paused,
    time: el.currentTime,
    loop: el.loop,
    muted: el.muted,
    sinkId: el.sinkId,
  }));
}

const notes = (page) => page.evaluate(() => window.__notes);

/** A full-page screenshot from the top, so the sticky header sits where it belongs. */
async function shot(page, name) {
  await page.evaluate(() => window.scrollTo(0, 0));
  return screenshot(page, name);
}

test('an offer rings, flashes the title and notifies; answering stops all of it', { timeout: 2 * TEST_TIMEOUT }, async (t) => {
  const [en, fa] = await Promise.all([messages('en'), messages('fa')]);
  const { context, page } = await openBrowser(t);
  await context.grantPermissions(['notifications'], { origin: BASE_URL });
  await context.addInitScript(recordNotifications);
  await signIn(page, 'agent', 'karim', 'demo-agent');
  await waitConnected(page);
  const normalTitle = await page.title();
  assert.equal(await page.evaluate(() => Notification.permission), 'granted');

  // The audio panel: a ringer picker next to the speaker's, defaulting to
  // the speaker, with a test button. Remember the first output as the ringer.
  await page.getByTestId('audio-check-open').click();
  const ringer = page.getByLabel(en['audio-ringer'], { exact: true });
  assert.equal(await ringer.getAttribute('data-testid'), 'audio-ringer');
  assert.equal(await ringer.inputValue(), '', 'no ringer chosen yet: the speaker rings');
  assert.equal((await ringer.locator('option').first().innerText()).trim(), en['audio-ringer-same']);
  const outputs = await ringer.locator('option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
  if (outputs.length > 0) {
    await ringer.selectOption(outputs[0]);
    assert.equal(await page.evaluate(() => localStorage.getItem('cc.audio.ringer')), outputs[0]);
  }
  await page.getByTestId('audio-ringer-test').click();
  await shot(page, '13-audio-ringer-en');
  await page.getByTestId('audio-check-open').click();

  // Going available: the choice is the click that unlocks the ringtone.
  await beAvailable(page);
  assert.equal((await ringtone(page)).ringing, 'false');
  assert.equal(await page.evaluate(() => window.__permissionAsked), 0, 'no question when already allowed');

  const dir = await sippDir();
  await toneUlaw(dir, 'tone.ul', 1000);
  const call = startSipp(t, 'call_in_tone.xml', ['-s', DID], { cwd: dir });
  const offered = page.getByTestId('call-ringing').first();
  await offered.waitFor({ timeout: 20_000 });

  // The ringtone plays, looped, on the chosen ringer, and sounds like a ring.
  await page.locator('[data-testid="ringtone"][data-ringing="true"]').waitFor({ state: 'attached' });
  await page.waitForFunction(() => {
    const el = document.querySelector('[data-testid="ringtone"]');
    return !el.paused && el.currentTime > 0;
  });
  const playing = await ringtone(page);
  assert.equal(playing.loop, true);
  assert.equal(playing.muted, false);
  if (outputs.length > 0) assert.equal(playing.sinkId, outputs[0], 'it rings on the chosen ringer');
  const heard = await dominantTone(page, '[data-testid="ringtone"]', 440, 8000);
  t.diagnostic(`outputs listed: ${outputs.length}; ringing on "${playing.sinkId}"; heard ${JSON.stringify(heard)}`);
  assert.ok(
    heard.db > -50 && (Math.abs(heard.hz - 440) < 15 || Math.abs(heard.hz - 480) < 15),
    `the ring's 440 + 480 Hz plays: ${JSON.stringify(heard)}`,
  );

  // The title flashes: the incoming call within two seconds, then the desk's title.
  const alertPrefix = en['alert-title'].split('{')[0];
  await page.waitForFunction((p) => document.title.startsWith(p), alertPrefix, { timeout: 2_000 });
  const flashed = await page.title();
  assert.ok(flashed.includes('Rania Haddad'), `the title names the caller: ${flashed}`);
  await page.waitForFunction((n) => document.title === n, normalTitle, { timeout: 2_500 });
  await page.waitForFunction((p) => document.title.startsWith(p), alertPrefix, { timeout: 2_500 });

  // One notification, tagged with the call, naming the caller and the queue.
  const shown = await notes(page);
  assert.equal(shown.length, 1, `one notification: ${JSON.stringify(shown)}`);
  const [note] = shown;
  assert.equal(note.title, en['alert-notification-title']);
  assert.ok(note.body.includes('Rania Haddad') && note.body.includes('+966501234567'), `caller: ${note.body}`);
  const callId = await offered.getAttribute('data-call-id');
  if (callId) assert.equal(note.tag, callId);
  assert.ok(note.tag, 'tagged with the call');
  assert.equal(note.requireInteraction, true);
  assert.equal(note.closed, false);
  await shot(page, '13-offer-ringing-en');

  // Answering stops it all.
  await offered.getByTestId('call-answer').click();
  await page.locator('[data-testid="call-active"][data-state="talking"]').waitFor({ timeout: 20_000 });
  await page.locator('[data-testid="ringtone"][data-ringing="false"]').waitFor({ state: 'attached' });
  const stopped = await ringtone(page);
  assert.equal(stopped.paused, true, 'the ringtone is silent');
  assert.equal(stopped.time, 0, 'and rewound');
  assert.equal(await page.title(), normalTitle, 'the title is restored');
  await new Promise((r) => setTimeout(r, 1_200));
  assert.equal(await page.title(), normalTitle, 'and no longer flashes');
  assert.equal((await notes(page))[0].closed, true, 'the notification is closed');

  await page.getByTestId('call-hangup').click();
  await page.locator('[data-testid="call-ended"]').waitFor();
  const done = await call.done;
  assert.equal(done.code, 0, `sipp got the BYE:\n${done.log}`);

  // The ringer picker in Persian.
  await page.getByTestId('lang-select').selectOption('fa');
  await waitLangDir(page, 'fa', 'rtl');
  await page.getByTestId('audio-check-open').click();
  const ringerFa = page.getByLabel(fa['audio-ringer'], { exact: true });
  assert.equal(await ringerFa.getAttribute('data-testid'), 'audio-ringer');
  assert.equal((await page.getByTestId('audio-ringer-test').innerText()).trim(), fa['audio-ringer-test']);
  await shot(page, '13-audio-ringer-fa');
});

test('clicking the notification brings the desk forward and closes it', { timeout: 2 * TEST_TIMEOUT }, async (t) => {
  const { context, page } = await openBrowser(t);
  await context.grantPermissions(['notifications'], { origin: BASE_URL });
  await context.addInitScript(recordNotifications);
  await signIn(page, 'agent', 'karim', 'demo-agent');
  await waitConnected(page);
  await beAvailable(page);

  const dir = await sippDir();
  await toneUlaw(dir, 'tone.ul', 1000);
  const call = startSipp(t, 'call_in_tone.xml', ['-s', DID], { cwd: dir });
  const offered = page.getByTestId('call-ringing').first();
  await offered.waitFor({ timeout: 20_000 });
  await page.waitForFunction(() => window.__notes.length === 1);
  await page.evaluate(() => {
    window.__focused = 0;
    const focus = window.focus.bind(window);
    window.focus = () => {
      window.__focused += 1;
      focus();
    };
    window.__noteObjects[0].dispatchEvent(new Event('click'));
  });
  assert.equal(await page.evaluate(() => window.__focused), 1, 'the tab is brought forward');
  assert.equal((await notes(page))[0].closed, true, 'the notification closes');
  // The call still rings: only the notification went.
  assert.equal((await ringtone(page)).ringing, 'true');

  await offered.getByTestId('call-answer').click();
  await page.locator('[data-testid="call-active"][data-state="talking"]').waitFor({ timeout: 20_000 });
  await page.locator('[data-testid="ringtone"][data-ringing="false"]').waitFor({ state: 'attached' });
  assert.equal((await notes(page)).length, 1, 'never shown twice');
  await page.getByTestId('call-hangup').click();
  const done = await call.done;
  assert.equal(done.code, 0, `sipp got the BYE:\n${done.log}`);
});
