// Outbound campaigns in browser tests: a gateway of the test's own with an
// outbound trunk to sipp as the carrier, which answers each call by the
// number's last digit (gateway/tests/data/sipp/campaign_contacts.xml: 1 a
// person saying "hello", 2 an answering machine's long greeting, 3 busy,
// 4 never answering), and API clients for it.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';

import { ROOT, baseConfig, freePort, runGateway, workDir } from './gateway.mjs';
import { sippDir } from './sipp.mjs';

export const CALLER_ID = '+441234567890';

/** G.711 μ-law of one 16-bit sample. */
function ulaw(sample) {
  const BIAS = 0x84;
  const sign = sample < 0 ? 0x80 : 0;
  const s = Math.min(Math.abs(sample), 32635) + BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (s >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

/** μ-law of `parts`, [speech?, ms] pairs; speech is a 140 Hz voice with a 5 Hz swell. */
function sound(parts) {
  const out = [];
  let i = 0;
  for (const [speech, ms] of parts) {
    for (let k = 0; k < ms * 8; k++, i++) {
      const t = i / 8000;
      const voice = [[140, 1], [280, 0.5], [420, 0.3], [700, 0.2]].reduce((a, [f, g]) => a + g * Math.sin(2 * Math.PI * f * t), 0);
      out.push(speech ? ulaw(Math.round(voice * (0.65 + 0.35 * Math.sin(2 * Math.PI * 5 * t)) * 5000)) : 0xff);
    }
  }
  return Buffer.from(out);
}

/** An API client of `username` for the gateway at `base`: `await api(method, path, body, type)` gives `{ status, json }`. */
export async function client(base, username, password, app = 'supervisor') {
  const r = await fetch(`${base}/api/v1/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password, app }),
  });
  assert.equal(r.status, 201, `${username} signs in`);
  const cookie = r.headers.get('set-cookie').split(';')[0];
  return async (method, p, body, type = 'application/json') => {
    const res = await fetch(`${base}${p}`, {
      method,
      headers: { cookie, 'content-type': type },
      body: body === undefined ? undefined : type === 'application/json' ? JSON.stringify(body) : body,
    });
    const text = await res.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = text;
    }
    return { status: res.status, json };
  };
}

/**
 * The carrier (sipp, until the test `t` ends) and a gateway whose outbound
 * trunk reaches it; returns `{ base }` once the gateway is up.
 */
export async function campaignGateway(t) {
  const dir = await workDir(t, 'cc-e2e-campaign-');
  const [port, sipPort, carrierPort] = [await freePort(), await freePort(), await freePort()];
  const files = await sippDir();
  await writeFile(path.join(files, 'hello.ul'), sound([[false, 300], [true, 500], [false, 4000]]));
  await writeFile(path.join(files, 'greeting.ul'), sound([[true, 4000], [false, 2000]]));
  const carrier = spawn(
    'sipp',
    ['-sf', path.join(ROOT, 'gateway', 'tests', 'data', 'sipp', 'campaign_contacts.xml'),
      '-i', '127.0.0.1', '-p', String(carrierPort), '-mi', '127.0.0.1', '-mp', '0', '-nostdin', '-timeout', '170'],
    { cwd: files, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  t.after(() => carrier.kill('SIGKILL'));
  const config = `
[http]
listen = "127.0.0.1:${port}"
ui_dir = ${JSON.stringify(path.join(ROOT, 'dist'))}
${baseConfig(dir, sipPort)}
[[sip.trunks]]
name = "local"
addresses = ["127.0.0.1"]
[sip.trunks.outbound]
proxy = "127.0.0.1:${carrierPort}"
caller_id = "${CALLER_ID}"
`;
  const base = `http://127.0.0.1:${port}`;
  await runGateway(t, dir, config, async () => (await fetch(`${base}/healthz`)).status === 200);
  return { base };
}
