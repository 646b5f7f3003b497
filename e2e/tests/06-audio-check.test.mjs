// The audio check: the browser's microphone goes to the gateway over WebRTC
// (ICE-lite, DTLS-SRTP, PCMU) and comes back. A 440 Hz tone played by the
// fake microphone must be heard on the returned track; a malformed offer gets
// a clear error and the connection stays usable.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { TEST_TIMEOUT, openBrowser, signIn, toneWav, waitConnected } from '../lib/browser.mjs';

test('audio crosses browser → gateway → browser', { timeout: TEST_TIMEOUT }, async (t) => {
  const wav = await toneWav('tone-440.wav', 440);
  const { page } = await openBrowser(t, {
    args: [`--use-file-for-fake-audio-capture=${wav}`, '--autoplay-policy=no-user-gesture-required'],
  });
  await signIn(page, 'agent', 'elif', 'demo-agent');
  await waitConnected(page);

  const result = await page.evaluate(async () => {
    const ws = new WebSocket(`${location.origin.replace(/^http/, 'ws')}/api/v1/ws`);
    const inbox = [];
    let wake = () => {};
    ws.onmessage = (e) => {
      inbox.push(JSON.parse(e.data));
      wake();
    };
    const next = async (type, ms = 10000) => {
      const until = Date.now() + ms;
      for (;;) {
        const i = inbox.findIndex((m) => m.type === type || m.type === 'error');
        if (i >= 0) return inbox.splice(i, 1)[0];
        if (Date.now() > until) throw new Error(`no ${type}`);
        await new Promise((r) => {
          wake = r;
          setTimeout(r, 100);
        });
      }
    };
    await next('welcome');

    // Bad input first: a clear error, and the socket stays open.
    ws.send(JSON.stringify({ type: 'echo_test_offer', sdp: 'this is not SDP' }));
    const refused = await next('echo_test_answer');

    const mic = await navigator.mediaDevices.getUserMedia({ audio: true });
    const pc = new RTCPeerConnection();
    mic.getTracks().forEach((track) => pc.addTrack(track, mic));
    const remote = new Promise((res) => {
      pc.ontrack = (e) => res(e.streams[0] ?? new MediaStream([e.track]));
    });
    await pc.setLocalDescription(await pc.createOffer());
    await new Promise((res) => {
      if (pc.iceGatheringState === 'complete') return res();
      pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && res();
      setTimeout(res, 3000);
    });
    ws.send(JSON.stringify({ type: 'echo_test_offer', sdp: pc.localDescription.sdp }));
    const answer = await next('echo_test_answer');
    if (answer.type === 'error') return { refused, error: answer };
    await pc.setRemoteDescription({ type: 'answer', sdp: answer.sdp });

    const stream = await remote;
    // Chromium feeds a remote track to WebAudio only while a media element plays it.
    const el = new Audio();
    el.srcObject = stream;
    el.muted = true;
    await el.play().catch(() => {});
    const ctx = new AudioContext();
    await ctx.resume();
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 8192;
    ctx.createMediaStreamSource(stream).connect(analyser);
    const bins = new Float32Array(analyser.frequencyBinCount);
    const hzPerBin = ctx.sampleRate / analyser.fftSize;
    let best = { hz: 0, db: -Infinity };
    const until = Date.now() + 15000;
    while (Date.now() < until) {
      await new Promise((r) => setTimeout(r, 200));
      analyser.getFloatFrequencyData(bins);
      let i = 1;
      for (let j = 1; j < bins.length; j++) if (bins[j] > bins[i]) i = j;
      best = { hz: i * hzPerBin, db: bins[i] };
      if (best.db > -50 && Math.abs(best.hz - 440) < 15) break;
    }
    let codec = null;
    (await pc.getStats()).forEach((s) => {
      if (s.type === 'codec' && s.mimeType) codec = codec ?? s.mimeType;
    });
    const state = pc.connectionState;
    pc.close();
    ws.close();
    return { refused, best, codec, state };
  });

  assert.equal(result.error, undefined, JSON.stringify(result.error));
  assert.equal(result.refused.type, 'error');
  assert.equal(result.refused.code, 'bad_sdp');
  assert.equal(result.state, 'connected');
  assert.match(result.codec ?? '', /PCM[UA]/i, 'the browser leg speaks G.711');
  assert.ok(Math.abs(result.best.hz - 440) < 15, `heard ${result.best.hz.toFixed(1)} Hz at ${result.best.db.toFixed(1)} dB`);
  assert.ok(result.best.db > -50, `the tone is loud enough: ${result.best.db.toFixed(1)} dB`);
});
