// What the browser tests share: starting Chromium with a fresh profile,
// signing in, the message files, screenshots.

import { mkdtemp, mkdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Where the gateway under test listens, e.g. http://127.0.0.1:18080. */
export const BASE_URL = (process.env.CC_E2E_BASE_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
/** Where screenshots go. */
export const ARTIFACTS = path.resolve(process.env.CC_E2E_ARTIFACTS ?? path.join(here, '..', 'artifacts'));
/** One test's whole budget; each step below has a shorter one. */
export const TEST_TIMEOUT = 60_000;
const STEP_TIMEOUT = 10_000;

// The flags from the build notes: headless without GPU or sandbox, no
// background traffic, fake media devices, loopback ICE candidates.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--allow-loopback-in-peer-connection',
];

/**
 * Starts Chromium with a fresh profile (its own cookies and storage) and
 * closes it when the test `t` ends. `args` adds Chromium flags (e.g. a fake
 * microphone file).
 */
export async function openBrowser(t, { locale = 'en-US', args = [] } = {}) {
  const profile = await mkdtemp(path.join(process.env.CC_E2E_TMP ?? os.tmpdir(), 'cc-e2e-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CC_E2E_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [...CHROMIUM_ARGS, ...args],
    locale,
    viewport: { width: 1280, height: 800 },
    timeout: 30_000,
  });
  context.setDefaultTimeout(STEP_TIMEOUT);
  t.after(async () => {
    // A browser that will not close must not hold the suite; the timer is
    // cleared, or it would keep the test file's process alive 20 s more.
    let timer;
    await Promise.race([
      context.close().catch(() => {}),
      new Promise((r) => {
        timer = setTimeout(r, 20_000);
      }),
    ]);
    clearTimeout(timer);
    await rm(profile, { recursive: true, force: true });
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (e) => console.error(`[page error] ${e.message}`));
  return { context, page };
}

/** Opens `app` (`agent` or `supervisor`) and submits the login form (of the gateway at `base`). */
export async function signIn(page, app, username, password, base = BASE_URL) {
  await page.goto(`${base}/${app}/`);
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
}

/** Waits until the shell's WebSocket is welcomed. */
export async function waitConnected(page) {
  await page.locator('[data-testid="ws-state"][data-state="connected"]').waitFor();
}

/** The session cookie, if the browser holds one. */
export async function sessionCookie(context) {
  return (await context.cookies(BASE_URL)).find((c) => c.name === 'cc_session');
}

/** `<html lang>` and `<html dir>`. */
export async function htmlLangDir(page) {
  return page.evaluate(() => ({ lang: document.documentElement.lang, dir: document.documentElement.dir }));
}

/** Waits for `<html lang dir>` to become these. */
export async function waitLangDir(page, lang, dir) {
  await page.waitForFunction(
    ([l, d]) => document.documentElement.lang === l && document.documentElement.dir === d,
    [lang, dir],
    { timeout: STEP_TIMEOUT },
  );
}

/** The messages of a language, read from assets/i18n/<lang>.ftl (plain `key = text` lines). */
export async function messages(lang) {
  const text = await readFile(path.join(here, '..', '..', 'assets', 'i18n', `${lang}.ftl`), 'utf8');
  const out = {};
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z][\w-]*)\s*=\s*(.*\S)\s*$/.exec(line);
    if (m) out[m[1]] = m[2];
  }
  return out;
}

