// coturn (Debian `coturn`) as the TURN relay in browser tests, and a small
// STUN/TURN client (RFC 5389 messages, RFC 5766 Allocate with the long-term
// credential) to ask it for an allocation directly.
//
// TURN REST API credentials (what coturn's `use-auth-secret` checks and
// the gateway hands out, see gateway/src/http/ice.rs): the username is
// `<expiry unix seconds>:<user>`, the password base64(HMAC-SHA1(secret,
// username)).

import { spawn } from 'node:child_process';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const MAGIC = 0x2112a442;
const ATTR = {
  USERNAME: 0x0006,
  MESSAGE_INTEGRITY: 0x0008,
  ERROR_CODE: 0x0009,
  LIFETIME: 0x000d,
  REALM: 0x0014,
  NONCE: 0x0015,
  XOR_RELAYED_ADDRESS: 0x0016,
  REQUESTED_TRANSPORT: 0x0019,
  XOR_MAPPED_ADDRESS: 0x0020,
};
const BINDING = 0x0001;
const ALLOCATE = 0x0003;
const REFRESH = 0x0004;

/** TURN REST API credentials for `user`, expiring at `expiry` (Unix seconds). */
export function turnCredentials(secret, user, expiry) {
  const username = `${expiry}:${user}`;
  const credential = createHmac('sha1', secret).update(username).digest('base64');
  return { username, credential };
}

function attr(type, value) {
  const pad = (4 - (value.length % 4)) % 4;
  const head = Buffer.alloc(4);
  head.writeUInt16BE(type, 0);
  head.writeUInt16BE(value.length, 2);
  return Buffer.concat([head, value, Buffer.alloc(pad)]);
}

/**
 * A STUN request of `method` with `attrs` (`[type, Buffer]`); with `key`,
 * a MESSAGE-INTEGRITY (HMAC-SHA1 over the message, its length counting the
 * integrity attribute) is appended.
 */
function request(method, attrs, key) {
  const id = randomBytes(12);
  let body = Buffer.concat(attrs.map(([t, v]) => attr(t, v)));
  const header = (len) => {
    const h = Buffer.alloc(20);
    h.writeUInt16BE(method, 0);
    h.writeUInt16BE(len, 2);
    h.writeUInt32BE(MAGIC, 4);
    id.copy(h, 8);
    return h;
  };
  if (key) {
    const mac = createHmac('sha1', key).update(Buffer.concat([header(body.length + 24), body])).digest();
    body = Buffer.concat([body, attr(ATTR.MESSAGE_INTEGRITY, mac)]);
  }
  return { id, bytes: Buffer.concat([header(body.length), body]) };
}

function xorAddress(v) {
  const port = v.readUInt16BE(2) ^ (MAGIC >>> 16);
  const ip = [0, 1, 2, 3].map((i) => v[4 + i] ^ ((MAGIC >>> (24 - 8 * i)) & 0xff)).join('.');
  return `${ip}:${port}`;
}

/** Parses a STUN response: `{ type, cls, id, error, realm, nonce, relayed, mapped, lifetime }`. */
export function parse(buf) {
  if (buf.length < 20 || buf.readUInt32BE(4) !== MAGIC) throw new Error('not a STUN message');
  const type = buf.readUInt16BE(0);
  const out = { type, cls: ((type >> 7) & 2) | ((type >> 4) & 1), id: buf.subarray(8, 20) };
  const end = Math.min(buf.length, 20 + buf.readUInt16BE(2));
  for (let at = 20; at + 4 <= end; ) {
    const t = buf.readUInt16BE(at);
    const len = buf.readUInt16BE(at + 2);
    const v = buf.subarray(at + 4, at + 4 + len);
    if (t === ATTR.ERROR_CODE) out.error = { code: (v[2] & 7) * 100 + v[3], reason: v.subarray(4).toString() };
    if (t === ATTR.REALM) out.realm = v.toString();
    if (t === ATTR.NONCE) out.nonce = v.toString();
    if (t === ATTR.XOR_RELAYED_ADDRESS) out.relayed = xorAddress(v);
    if (t === ATTR.XOR_MAPPED_ADDRESS) out.mapped = xorAddress(v);
    if (t === ATTR.LIFETIME) out.lifetime = v.readUInt32BE(0);
    at += 4 + len + ((4 - (len % 4)) % 4);
  }
  return out;
}

/** A UDP STUN client to `host:port`: `ask(bytes, id)` resolves the matching response (retransmits, 3 s at most). */
async function client(host, port) {
  const sock = dgram.createSocket('udp4');
  await new Promise((r) => sock.bind(0, '127.0.0.1', r));
  const waiting = new Map();
  sock.on('message', (m) => {
    try {
      const res = parse(m);
      const key = res.id.toString('hex');
      waiting.get(key)?.(res);
      waiting.delete(key);
    } catch {
      // not STUN: ignore
    }
  });
  return {
    ask({ id, bytes }) {
      return new Promise((resolve, reject) => {
        const key = id.toString('hex');
        let tries = 0;
        const send = () => {
          if (!waiting.has(key)) return;
          if (tries++ === 6) {
            waiting.delete(key);
            reject(new Error(`no STUN answer from ${host}:${port}`));
            return;
          }
          sock.send(bytes, port, host);
          setTimeout(send, 500);
        };
        waiting.set(key, (res) => resolve(res));
        send();
      });
    },
    close: () => sock.close(),
  };
}

