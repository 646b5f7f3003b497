// HTTPS and WSS: a gateway of this test's own serves TLS with a certificate
// from `gateway cert self-signed`, plain HTTP on a second port only
// redirects. Chromium trusts exactly that certificate (its public key hash
// in --ignore-certificate-errors-spki-list), an agent signs in over HTTPS,
// her desk's WebSocket is wss://, and a carrier call (sipp) has sound both
// ways: the carrier's 1 kHz reaches her, then her own 440 Hz microphone
// comes back through the carrier's echo.
//
// The gateway under test for the other files speaks plain HTTP, so this one
// starts its own (CC_E2E_GATEWAY, set by `cargo xtask test`; else
// target/debug/gateway) on free loopback ports with a fresh SQLite database.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { X509Certificate, createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';

import { TEST_TIMEOUT, beAvailable, dominantTone, openBrowser, screenshot, toneWav, waitConnected } from '../lib/browser.mjs';
import { GATEWAY, ROOT, baseConfig, cleanEnv, freePort, runGateway, workDir } from '../lib/gateway.mjs';
import { sippDir, startSipp, toneUlaw } from '../lib/sipp.mjs';

const DID = '+441234567890';

/** One request; resolves `{ status, headers, body }`. */
function fetchRaw(mod, options) {
  return new Promise((resolve, reject) => {
    const req = mod.request({ timeout: 5000, ...options }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.end();
  });
}

/** Starts the TLS gateway; resolves `{ base, sip, redirect, spki, ca }` once it is healthy. */
async function startGateway(t) {
  const dir = await workDir(t, 'cc-e2e-https-');
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  const [port, redirect, sipPort] = [await freePort(), await freePort(), await freePort()];
  const made = await promisify(execFile)(
    GATEWAY,
    ['cert', 'self-signed', '--host', '127.0.0.1', '--host', 'localhost', '--cert', cert, '--key', key],
    { cwd: dir, env: cleanEnv() },
  );
  assert.match(made.stdout, /SHA-256 fingerprint/, 'the command says how to check and trust the certificate');
  const ca = await readFile(cert, 'utf8');
  const spkiDer = new X509Certificate(ca).publicKey.export({ type: 'spki', format: 'der' });
  const spki = createHash('sha256').update(spkiDer).digest('base64');
  assert.ok(made.stdout.includes(spki), 'the printed public key hash is the certificate\'s');

  const config = `
[http]
listen = "127.0.0.1:${port}"
ui_dir = ${JSON.stringify(path.join(ROOT, 'dist'))}
[http.tls]
cert = ${JSON.stringify(cert)}
key = ${JSON.stringify(key)}
redirect_listen = "127.0.0.1:${redirect}"
${baseConfig(dir, sipPort)}`;
  // Node checks the chain and the name: the certificate is trusted as
  // itself, for 127.0.0.1.
  const { log } = await runGateway(t, dir, config, async () => {
    const r = await fetchRaw(https, { host: '127.0.0.1', port, path: '/healthz', ca });
    return r.status === 200;
  });
  return { base: `https://127.0.0.1:${port}`, port, redirect, sip: `127.0.0.1:${sipPort}`, spki, ca, log };
}

async function answerRinging(page) {
  const ringing = page.getByTestId('call-ringing').first();
  await ringing.waitFor({ timeout: 20_000 });
  await ringing.getByTestId('call-answer').click();
  await page.locator('[data-testid="call-active"][data-state="talking"]').waitFor({ timeout: 20_000 });
}

test('an agent signs in over HTTPS and takes a call over WSS with sound both ways', { timeout: 3 * TEST_TIMEOUT }, async (t) => {
  const gw = await startGateway(t);

  // HTTPS answers carry HSTS; plain HTTP only redirects, method and path kept.
  const health = await fetchRaw(https, { host: '127.0.0.1', port: gw.port, path: '/healthz', ca: gw.ca });
  assert.match(health.headers['strict-transport-security'] ?? '', /^max-age=\d+/);
  const moved = await fetchRaw(http, { host: '127.0.0.1', port: gw.redirect, path: '/agent/?x=1' });
  assert.equal(moved.status, 308);
  assert.equal(moved.headers.location, `${gw.base}/agent/?x=1`);

  const wav = await toneWav('tone-440-https.wav', 440, 60);
  const { page } = await openBrowser(t, {
    args: [
      `--ignore-certificate-errors-spki-list=${gw.spki}`,
      `--use-file-for-fake-audio-capture=${wav}`,
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
  const sockets = [];
  page.on('websocket', (ws) => sockets.push(ws.url()));

  // A plain-HTTP address takes the browser to HTTPS.
  await page.goto(`http://127.0.0.1:${gw.redirect}/agent/`);
  assert.equal(page.url(), `${gw.base}/agent/`);
  assert.equal(await page.evaluate(() => window.isSecureContext), true);
  await page.getByTestId('login-username').fill('omid');
  await page.getByTestId('login-password').fill('demo-agent');
  await page.getByTestId('login-submit').click();
  await waitConnected(page);
  const cookie = (await page.context().cookies(gw.base)).find((c) => c.name === 'cc_session');
  assert.ok(cookie?.secure, `the session cookie is Secure: ${JSON.stringify(cookie)}`);
  assert.ok(sockets.length > 0 && sockets.every((u) => u.startsWith(`wss://127.0.0.1:${gw.port}/`)), `WSS only: ${sockets}`);
  await beAvailable(page);

  const dir = await sippDir();
  await toneUlaw(dir, 'tone.ul', 1000);

  // 1. Carrier → browser; the agent hangs up and sipp gets the BYE.
  const first = startSipp(t, 'call_in_tone.xml', ['-s', DID], { cwd: dir, target: gw.sip });
  await answerRinging(page);
  await screenshot(page, '30-https-agent-talking');
  const heard = await dominantTone(page, '[data-testid="call-audio"]', 1000);
  assert.ok(Math.abs(heard.hz - 1000) < 15 && heard.db > -50, `the agent hears the carrier's 1 kHz: ${JSON.stringify(heard)}`);
  await page.getByTestId('call-hangup').click();
  await page.locator('[data-testid="call-ended"][data-reason="local_hang_up"]').waitFor();
  const r1 = await first.done;
  assert.equal(r1.code, 0, `sipp got the BYE and the call passed:\n${r1.log}`);

  // 2. Browser → carrier → browser: her 440 Hz comes back through sipp's echo.
  const second = startSipp(t, 'call_in_echo_bye.xml', ['-s', DID, '-rtp_echo'], { cwd: dir, target: gw.sip });
  await answerRinging(page);
  const echoed = await dominantTone(page, '[data-testid="call-audio"]', 440);
  assert.ok(Math.abs(echoed.hz - 440) < 15 && echoed.db > -50, `her own 440 Hz came back through the carrier: ${JSON.stringify(echoed)}`);
  await page.locator('[data-testid="call-ended"][data-reason="remote_hang_up"]').waitFor({ timeout: 30_000 });
  const r2 = await second.done;
  assert.equal(r2.code, 0, `sipp's call passed:\n${r2.log}`);
  await screenshot(page, '30-https-call-ended');
});
