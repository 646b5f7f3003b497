// Recordings: Omid answers a carrier's call (sipp streams 1 kHz; his fake
// microphone sends 440 Hz) and records part of it. Sara, on the Recordings
// screen, finds the call (by agent too), plays it in the browser — the
// player asks for byte ranges and gets 206 — and listens to one side
// alone; the file carries the caller on the left channel and the agent on
// the right. Sara may not download it (the queue does not allow it), the
// admin may; an agent session is refused the list and the audio.
// Screenshots in English and Arabic.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  BASE_URL,
  TEST_TIMEOUT,
  apiAs,
  beAvailable,
  messages,
  openBrowser,
  screenshot,
  signIn,
  toneWav,
  waitConnected,
  waitLangDir,
} from '../lib/browser.mjs';
import { sippDir, startSipp, toneUlaw } from '../lib/sipp.mjs';

const DID = '+441234567890';

/** A full-page screenshot from the top (the header is sticky). */
async function shot(page, name) {
  await page.evaluate(() => window.scrollTo(0, 0));
  return screenshot(page, name);
}

/** Omid takes a call, records about four seconds of it and hangs up; returns its id. */
async function recordedCall(t) {
  const wav = await toneWav('tone-440.wav', 440, 60);
  const { page } = await openBrowser(t, {
    args: [`--use-file-for-fake-audio-capture=${wav}`, '--autoplay-policy=no-user-gesture-required'],
  });
  await signIn(page, 'agent', 'omid', 'demo-agent');
  await waitConnected(page);
  await beAvailable(page);
  const dir = await sippDir();
  await toneUlaw(dir, 'tone.ul', 1000);
  const call = startSipp(t, 'call_in_tone.xml', ['-s', DID], { cwd: dir });
  const ringing = page.getByTestId('call-ringing').first();
  await ringing.waitFor({ timeout: 20_000 });
  await ringing.getByTestId('call-answer').click();
  const active = page.locator('[data-testid="call-active"][data-state="talking"]');
  await active.waitFor({ timeout: 20_000 });
  const callId = await active.getAttribute('data-call-id');
  await page.getByTestId('call-record').click();
  await page.locator('[data-testid="call-recording"][data-state="recording"]').waitFor();
  await page.waitForTimeout(4000);
  await page.getByTestId('call-hangup').click();
  await page.locator('[data-testid="call-ended"]').waitFor();
  const done = await call.done;
  assert.equal(done.code, 0, `sipp's call passed:\n${done.log}`);
  return { agentPage: page, callId };
}

/**
 * The loudest side of each channel of a 16-bit stereo WAV, as the
 * frequency its zero crossings give, and its RMS level.
 */
function channels(buf) {
  const view = new DataView(buf);
  const rate = view.getUint32(24, true);
  const samples = (buf.byteLength - 44) / 4;
  const out = [];
  for (const ch of [0, 1]) {
    let [crossings, sum, prev] = [0, 0, 0];
    for (let i = 0; i < samples; i++) {
      const s = view.getInt16(44 + i * 4 + ch * 2, true);
      sum += s * s;
      if ((prev < 0 && s >= 0) || (prev >= 0 && s < 0)) crossings++;
      prev = s;
    }
    out.push({ hz: crossings / 2 / (samples / rate), rms: Math.sqrt(sum / samples) });
  }
  return out;
}