/** A STUN Binding request; resolves the mapped address (coturn is up). */
export async function stunBinding(host, port) {
  const c = await client(host, port);
  try {
    const res = await c.ask(request(BINDING, []));
    if (res.cls !== 2) throw new Error(`Binding answered ${JSON.stringify(res)}`);
    return res.mapped;
  } finally {
    c.close();
  }
}

/**
 * A TURN Allocate (UDP relay) with the long-term credential, as a browser
 * does it: the first request without credentials gets 401 with the realm
 * and a nonce, the second carries USERNAME, REALM, NONCE and
 * MESSAGE-INTEGRITY (key MD5(username:realm:password)); a stale nonce is
 * retried once. Resolves `{ ok, relayed, error, challenge }`; a granted
 * allocation is released at once (Refresh with lifetime 0).
 */
export async function turnAllocate(host, port, { username, credential }) {
  const c = await client(host, port);
  const udp = [ATTR.REQUESTED_TRANSPORT, Buffer.from([17, 0, 0, 0])];
  try {
    let challenge = await c.ask(request(ALLOCATE, [udp]));
    if (challenge.error?.code !== 401 || !challenge.realm || !challenge.nonce) {
      throw new Error(`an Allocate without credentials should get 401 with realm and nonce: ${JSON.stringify(challenge)}`);
    }
    const key = createHash('md5').update(`${username}:${challenge.realm}:${credential}`).digest();
    for (let attempt = 0; attempt < 2; attempt++) {
      const res = await c.ask(
        request(
          ALLOCATE,
          [
            udp,
            [ATTR.USERNAME, Buffer.from(username)],
            [ATTR.REALM, Buffer.from(challenge.realm)],
            [ATTR.NONCE, Buffer.from(challenge.nonce)],
          ],
          key,
        ),
      );
      if (res.error?.code === 438 && res.nonce && attempt === 0) {
        challenge = { ...challenge, nonce: res.nonce };
        continue;
      }
      if (res.cls === 2) {
        const release = [
          [ATTR.LIFETIME, Buffer.from([0, 0, 0, 0])],
          [ATTR.USERNAME, Buffer.from(username)],
          [ATTR.REALM, Buffer.from(challenge.realm)],
          [ATTR.NONCE, Buffer.from(res.nonce ?? challenge.nonce)],
        ];
        await c.ask(request(REFRESH, release, key)).catch(() => {});
      }
      return { ok: res.cls === 2, relayed: res.relayed, error: res.error, challenge };
    }
    throw new Error('coturn kept calling the nonce stale');
  } finally {
    c.close();
  }
}

async function freePort() {
  const srv = net.createServer();
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address();
  await new Promise((r) => srv.close(r));
  return port;
}

/**
 * Starts coturn (`turnserver`) on 127.0.0.1 with the TURN REST API shared
 * secret `secret`, its files in a temp dir, and waits until it answers a
 * STUN Binding. Loopback peers are allowed because the gateway is on
 * loopback here; production must not (docs/OPERATOR.md). Stopped when the
 * test `t` ends. Resolves `{ host, port, realm, log }`.
 */
export async function startCoturn(t, { secret, realm = 'cc.test' }) {
  const dir = await mkdtemp(path.join(process.env.CC_E2E_TMP ?? os.tmpdir(), 'cc-e2e-coturn-'));
  const port = await freePort();
  const conf = path.join(dir, 'turnserver.conf');
  await writeFile(
    conf,
    [
      'listening-ip=127.0.0.1',
      `listening-port=${port}`,
      'relay-ip=127.0.0.1',
      'use-auth-secret',
      `static-auth-secret=${secret}`,
      `realm=${realm}`,
      'fingerprint',
      'no-tls',
      'no-dtls',
      'no-cli',
      'no-multicast-peers',
      // Only for this loopback test: the gateway is a loopback peer.
      'allow-loopback-peers',
      // The private ranges a production relay denies (docs/OPERATOR.md).
      'denied-peer-ip=10.0.0.0-10.255.255.255',
      'denied-peer-ip=172.16.0.0-172.31.255.255',
      'denied-peer-ip=192.168.0.0-192.168.255.255',
      'denied-peer-ip=169.254.0.0-169.254.255.255',
      `userdb=${path.join(dir, 'turndb')}`,
      `pidfile=${path.join(dir, 'turnserver.pid')}`,
      'log-file=stdout',
      'simple-log',
      '',
    ].join('\n'),
  );
  let log = '';
  const child = spawn('turnserver', ['-c', conf], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (d) => (log += d));
  child.stderr.on('data', (d) => (log += d));
  let exited = null;
  child.on('exit', (code) => (exited = code));
  child.on('error', (e) => (exited = e.message));
  t.after(async () => {
    if (exited === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await new Promise((r) => (exited !== null ? r() : child.on('exit', r)));
      clearTimeout(killer);
    }
    await rm(dir, { recursive: true, force: true });
  });
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (exited !== null) throw new Error(`turnserver exited (${exited}):\n${log}`);
    try {
      await stunBinding('127.0.0.1', port);
      break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`turnserver did not answer STUN:\n${log}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { host: '127.0.0.1', port, realm, log: () => log };
}
