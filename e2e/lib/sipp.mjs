// sipp as the carrier in browser tests: scenarios from gateway/tests/data/sipp, run against
// the gateway's SIP listener (CC_E2E_SIP, set by `cargo xtask test`).

import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Where the gateway under test takes SIP, e.g. 127.0.0.1:15060. */
export const SIP_TARGET = process.env.CC_E2E_SIP ?? '127.0.0.1:5060';

/** A folder for one test's sipp files, removed with the OS's temp files. */
export async function sippDir() {
  return mkdtemp(path.join(process.env.CC_E2E_TMP ?? os.tmpdir(), 'cc-e2e-sipp-'));
}

/** G.711 μ-law of one 16-bit sample (ITU-T G.711, with the usual bias). */
function ulaw(sample) {
  const BIAS = 0x84;
  const sign = sample < 0 ? 0x80 : 0;
  let s = Math.min(Math.abs(sample), 32635) + BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (s >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

/**
 * Writes raw μ-law at 8 kHz of a sine tone (what sipp's rtp_stream plays) to
 * `dir/name`; returns the path.
 */
export async function toneUlaw(dir, name, hz, seconds = 20) {
  const n = seconds * 8000;
  const buf = Buffer.alloc(n);
  for (let i = 0; i < n; i++) buf[i] = ulaw(Math.round(10000 * Math.sin((2 * Math.PI * hz * i) / 8000)));
  const file = path.join(dir, name);
  await writeFile(file, buf);
  return file;
}

/**
 * Starts sipp with a scenario from gateway/tests/data/sipp and extra arguments, in `cwd`,
 * against `target` (a gateway's SIP address; SIP_TARGET by default).
 * Returns `{ done }`: a promise of `{ code, log }` when sipp exits. sipp is
 * killed when the test `t` ends.
 */
export function startSipp(t, scenario, args, { cwd, target = SIP_TARGET }) {
  const child = spawn(
    'sipp',
    [
      target,
      '-sf',
      path.join(here, '..', '..', 'gateway', 'tests', 'data', 'sipp', scenario),
      '-i',
      '127.0.0.1',
      '-p',
      '0',
      '-mi',
      '127.0.0.1',
      '-mp',
      '0',
      '-m',
      '1',
      '-timeout',
      '60',
      '-timeout_error',
      '-nostdin',
      ...args,
    ],
    { cwd, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  child.stdout.on('data', (d) => (log += d));
  child.stderr.on('data', (d) => (log += d));
  const done = new Promise((resolve) => child.on('exit', (code) => resolve({ code, log })));
  t.after(() => child.kill('SIGKILL'));
  return { done };
}
