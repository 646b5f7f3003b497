// An attended transfer from the desk. The shared demo gateway has no
// outbound trunk, so this test starts its own with one pointing at sipp as
// the outside number (answers, echoes what it hears). A carrier call
// (sipp, 1 kHz) reaches Omid; he chooses "An outside number", types it and
// presses "Consult first" (refused while he records the call, then again
// once he stopped): the caller waits, and Omid hears his own 440 Hz
// come back from the outside number, not the caller. "Talk together" puts
// all three on the line (he hears the caller's 1 kHz again); "Transfer
// now" leaves the caller and the number talking, and his desk says the
// call was transferred.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';

import {
  TEST_TIMEOUT,
  beAvailable,
  dominantTone,
  openBrowser,
  screenshot,
  signIn,
  toneWav,
  waitConnected,
} from '../lib/browser.mjs';
import { ROOT, baseConfig, freePort, runGateway, workDir } from '../lib/gateway.mjs';
import { sippDir, startSipp, toneUlaw } from '../lib/sipp.mjs';

const DID = '+441234567890';
const OUTSIDE = '+15550100';

/** sipp answering one call on `port` and echoing its RTP, until the test ends. */
function outsideNumber(t, port, cwd) {
  const child = spawn(
    'sipp',
    ['-sn', 'uas', '-i', '127.0.0.1', '-p', String(port), '-mi', '127.0.0.1', '-mp', '0', '-rtp_echo', '-m', '1', '-nostdin'],
    { cwd, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  child.stdout.on('data', (d) => (log += d));
  child.stderr.on('data', (d) => (log += d));
  t.after(() => child.kill('SIGKILL'));
  return { log: () => log };
}

test('an agent consults an outside number, talks with all three, and transfers', { timeout: 3 * TEST_TIMEOUT }, async (t) => {
  const dir = await workDir(t, 'cc-e2e-consult-');
  const [port, sipPort, outsidePort] = [await freePort(), await freePort(), await freePort()];
  const sippFiles = await sippDir();
  const outside = outsideNumber(t, outsidePort, sippFiles);
  const config = `
[http]
listen = "127.0.0.1:${port}"
ui_dir = ${JSON.stringify(path.join(ROOT, 'dist'))}
${baseConfig(dir, sipPort)}
[[sip.trunks]]
name = "local"
addresses = ["127.0.0.1"]
[sip.trunks.outbound]
proxy = "127.0.0.1:${outsidePort}"
caller_id = "${DID}"
`;
  const base = `http://127.0.0.1:${port}`;
  const gw = await runGateway(t, dir, config, async () => (await fetch(`${base}/healthz`)).status === 200);

  const wav = await toneWav('tone-440.wav', 440, 60);
  const { page } = await openBrowser(t, {
    args: [`--use-file-for-fake-audio-capture=${wav}`, '--autoplay-policy=no-user-gesture-required'],
  });
  await signIn(page, 'agent', 'omid', 'demo-agent', base);
  await waitConnected(page);
  await beAvailable(page);

  await toneUlaw(sippFiles, 'tone.ul', 1000);
  startSipp(t, 'call_in_tone.xml', ['-s', DID, '-timeout', '120'], { cwd: sippFiles, target: `127.0.0.1:${sipPort}` });
  const ringing = page.getByTestId('call-ringing').first();
  await ringing.waitFor({ timeout: 20_000 });
  await ringing.getByTestId('call-answer').click();
  await page.locator('[data-testid="call-active"][data-state="talking"]').waitFor({ timeout: 20_000 });
  const caller = await dominantTone(page, '[data-testid="call-audio"]', 1000);
  assert.ok(Math.abs(caller.hz - 1000) < 15 && caller.db > -50, `the caller first: ${JSON.stringify(caller)}`);

  // The talk timer runs.
  await page.waitForFunction(() => document.querySelector('[data-testid="call-timer"]')?.innerText.trim() !== '00:00', null, {
    timeout: 5_000,
  });

  // A consultation the gateway refuses (the call is being recorded) says
  // why and leaves no consult panel behind.
  await page.getByTestId('call-record').click();
  await page.locator('[data-testid="call-recording"][data-state="recording"]').waitFor({ timeout: 10_000 });
  await page.getByTestId('call-transfer').click();
  await page.getByTestId('call-transfer-queue').selectOption('#number');
  await page.getByTestId('call-transfer-target').fill('+1 555 0100');
  await page.getByTestId('call-consult-start').click();
  await page.getByTestId('call-error').waitFor({ state: 'visible', timeout: 10_000 });
  await page.getByTestId('call-consult').waitFor({ state: 'detached', timeout: 10_000 });
  await page.getByTestId('call-record-stop').click();
  await page.locator('[data-testid="call-recording"][data-state="off"]').waitFor({ timeout: 10_000 });

  // Consult first.
  await page.getByTestId('call-transfer').click();
  await page.getByTestId('call-transfer-queue').selectOption('#number');
  await page.getByTestId('call-transfer-target').fill('+1 555 0100');
  await page.getByTestId('call-consult-start').click();
  const consult = page.getByTestId('call-consult');
  await page.locator('[data-testid="call-consult"][data-state="connected"]').waitFor({ timeout: 20_000 });
  assert.ok((await consult.innerText()).includes(OUTSIDE), 'the number consulted shows');
  await screenshot(page, '22-consulting');
  assert.equal(await page.getByTestId('call-hold').count(), 0, 'no hold while consulting');
  assert.equal(await page.getByTestId('call-transfer').count(), 0, 'nor a second transfer');
  const own = await dominantTone(page, '[data-testid="call-audio"]', 440);
  assert.ok(Math.abs(own.hz - 440) < 15 && own.db > -50, `alone with the number, his voice comes back from it: ${JSON.stringify(own)}`);

  // All three.
  await consult.getByTestId('call-consult-join').click();
  await page.locator('[data-testid="call-consult"][data-state="joined"]').waitFor({ timeout: 10_000 });
  const three = await dominantTone(page, '[data-testid="call-audio"]', 1000);
  assert.ok(Math.abs(three.hz - 1000) < 15 && three.db > -50, `the caller is back on the line: ${JSON.stringify(three)}`);
  await screenshot(page, '22-three-way');

  // He leaves them talking.
  await consult.getByTestId('call-consult-complete').click();
  await page.locator('[data-testid="call-ended"][data-reason="transferred"]').waitFor({ timeout: 15_000 }).catch((e) => {
    throw new Error(`${e.message}\n--- gateway:\n${gw.log().slice(-3000)}\n--- outside number:\n${outside.log().slice(-2000)}`);
  });
});