/** A full-page screenshot in the artifacts folder; returns its path. */
export async function screenshot(page, name) {
  await mkdir(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * Writes a WAV file (16-bit mono, 48 kHz) of a sine tone, for Chromium's
 * fake microphone (--use-file-for-fake-audio-capture).
 */
export async function toneWav(name, hz, seconds = 10, rate = 48000) {
  const { writeFile } = await import('node:fs/promises');
  await mkdir(ARTIFACTS, { recursive: true });
  const n = Math.round(seconds * rate);
  const buf = Buffer.alloc(44 + n * 2);
  buf.write('RIFF', 0);
  buf.writeUInt32LE(36 + n * 2, 4);
  buf.write('WAVEfmt ', 8);
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20);
  buf.writeUInt16LE(1, 22);
  buf.writeUInt32LE(rate, 24);
  buf.writeUInt32LE(rate * 2, 28);
  buf.writeUInt16LE(2, 32);
  buf.writeUInt16LE(16, 34);
  buf.write('data', 36);
  buf.writeUInt32LE(n * 2, 40);
  for (let i = 0; i < n; i++) {
    buf.writeInt16LE(Math.round(12000 * Math.sin((2 * Math.PI * hz * i) / rate)), 44 + i * 2);
  }
  const file = path.join(ARTIFACTS, name);
  await writeFile(file, buf);
  return file;
}

/**
 * Listens to the stream playing in the `<audio>` element `selector` for up to
 * `ms` and returns the loudest frequency `{ hz, db }`, stopping early once
 * `expectHz` (±15 Hz) is heard above -50 dB. An element playing a file
 * (`src`, no stream) is heard through `captureStream()`.
 */
export async function dominantTone(page, selector, expectHz, ms = 15000) {
  return page.evaluate(
    async ([sel, want, budget]) => {
      const el = document.querySelector(sel);
      const stream = el?.srcObject ?? (el?.src ? el.captureStream?.() : null);
      if (!stream) return { hz: 0, db: -Infinity, error: 'no stream on the element' };
      const ctx = new AudioContext();
      await ctx.resume();
      const analyser = ctx.createAnalyser();
      analyser.fftSize = 8192;
      ctx.createMediaStreamSource(stream).connect(analyser);
      const bins = new Float32Array(analyser.frequencyBinCount);
      const hzPerBin = ctx.sampleRate / analyser.fftSize;
      let best = { hz: 0, db: -Infinity };
      const until = Date.now() + budget;
      while (Date.now() < until) {
        await new Promise((r) => setTimeout(r, 200));
        analyser.getFloatFrequencyData(bins);
        let i = 1;
        for (let j = 1; j < bins.length; j++) if (bins[j] > bins[i]) i = j;
        best = { hz: i * hzPerBin, db: bins[i] };
        if (best.db > -50 && Math.abs(best.hz - want) < 15) break;
      }
      await ctx.close();
      return best;
    },
    [selector, expectHz, ms],
  );
}

/**
 * Listens to the stream playing in the `<audio>` element `selector` for
 * `ms` and returns, for each frequency in `freqs`, the loudest level (dB)
 * seen at it: a tone is there when its level stands well above the others.
 */
export async function toneLevels(page, selector, freqs, ms = 2500) {
  return page.evaluate(
    async ([sel, fs, budget]) => {
      // The element gets its stream once the peer connection has its track.
      let stream = null;
      for (let i = 0; i < 100 && !stream; i++) {
        stream = document.querySelector(sel)?.srcObject ?? null;
        if (!stream) await new Promise((r) => setTimeout(r, 100));
      }
      if (!stream) return { error: 'no stream on the element' };
      const ctx = new AudioContext();
      await ctx.resume();
      const analyser = ctx.createAnalyser();
      analyser.fftSize = 8192;
      ctx.createMediaStreamSource(stream).connect(analyser);
      const bins = new Float32Array(analyser.frequencyBinCount);
      const hzPerBin = ctx.sampleRate / analyser.fftSize;
      const best = Object.fromEntries(fs.map((f) => [f, -Infinity]));
      const until = Date.now() + budget;
      while (Date.now() < until) {
        await new Promise((r) => setTimeout(r, 100));
        analyser.getFloatFrequencyData(bins);
        for (const f of fs) {
          const i = Math.round(f / hzPerBin);
          const db = Math.max(bins[i - 1], bins[i], bins[i + 1]);
          best[f] = Math.max(best[f], db);
        }
      }
      await ctx.close();
      return best;
    },
    [selector, freqs, ms],
  );
}

/**
 * Sets the signed-in agent available, through Not ready first so that it
 * is a real change even when an earlier run left her available.
 */
export async function beAvailable(page) {
  const select = page.getByTestId('status-select');
  await select.selectOption('not_ready');
  await page.locator('[data-testid="status-current"][data-status="not_ready"]').waitFor();
  await select.selectOption('available');
  await page.locator('[data-testid="status-current"][data-status="available"]').waitFor();
}

/**
 * A signed-in API client for `username` (no Origin: not a browser):
 * `await api('PUT', path, body)` gives `{ status, json }`. Agents sign in
 * to the agent app, the others to the supervisor app.
 */
export async function apiAs(username, password, app = 'supervisor') {
  const r = await fetch(`${BASE_URL}/api/v1/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password, app }),
  });
  if (r.status !== 201) throw new Error(`${username} could not sign in: ${r.status}`);
  const cookie = r.headers.get('set-cookie').split(';')[0];
  return async (method, path, body) => {
    const res = await fetch(`${BASE_URL}${path}`, {
      method,
      headers: { cookie, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : null };
  };
}
