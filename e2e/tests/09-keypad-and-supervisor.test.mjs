// A call under supervision, in two browsers: the agent (fake microphone
// 440 Hz) takes a carrier call that echoes its audio (sipp -rtp_echo), so
// whatever reaches the caller comes back to everyone who hears the caller.
// - Keys pressed on the agent's keypad leave as RFC 4733 events, come back
//   through the echo, and show as the caller's keys.
// - The supervisor (fake microphone 1500 Hz) sees the call live and listens:
//   she hears the call, the agent does not hear her. Whispering: the agent
//   hears her, the caller does not (so the echo does not bring her back).
//   Barging in: the caller hears her too (the echo brings her back). The
//   agent's desk says when a supervisor speaks to them (whisper, barge), and
//   not when one only listens.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { TEST_TIMEOUT, beAvailable, openBrowser, screenshot, signIn, toneLevels, toneWav, waitConnected } from '../lib/browser.mjs';
import { sippDir, startSipp } from '../lib/sipp.mjs';

const AGENT_HZ = 440;
const SUPERVISOR_HZ = 1500;
/** Levels (dB) above this count as heard; the analyser's floor is far lower. */
const HEARD = -70;


test('keypad keys reach the carrier, and a supervisor listens, whispers and barges in', { timeout: 3 * TEST_TIMEOUT }, async (t) => {
  const agentMic = await toneWav('tone-agent-440.wav', AGENT_HZ, 90);
  const supervisorMic = await toneWav('tone-supervisor-1500.wav', SUPERVISOR_HZ, 90);
  const fake = (wav) => [`--use-file-for-fake-audio-capture=${wav}`, '--autoplay-policy=no-user-gesture-required'];
  const { page: agent } = await openBrowser(t, { args: fake(agentMic) });
  const { page: boss } = await openBrowser(t, { args: fake(supervisorMic) });
  await signIn(agent, 'agent', 'karim', 'demo-agent');
  await waitConnected(agent);
  await beAvailable(agent);
  await signIn(boss, 'supervisor', 'sara', 'demo-supervisor');
  await waitConnected(boss);

  const carrier = startSipp(t, 'call_in_silent.xml', ['-s', '+441234567890', '-rtp_echo'], { cwd: await sippDir() });
  const ringing = agent.getByTestId('call-ringing').first();
  await ringing.waitFor({ timeout: 20_000 });
  await ringing.getByTestId('call-answer').click();
  await agent.locator('[data-testid="call-active"][data-state="talking"]').waitFor({ timeout: 20_000 });

  // Keys: out as RFC 4733, echoed back, read by the gateway.
  for (const key of ['4', '2', '#']) {
    await agent.locator(`[data-testid="call-key"][data-key="${key}"]`).click();
  }
  await agent.waitForFunction(
    () => document.querySelector('[data-testid="call-digits-heard"]')?.textContent.includes('42#'),
    null,
    { timeout: 10_000 },
  );
  assert.match(await agent.getByTestId('call-keys-sent').innerText(), /42#/);

  // The supervisor sees the call and listens.
  const row = boss.locator('[data-testid="live-call"][data-state="talking"]').first();
  await row.waitFor({ timeout: 10_000 });
  await boss.getByTestId('supervise-listen').first().click();
  await boss.locator('[data-testid="supervise-panel"][data-mode="listen"]').waitFor({ timeout: 10_000 });
  const [bossHears, agentHears] = await Promise.all([
    toneLevels(boss, '[data-testid="supervise-audio"]', [AGENT_HZ, SUPERVISOR_HZ], 4000),
    toneLevels(agent, '[data-testid="call-audio"]', [AGENT_HZ, SUPERVISOR_HZ], 4000),
  ]);
  assert.ok(bossHears[AGENT_HZ] > HEARD, `listening, she hears the call: ${JSON.stringify(bossHears)}`);
  assert.ok(bossHears[SUPERVISOR_HZ] < HEARD, `listening, nobody hears her: ${JSON.stringify(bossHears)}`);
  assert.ok(agentHears[SUPERVISOR_HZ] < HEARD, `listening, the agent does not hear her: ${JSON.stringify(agentHears)}`);
  assert.equal(await agent.getByTestId('call-coaching').count(), 0, 'silent listening is not shown to the agent');
  await screenshot(boss, '09-supervisor-listening');

  await boss.getByTestId('supervise-whisper').first().click();
  await boss.locator('[data-testid="supervise-panel"][data-mode="whisper"]').waitFor();
  const [bossWhisper, agentWhisper] = await Promise.all([
    toneLevels(boss, '[data-testid="supervise-audio"]', [AGENT_HZ, SUPERVISOR_HZ], 4000),
    toneLevels(agent, '[data-testid="call-audio"]', [AGENT_HZ, SUPERVISOR_HZ], 4000),
  ]);
  assert.ok(agentWhisper[SUPERVISOR_HZ] > HEARD, `the agent hears the whisper: ${JSON.stringify(agentWhisper)}`);
  // The agent's desk says a supervisor is speaking to them.
  await agent.locator('[data-testid="call-coaching"][data-mode="whisper"]').waitFor({ timeout: 5_000 });
  await screenshot(agent, '09-agent-coached');
  assert.ok(bossWhisper[SUPERVISOR_HZ] < HEARD, `the caller does not (no echo of it): ${JSON.stringify(bossWhisper)}`);

  await boss.getByTestId('supervise-barge').first().click();
  await boss.locator('[data-testid="supervise-panel"][data-mode="barge"]').waitFor();
  const bossBarge = await toneLevels(boss, '[data-testid="supervise-audio"]', [AGENT_HZ, SUPERVISOR_HZ], 4000);
  assert.ok(bossBarge[SUPERVISOR_HZ] > HEARD, `the caller hears her barge in (the echo brings it back): ${JSON.stringify(bossBarge)}`);
  await agent.locator('[data-testid="call-coaching"][data-mode="barge"]').waitFor({ timeout: 5_000 });

  await boss.getByTestId('supervise-leave').first().click();
  await agent.getByTestId('call-coaching').waitFor({ state: 'detached', timeout: 5_000 });
  await agent.getByTestId('call-hangup').click();
  await agent.locator('[data-testid="call-ended"][data-reason="local_hang_up"]').waitFor();
  const r = await carrier.done;
  assert.equal(r.code, 0, `sipp got the BYE:\n${r.log}`);
});
