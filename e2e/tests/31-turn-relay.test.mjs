// TURN: browsers that can reach the gateway only through a relay. coturn
// (Debian `coturn`) runs on loopback with the TURN REST API shared secret
// (`use-auth-secret`); a gateway of this test's own hands the browser a
// TURN server with credentials made for its session (webrtc.ice_servers
// with `secret`, see gateway/src/http/ice.rs) and, with
// `webrtc.ice_transport_policy = "relay"`, tells the desk to use relayed
// candidates only: every RTCPeerConnection the app creates has
// `iceTransportPolicy: "relay"` (an init script only watches them), so the
// browser gathers relay candidates only. A carrier call (sipp) then has sound both
// ways through coturn: the carrier's 1 kHz reaches the agent, and her own
// 440 Hz comes back through the carrier's echo; getStats() shows the
// selected candidate pair's local candidate is coturn's relay. Last, coturn
// grants an allocation for the gateway's credentials and refuses one whose
// expiry has passed (and one signed with another secret).
//
// Like 30-https-wss, this starts its own gateway (CC_E2E_GATEWAY, set by
// `cargo xtask test`; else target/debug/gateway) on free loopback ports
// with a fresh SQLite database.

import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';

import { TEST_TIMEOUT, beAvailable, dominantTone, openBrowser, screenshot, toneWav, waitConnected } from '../lib/browser.mjs';
import { ROOT, baseConfig, freePort, runGateway, workDir } from '../lib/gateway.mjs';
import { sippDir, startSipp, toneUlaw } from '../lib/sipp.mjs';
import { startCoturn, turnAllocate, turnCredentials } from '../lib/turn.mjs';

const DID = '+441234567890';
const SECRET = 'e2e-turn-shared-secret';
const TTL_SECS = 600;

/** Starts a plain-HTTP gateway whose browsers get `turnUrl` with the shared secret; resolves `{ base, sip }`. */
async function startGateway(t, turnUrl) {
  const dir = await workDir(t, 'cc-e2e-turn-');
  const [port, sipPort] = [await freePort(), await freePort()];
  const config = `
[http]
listen = "127.0.0.1:${port}"
ui_dir = ${JSON.stringify(path.join(ROOT, 'dist'))}
${baseConfig(dir, sipPort).replace('[webrtc]\n', '[webrtc]\nice_transport_policy = "relay"\n')}
[[webrtc.ice_servers]]
urls = [${JSON.stringify(turnUrl)}]
secret = ${JSON.stringify(SECRET)}
ttl_secs = ${TTL_SECS}
`;
  const base = `http://127.0.0.1:${port}`;
  const { log } = await runGateway(t, dir, config, async () => (await fetch(`${base}/healthz`)).status === 200);
  return { base, sip: `127.0.0.1:${sipPort}`, log };
}

// Runs before the app: every RTCPeerConnection it makes, and the
// configurations it passes, are kept for the test to read.
function watchPeers() {
  const Native = window.RTCPeerConnection;
  window.__ccPeers = [];
  window.__ccIceConfigs = [];
  class Watched extends Native {
    constructor(config, ...rest) {
      window.__ccIceConfigs.push(JSON.parse(JSON.stringify(config ?? {})));
      super(config, ...rest);
      window.__ccPeers.push(this);
    }
  }
  window.RTCPeerConnection = Watched;
}

/** The newest peer connection's ICE as getStats() tells it: the selected pair and every local candidate type. */
async function selectedPair(page) {
  return page.evaluate(async () => {
    const pc = window.__ccPeers.filter((p) => p.connectionState !== 'closed').at(-1);
    if (!pc) return { error: 'no open peer connection' };
    const stats = await pc.getStats();
    let pair = null;
    stats.forEach((s) => {
      if (s.type === 'transport' && s.selectedCandidatePairId) pair = stats.get(s.selectedCandidatePairId);
    });
    if (!pair) {
      stats.forEach((s) => {
        if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded') pair = s;
      });
    }
    const localTypes = [];
    stats.forEach((s) => {
      if (s.type === 'local-candidate') localTypes.push(s.candidateType);
    });
    if (!pair) return { error: 'no selected candidate pair', localTypes };
    const pick = (c) => c && { type: c.candidateType, address: c.address, port: c.port, url: c.url, relayProtocol: c.relayProtocol };
    return {
      local: pick(stats.get(pair.localCandidateId)),
      remote: pick(stats.get(pair.remoteCandidateId)),
      bytesSent: pair.bytesSent,
      bytesReceived: pair.bytesReceived,
      localTypes,
      policy: pc.getConfiguration().iceTransportPolicy,
    };
  });
}

async function answerRinging(page) {
  const ringing = page.getByTestId('call-ringing').first();
  await ringing.waitFor({ timeout: 20_000 });
  await ringing.getByTestId('call-answer').click();
  await page.locator('[data-testid="call-active"][data-state="talking"]').waitFor({ timeout: 20_000 });
}

function assertRelayed(ice, turn, what) {
  assert.equal(ice.error, undefined, `${what}: ${JSON.stringify(ice)}`);
  assert.equal(ice.policy, 'relay', `${what}: the connection is relay-only`);
  assert.ok(ice.localTypes.length > 0 && ice.localTypes.every((c) => c === 'relay'), `${what}: only relay candidates: ${ice.localTypes}`);
  assert.equal(ice.local.type, 'relay', `${what}: the selected local candidate is a relay: ${JSON.stringify(ice)}`);
  assert.equal(ice.local.address, turn.host, `${what}: relayed by coturn: ${JSON.stringify(ice)}`);
  assert.ok(ice.local.url?.includes(`${turn.host}:${turn.port}`), `${what}: through our TURN server: ${JSON.stringify(ice)}`);
  assert.ok(ice.bytesSent > 0 && ice.bytesReceived > 0, `${what}: media both ways on the pair: ${JSON.stringify(ice)}`);
}