test('a recorded call is found, played with seeking, one side at a time, and guarded', { timeout: 3 * TEST_TIMEOUT }, async (t) => {
  const en = await messages('en');
  const { agentPage, callId } = await recordedCall(t);

  // An agent is refused the recordings, list and audio alike.
  for (const path of ['/api/v1/recordings', `/api/v1/recordings/${callId}/audio`]) {
    const r = await agentPage.request.get(`${BASE_URL}${path}`);
    assert.equal(r.status(), 403, `agent: ${path}`);
    assert.equal(r.headers()['content-type'], 'application/problem+json');
  }

  const { page } = await openBrowser(t, { args: ['--autoplay-policy=no-user-gesture-required'] });
  const audioResponses = [];
  page.on('response', (r) => {
    if (r.url().includes(`/api/v1/recordings/${callId}/audio`)) {
      audioResponses.push({ status: r.status(), range: r.headers()['content-range'], accept: r.headers()['accept-ranges'] });
    }
  });
  await signIn(page, 'supervisor', 'sara', 'demo-supervisor');
  await waitConnected(page);
  await page.getByTestId('nav-recordings').click();
  await page.waitForFunction(() => document.activeElement?.id === 'rec-title');
  assert.ok(page.url().endsWith('#/recordings'), page.url());
  assert.equal(await page.getByTestId('nav-recordings').getAttribute('aria-current'), 'page');

  // The gateway lists a recording a few seconds after its file is complete.
  const row = page.locator(`[data-testid="rec-row"][data-call-id="${callId}"]`);
  const deadline = Date.now() + 30_000;
  while (!(await row.count())) {
    assert.ok(Date.now() < deadline, 'the recorded call was listed within 30 s');
    await page.waitForTimeout(1000);
    await page.getByTestId('rec-search').click();
    await page.waitForFunction(() => !document.querySelector('[data-testid="rec-count"]')?.textContent.includes('…'));
  }
  const text = await row.innerText();
  assert.ok(text.includes('+966501234567'), `the caller's number: ${text}`);
  assert.ok(text.includes('Omid'), `the agent: ${text}`);

  // Filtered by the agent: still there; by another agent: gone.
  const agents = await (await page.request.get(`${BASE_URL}/api/v1/agents`)).json();
  const omid = agents.find((a) => a.username === 'omid');
  await page.getByTestId('rec-agent').selectOption(String(omid.id));
  await page.getByTestId('rec-search').click();
  await row.waitFor();
  const other = agents.find((a) => a.id !== omid.id);
  await page.getByTestId('rec-agent').selectOption(String(other.id));
  await page.getByTestId('rec-search').click();
  await row.waitFor({ state: 'detached' });
  await page.getByTestId('rec-agent').selectOption('');
  await page.getByTestId('rec-search').click();
  await row.waitFor();

  // Play: the audio element plays, and the player's requests were ranges.
  await row.getByTestId('rec-play').click();
  assert.equal(await row.getByTestId('rec-play').getAttribute('aria-pressed'), 'true');
  const audio = page.getByTestId('rec-audio');
  await page.waitForFunction(() => {
    const a = document.querySelector('[data-testid="rec-audio"]');
    return a && !a.paused && a.currentTime > 0.5;
  });
  assert.ok(
    audioResponses.some((r) => r.status === 206 && /^bytes 0-\d+\/\d+$/.test(r.range ?? '') && r.accept === 'bytes'),
    `a Range request was served: ${JSON.stringify(audioResponses)}`,
  );
  const nowPlaying = await page.getByTestId('rec-now-playing').innerText();
  assert.ok(nowPlaying.startsWith(en['rec-selected']) && nowPlaying.includes('+966501234567'), nowPlaying);
  // Seeking: the whole length is seekable; a jump back plays on from there.
  const seekable = await audio.evaluate((a) => a.seekable.length && a.seekable.end(0));
  assert.ok(seekable > 3, `seekable to ${seekable} s`);
  await audio.evaluate((a) => {
    a.currentTime = 0.2;
    return a.play();
  });
  await page.waitForFunction(() => {
    const a = document.querySelector('[data-testid="rec-audio"]');
    return !a.paused && a.currentTime > 0.4;
  });
  // A range from the middle, as a seek asks for it.
  const part = await page.evaluate(async (url) => {
    const r = await fetch(url, { headers: { Range: 'bytes=1000-1999' } });
    return { status: r.status, range: r.headers.get('content-range'), length: (await r.arrayBuffer()).byteLength };
  }, `/api/v1/recordings/${callId}/audio`);
  assert.equal(part.status, 206);
  assert.match(part.range, /^bytes 1000-1999\/\d+$/);
  assert.equal(part.length, 1000);
  const past = await page.evaluate(async (url) => (await fetch(url, { headers: { Range: 'bytes=99999999-' } })).status, `/api/v1/recordings/${callId}/audio`);
  assert.equal(past, 416);

  // Each side on its own channel: the caller's 1 kHz left, Omid's 440 Hz right.
  const body = await (await page.request.get(`${BASE_URL}/api/v1/recordings/${callId}/audio`)).body();
  const sides = channels(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength));
  assert.ok(sides[0].rms > 300 && Math.abs(sides[0].hz - 1000) < 60, `left is the caller: ${JSON.stringify(sides)}`);
  assert.ok(sides[1].rms > 300 && Math.abs(sides[1].hz - 440) < 40, `right is the agent: ${JSON.stringify(sides)}`);

  // One side alone: the choice is pressed, and the player plays on.
  await page.locator('[data-testid="rec-channel"] [data-channel="caller"]').click();
  assert.equal(await page.locator('[data-channel="caller"]').getAttribute('aria-pressed'), 'true');
  assert.equal(await page.locator('[data-channel="both"]').getAttribute('aria-pressed'), 'false');
  await audio.evaluate((a) => {
    a.currentTime = 0;
    return a.play();
  });
  await page.waitForFunction(() => document.querySelector('[data-testid="rec-audio"]').currentTime > 0.5);
  assert.equal(await page.getByTestId('rec-error').count(), 0, 'the browser split the channels');
  await audio.evaluate((a) => a.pause());

  // Sara may not download this call's recording: no button, and 403.
  assert.equal(await page.getByTestId('rec-download').count(), 0);
  const refused = await page.request.get(`${BASE_URL}/api/v1/recordings/${callId}/audio?download=1`);
  assert.equal(refused.status(), 403);
  await shot(page, '24-recordings-en');

  // The admin may: the list says so, and the download comes as an attachment.
  const admin = await apiAs('admin', 'demo-admin');
  const listed = await admin('GET', '/api/v1/recordings?limit=200');
  assert.equal(listed.status, 200);
  assert.equal(listed.json.items.find((i) => i.call_id === callId)?.can_download, true);
  const login = await fetch(`${BASE_URL}/api/v1/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: 'demo-admin', app: 'supervisor' }),
  });
  const cookie = login.headers.get('set-cookie').split(';')[0];
  const file = await fetch(`${BASE_URL}/api/v1/recordings/${callId}/audio?download=1`, { headers: { cookie } });
  assert.equal(file.status, 200);
  assert.match(file.headers.get('content-disposition'), /^attachment; filename="[\w-]+\.wav"$/);
  assert.equal(file.headers.get('content-type'), 'audio/wav');
  const cookieLess = await fetch(`${BASE_URL}/api/v1/recordings/${callId}/audio?download=1`);
  assert.equal(cookieLess.status, 401, 'nobody signed in');

  // In Arabic: the page mirrors, the player and the times stay left to right.
  await page.getByTestId('lang-select').selectOption('ar');
  await waitLangDir(page, 'ar', 'rtl');
  const ar = await messages('ar');
  await page.getByRole('heading', { name: ar['rec-title'] }).waitFor();
  assert.equal(await audio.evaluate((a) => getComputedStyle(a).direction), 'ltr');
  await shot(page, '24-recordings-ar');
  await page.getByTestId('lang-select').selectOption('en');
  await waitLangDir(page, 'en', 'ltr');
});
