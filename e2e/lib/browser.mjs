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
 * closes it when the test `t` ends.
 */
export async function openBrowser(t, { locale = 'en-US' } = {}) {
  const profile = await mkdtemp(path.join(process.env.CC_E2E_TMP ?? os.tmpdir(), 'cc-e2e-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CC_E2E_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    locale,
    viewport: { width: 1280, height: 800 },
    timeout: 30_000,
  });
  context.setDefaultTimeout(STEP_TIMEOUT);
  t.after(async () => {
    await context.close().catch(() => {});
    await rm(profile, { recursive: true, force: true });
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (e) => console.error(`[page error] ${e.message}`));
  return { context, page };
}

/** Opens `app` (`agent` or `supervisor`) and submits the login form. */
export async function signIn(page, app, username, password) {
  await page.goto(`${BASE_URL}/${app}/`);
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