test('a browser forced to relay only has sound both ways through TURN; an expired credential is refused', { timeout: 3 * TEST_TIMEOUT }, async (t) => {
  const turn = await startCoturn(t, { secret: SECRET });
  const turnUrl = `turn:${turn.host}:${turn.port}?transport=udp`;
  const gw = await startGateway(t, turnUrl);

  const wav = await toneWav('tone-440-turn.wav', 440, 60);
  const { page } = await openBrowser(t, {
    args: [`--use-file-for-fake-audio-capture=${wav}`, '--autoplay-policy=no-user-gesture-required'],
  });
  await page.addInitScript(watchPeers);
  const welcomes = [];
  page.on('websocket', (ws) =>
    ws.on('framereceived', ({ payload }) => {
      if (typeof payload !== 'string' || !payload.includes('"welcome"')) return;
      const msg = JSON.parse(payload);
      if (msg.type === 'welcome') welcomes.push(msg);
    }),
  );

  await page.goto(`${gw.base}/agent/`);
  await page.getByTestId('login-username').fill('omid');
  await page.getByTestId('login-password').fill('demo-agent');
  await page.getByTestId('login-submit').click();
  await waitConnected(page);
  await beAvailable(page);

  // The welcome carries the TURN server with credentials of this session:
  // `<expiry>:<user id>`, expiring in ttl_secs; no shared secret.
  const welcome = welcomes.at(-1);
  assert.ok(welcome, 'the desk got its welcome');
  assert.ok(!JSON.stringify(welcome).includes(SECRET), 'the shared secret never reaches the browser');
  assert.equal(welcome.ice_transport_policy, 'relay', 'the welcome says relay only');
  const [server] = welcome.ice_servers ?? [];
  assert.deepEqual(server?.urls, [turnUrl], `the welcome names our TURN server: ${JSON.stringify(welcome)}`);
  const [expiry, user] = server.username.split(':');
  const inSecs = Number(expiry) - Date.now() / 1000;
  assert.ok(Math.abs(inSecs - TTL_SECS) < 60, `the credential expires in ttl_secs: ${server.username} (${inSecs} s)`);
  assert.match(user, /^\d+$/, 'the user part is the user id');
  assert.equal(server.credential, turnCredentials(SECRET, user, expiry).credential, 'password = base64(HMAC-SHA1(secret, username))');

  const dir = await sippDir();
  await toneUlaw(dir, 'tone.ul', 1000);

  // 1. Carrier → browser through the relay; the agent hangs up.
  const first = startSipp(t, 'call_in_tone.xml', ['-s', DID], { cwd: dir, target: gw.sip });
  await answerRinging(page);
  const configs = await page.evaluate(() => window.__ccIceConfigs);
  assert.ok(
    configs.length > 0 && configs.at(-1).iceServers?.some((s) => JSON.stringify(s.urls).includes(turnUrl) && s.username === server.username),
    `the softphone passes the welcome's TURN server to its peer connection: ${JSON.stringify(configs)}`,
  );
  const heard = await dominantTone(page, '[data-testid="call-audio"]', 1000);
  assert.ok(Math.abs(heard.hz - 1000) < 15 && heard.db > -50, `the agent hears the carrier's 1 kHz: ${JSON.stringify(heard)}`);
  assertRelayed(await selectedPair(page), turn, 'first call');
  await screenshot(page, '31-turn-agent-talking');
  await page.getByTestId('call-hangup').click();
  await page.locator('[data-testid="call-ended"][data-reason="local_hang_up"]').waitFor();
  const r1 = await first.done;
  assert.equal(r1.code, 0, `sipp got the BYE and the call passed:\n${r1.log}`);

  // 2. Browser → relay → gateway → carrier's echo → back: her own 440 Hz.
  const second = startSipp(t, 'call_in_echo_bye.xml', ['-s', DID, '-rtp_echo'], { cwd: dir, target: gw.sip });
  await answerRinging(page);
  const echoed = await dominantTone(page, '[data-testid="call-audio"]', 440);
  assert.ok(Math.abs(echoed.hz - 440) < 15 && echoed.db > -50, `her own 440 Hz came back through the relay and the carrier: ${JSON.stringify(echoed)}`);
  assertRelayed(await selectedPair(page), turn, 'second call');
  await page.locator('[data-testid="call-ended"][data-reason="remote_hang_up"]').waitFor({ timeout: 30_000 });
  const r2 = await second.done;
  assert.equal(r2.code, 0, `sipp's call passed:\n${r2.log}`);

  // 3. coturn's side of the credentials: the gateway's are granted an
  // allocation; the same user with an expiry in the past, or signed with
  // another secret, gets 401.
  const granted = await turnAllocate(turn.host, turn.port, { username: server.username, credential: server.credential });
  assert.ok(granted.ok && granted.relayed?.startsWith(`${turn.host}:`), `the gateway's credential gets a relay: ${JSON.stringify(granted)}`);
  assert.equal(granted.challenge.realm, turn.realm);
  const expired = await turnAllocate(turn.host, turn.port, turnCredentials(SECRET, user, Math.floor(Date.now() / 1000) - 60));
  assert.equal(expired.ok, false, 'an expired credential gets no relay');
  assert.equal(expired.error?.code, 401, `an expired credential is refused with 401: ${JSON.stringify(expired.error)}`);
  const forged = await turnAllocate(turn.host, turn.port, turnCredentials('not-the-secret', user, Number(expiry)));
  assert.equal(forged.error?.code, 401, `a credential signed with another secret is refused: ${JSON.stringify(forged.error)}`);
});
