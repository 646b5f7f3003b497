// A gateway of a test's own, for the tests whose gateway must differ from
// the shared one (TLS, TURN): the binary `cargo xtask test` names
// (CC_E2E_GATEWAY; else target/debug/gateway) with `serve --demo`, on free
// loopback ports, a fresh SQLite database and a config the test writes.

import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The repository's root. */
export const ROOT = path.resolve(here, '..', '..');
/** The gateway binary. */
export const GATEWAY =
  process.env.CC_E2E_GATEWAY ?? path.join(process.env.CARGO_TARGET_DIR ?? path.join(ROOT, 'target'), 'debug', 'gateway');

/** How long a gateway gets to stop after SIGTERM before it is killed (and the test fails). */
const STOP_MS = 40_000;

/** A loopback TCP port free a moment ago. */
export async function freePort() {
  const srv = net.createServer();
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address();
  await new Promise((r) => srv.close(r));
  return port;
}

/** The environment without the outer gateway's settings (nothing of its config leaks in). */
export function cleanEnv() {
  return Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('CC_') && k !== 'DATABASE_URL' && k !== 'RUST_LOG'),
  );
}

/** A fresh working folder, removed when the test `t` ends. */
export async function workDir(t, prefix) {
  const dir = await mkdtemp(path.join(process.env.CC_E2E_TMP ?? os.tmpdir(), prefix));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * The config sections every own gateway shares: the database in `dir`, SIP
 * on `sipPort`, WebRTC on a free port, media folders in `dir`. The test
 * adds its `[http]` section (and any others) around it.
 */
export function baseConfig(dir, sipPort) {
  return `
[database]
url = ${JSON.stringify(`sqlite://${path.join(dir, 'cc.db')}`)}
[sip]
listen_udp = "127.0.0.1:${sipPort}"
listen_tcp = "127.0.0.1:${sipPort}"
[webrtc]
listen = "127.0.0.1:0"
[media]
recordings_dir = ${JSON.stringify(path.join(dir, 'recordings'))}
voicemail_dir = ${JSON.stringify(path.join(dir, 'voicemail'))}
prompts_dir = ${JSON.stringify(path.join(ROOT, 'assets', 'prompts'))}
prompts_override_dir = ${JSON.stringify(path.join(dir, 'prompts'))}
`;
}

/**
 * Writes `config` into `dir`, runs the gateway on it until the test `t`
 * ends (SIGTERM, then waits for it), and resolves once `healthy()` says so
 * (30 s at most); returns `{ log }`, the gateway's output so far.
 */
export async function runGateway(t, dir, config, healthy) {
  const configPath = path.join(dir, 'gateway.toml');
  await writeFile(configPath, config);
  let log = '';
  const child = spawn(GATEWAY, ['--config', configPath, 'serve', '--demo'], {
    cwd: dir,
    env: { ...cleanEnv(), RUST_LOG: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d) => (log += d));
  child.stderr.on('data', (d) => (log += d));
  let exited = null;
  child.on('exit', (code) => (exited = code));
  t.after(async () => {
    if (exited !== null) return;
    child.kill('SIGTERM');
    // The gateway bounds its own shutdown (10 s to drain, then call control
    // and the database); past that it is a bug, reported, not waited out.
    const stopped = await new Promise((r) => {
      const killer = setTimeout(() => r(false), STOP_MS);
      child.on('exit', () => {
        clearTimeout(killer);
        r(true);
      });
    });
    if (!stopped) {
      child.kill('SIGKILL');
      throw new Error(`the gateway did not stop within ${STOP_MS} ms of SIGTERM:\n${log.slice(-4000)}`);
    }
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited !== null) throw new Error(`the gateway exited with ${exited}:\n${log}`);
    try {
      if (await healthy()) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`the gateway did not become healthy:\n${log}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { log: () => log };
}
