//! The call-level workloads of `cargo xtask bench` (issue #9): a release
//! gateway pinned to core 1 (`taskset -c 1`), the load generator
//! (`loadgen`) and sipp pinned to core 0, each on its own 127.0.0.x:
//! gateway 127.0.0.1, WebRTC legs 127.0.0.2, the carrier (sipp) 127.0.0.3.
//! Every step starts a fresh gateway and sipp on the same store, so memory
//! is measured from a clean process.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// The number the legs dial; the trunk sends it to sipp.
const NUMBER: &str = "+15550100";
/// The number sipp calls for the relay workload: its flow transfers the
/// call to `NUMBER`.
const RELAY_ENTRY: &str = "+441234500000";

/// One `loadgen run` report, `key<TAB>value`.
pub type Figures = HashMap<String, String>;

pub fn num(f: &Figures, key: &str) -> f64 {
    f.get(key).and_then(|v| v.parse().ok()).unwrap_or(f64::NAN)
}

/// Whether figure `key` is there and under `limit`.
fn below(f: &Figures, key: &str, limit: f64) -> bool {
    num(f, key) < limit
}

/// What the workloads share: the binaries and a working folder.
pub struct Bench {
    pub root: PathBuf,
    pub dir: PathBuf,
    gateway: PathBuf,
    loadgen: PathBuf,
    tokens: PathBuf,
    pub log: Vec<String>,
}

impl Bench {
    /// Builds the release binaries (unless `build` is false: the ones
    /// there are used) and makes `agents` agents in a fresh store.
    pub fn new(root: &Path, agents: usize, build: bool) -> Result<Bench> {
        if build {
            crate::status(
                Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())).current_dir(root).args([
                    "build",
                    "--release",
                    "-q",
                    "-p",
                    "gateway",
                    "-p",
                    "loadgen",
                ]),
            )?;
        }
        let release = crate::target_dir(root).join("release");
        let dir = crate::target_dir(root).join("bench-run");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)?;
        let b = Bench {
            root: root.to_owned(),
            gateway: release.join("gateway"),
            loadgen: release.join("loadgen"),
            tokens: dir.join("tokens"),
            dir,
            log: Vec::new(),
        };
        let t = Instant::now();
        crate::status(
            Command::new(&b.loadgen)
                .args(["prepare", "--database", &b.db(), "--agents"])
                .arg(agents.to_string())
                .arg("--tokens")
                .arg(&b.tokens)
                .args(["--relay", &format!("{RELAY_ENTRY}={NUMBER}")]),
        )?;
        println!("xtask: {agents} agents and sessions made in {:.1} s", t.elapsed().as_secs_f64());
        Ok(b)
    }

    fn db(&self) -> String {
        format!("sqlite://{}/cc.db", self.dir.display())
    }

    /// The gateway's config: an outbound trunk to sipp on `carrier_port`.
    fn config(&self, http_port: u16, sip_port: u16, carrier_port: u16) -> Result<PathBuf> {
        let d = self.dir.display();
        let text = format!(
            "[http]\nlisten = \"127.0.0.1:{http_port}\"\nui_dir = \"{d}/no-ui\"\n\
             [database]\nurl = \"{db}\"\n\
             [sip]\nlisten_udp = \"127.0.0.1:{sip_port}\"\nlisten_tcp = \"127.0.0.1:{sip_port}\"\n\
             [[sip.trunks]]\nname = \"carrier\"\naddresses = [\"127.0.0.3\"]\n\
             [sip.trunks.outbound]\nproxy = \"127.0.0.3:{carrier_port}\"\ncaller_id = \"+441234567890\"\n\
             [webrtc]\nlisten = \"127.0.0.1:0\"\n\
             [media]\nrtp_address = \"127.0.0.1\"\nrtp_ports = [30000, 39999]\n\
             recordings_dir = \"{d}/recordings\"\nvoicemail_dir = \"{d}/voicemail\"\n\
             prompts_dir = \"{prompts}\"\nprompts_override_dir = \"{d}/prompts\"\n\
             [log]\nfilter = \"warn\"\n",
            db = self.db(),
            prompts = self.root.join("assets/prompts").display(),
        );
        let path = self.dir.join("gateway.toml");
        std::fs::write(&path, text)?;
        Ok(path)
    }

    /// Starts sipp and the gateway, trying again (other ports) when the
    /// gateway does not start: a port free a moment ago may be taken.
    fn start(&self) -> Result<Started> {
        let mut last = None;
        for _ in 0..3 {
            match self.start_once() {
                Ok(s) => return Ok(s),
                Err(e) => last = Some(e),
            }
        }
        Err(last.expect("tried"))
    }

    /// Starts sipp (the carrier: answers and echoes) and the gateway.
    fn start_once(&self) -> Result<Started> {
        let http_port = free_port("127.0.0.1", false)?;
        // SIP listens on UDP and TCP: a port free for both.
        let sip_port = (0..20)
            .filter_map(|_| free_port("127.0.0.1", true).ok())
            .find(|p| std::net::TcpListener::bind(("127.0.0.1", *p)).is_ok())
            .context("no port free for SIP on both UDP and TCP")?;
        let carrier_port = free_port("127.0.0.3", true)?;
        let media_port = free_port("127.0.0.3", true)?;
        let config = self.config(http_port, sip_port, carrier_port)?;
        let sipp_log = std::fs::File::create(self.dir.join("sipp.log"))?;
        let sipp = Running(
            Command::new("taskset")
                .current_dir(&self.dir)
                .args(["-c", "0", "sipp", "-sn", "uas", "-i", "127.0.0.3", "-p", &carrier_port.to_string()])
                .args(["-mi", "127.0.0.3", "-mp", &media_port.to_string(), "-rtp_echo", "-nostdin", "-timeout", "600"])
                .stdout(sipp_log.try_clone()?)
                .stderr(sipp_log)
                .spawn()
                .context("starting sipp (Debian sip-tester)")?,
        );
        let gw_log = std::fs::File::create(self.dir.join("gateway.log"))?;
        let mut gw = Running(
            Command::new("taskset")
                .args(["-c", "1"])
                .arg(&self.gateway)
                .arg("serve")
                .arg("--config")
                .arg(&config)
                .stdout(gw_log.try_clone()?)
                .stderr(gw_log)
                .spawn()
                .context("starting the gateway")?,
        );
        let until = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", http_port)).is_err() {
            if Instant::now() > until || gw.0.try_wait()?.is_some() {
                bail!("the gateway did not start; see {}", self.dir.join("gateway.log").display());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Ok(Started { gw, sipp, http_port, sip_port })
    }

    /// Starts sipp and the gateway, runs `loadgen run` with `args`, stops
    /// both, and returns its figures.
    pub fn step(&mut self, legs: usize, args: &[&str]) -> Result<Figures> {
        let Started { mut gw, mut sipp, http_port, .. } = self.start()?;
        let idle_pss = pss_kb(gw.0.id());
        let mut cmd = Command::new("taskset");
        cmd.args(["-c", "0"])
            .arg(&self.loadgen)
            .args(["run", "--tsv", "--http", &format!("127.0.0.1:{http_port}"), "--tokens"])
            .arg(&self.tokens)
            .args(["--legs", &legs.to_string(), "--gateway-pid", &gw.0.id().to_string()])
            .args(["--watch", &format!("sipp={}", sipp.0.id())])
            .args(args);
        let shown = format!(
            "taskset -c 0 loadgen run --legs {legs} {} (gateway: taskset -c 1 gateway serve; sipp -sn uas -rtp_echo on core 0)",
            args.join(" ")
        );
        println!("xtask: {shown}");
        self.log.push(shown);
        let out = cmd.stderr(Stdio::inherit()).output().context("running loadgen")?;
        gw.stop();
        sipp.stop();
        if !out.status.success() {
            bail!("loadgen failed ({}); see {}", out.status, self.dir.display());
        }
        let mut f: Figures = String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| l.split_once('\t'))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        f.insert("gateway.idle_pss_kb".into(), idle_pss.to_string());
        Ok(f)
    }
}

/// The carrier and the gateway, running.
struct Started {
    gw: Running,
    sipp: Running,
    http_port: u16,
    sip_port: u16,
}

/// A child process stopped (SIGTERM, then SIGKILL) when done with.
struct Running(Child);

impl Running {
    fn stop(&mut self) {
        if self.0.try_wait().ok().flatten().is_some() {
            return;
        }
        let _ = Command::new("kill").args(["-TERM", &self.0.id().to_string()]).status();
        let until = Instant::now() + Duration::from_secs(10);
        while Instant::now() < until {
            if self.0.try_wait().ok().flatten().is_some() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A port free on `ip` a moment ago.
fn free_port(ip: &str, udp: bool) -> Result<u16> {
    Ok(if udp {
        std::net::UdpSocket::bind((ip, 0))?.local_addr()?.port()
    } else {
        std::net::TcpListener::bind((ip, 0))?.local_addr()?.port()
    })
}

/// CPU seconds (utime + stime) of a process.
fn cpu_secs(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let rest = stat.rfind(')').map_or("", |i| &stat[i + 2..]);
    let f: Vec<f64> = rest.split_whitespace().skip(11).take(2).filter_map(|v| v.parse().ok()).collect();
    f.iter().sum::<f64>() / 100.0
}

fn pss_kb(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Pss:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// Datagrams the kernel dropped on the sockets of the gateway, the load
/// generator and sipp (the system-wide counters also count whatever else
/// runs on the machine).
pub fn our_drops(f: &Figures) -> f64 {
    ["gateway.socket_drops", "loadgen.socket_drops", "others.sipp.socket_drops"].iter().map(|k| num(f, k)).sum()
}

/// Workload 1's rules for a step: no failed call, loss < 0.01 %, jitter
/// p99 < 5 ms, no kernel UDP drops, the gateway under 80 % of its core.
pub fn passes(f: &Figures, legs: usize) -> (bool, String) {
    let mut why = Vec::new();
    if num(f, "ok") as usize != legs || num(f, "failed") != 0.0 {
        why.push(format!("{} failed", num(f, "failed")));
    }
    if !below(f, "loss_pct", 0.01) {
        why.push(format!("loss {:.3} %", num(f, "loss_pct")));
    }
    if !below(f, "jitter.p99_ms", 5.0) {
        why.push(format!("jitter p99 {:.1} ms", num(f, "jitter.p99_ms")));
    }
    let drops = our_drops(f);
    if drops != 0.0 {
        why.push(format!("{drops} UDP drops"));
    }
    if !below(f, "gateway.cpu_pct", 80.0) {
        why.push(format!("gateway {:.0} % of its core", num(f, "gateway.cpu_pct")));
    }
    (why.is_empty(), if why.is_empty() { "pass".into() } else { why.join(", ") })
}

/// Workload 1: bridged WebRTC(PCMU) ↔ SIP(PCMU) calls, stepping N.
pub fn bridged_calls(b: &mut Bench, steps: &[usize], window: u32) -> Result<Vec<(usize, Figures)>> {
    let mut out = Vec::new();
    for &n in steps {
        let f = b.step(n, &["--dial", NUMBER, "--rate", "50", "--window-secs", &window.to_string()])?;
        let (ok, why) = passes(&f, n);
        println!(
            "xtask: {n} calls: {why}; gateway {:.1} % of its core, {:.2} µs per packet, loss {:.4} %, jitter p99 {:.2} ms",
            num(&f, "gateway.cpu_pct"),
            num(&f, "us_per_packet"),
            num(&f, "loss_pct"),
            num(&f, "jitter.p99_ms")
        );
        // On a shared machine jitter alone can fail a step that the
        // gateway carries; keep stepping while calls, loss and CPU hold,
        // so the table shows how the gateway scales (the verdict still
        // says which steps pass).
        let carried = num(&f, "failed") == 0.0 && below(&f, "loss_pct", 1.0) && below(&f, "gateway.cpu_pct", 80.0);
        out.push((n, f));
        if !ok && !carried {
            break;
        }
    }
    Ok(out)
}

/// A leg-rate step passes with < 0.1 % failed legs and offer → connected
/// p99 under [`SETUP_P99_MS`]: a gateway that falls behind queues offers,
/// and its legs connect later and later.
pub const SETUP_P99_MS: f64 = 1000.0;

pub fn rate_passes(f: &Figures) -> bool {
    num(f, "failed") / num(f, "legs") <= 0.001 && below(f, "connected.p99_ms", SETUP_P99_MS)
}

/// Workload 3 (WebRTC side): new echo legs per second, stepping the rate;
/// legs only set up and hang up ([`rate_passes`]).
pub fn leg_rate(b: &mut Bench, rates: &[u32]) -> Result<Vec<(u32, Figures)>> {
    let mut out = Vec::new();
    for &r in rates {
        let legs = (r as usize * 2).max(100);
        let f = b.step(legs, &["--silent", "--rate", &r.to_string(), "--settle-secs", "3", "--window-secs", "1"])?;
        let failed = num(&f, "failed");
        println!(
            "xtask: {r} legs/s: {failed} of {legs} failed, offer → connected p50 {:.1} ms p99 {:.1} ms",
            num(&f, "connected.p50_ms"),
            num(&f, "connected.p99_ms")
        );
        let ok = rate_passes(&f);
        out.push((r, f));
        if !ok {
            break;
        }
    }
    Ok(out)
}

/// Workload 2: SIP ↔ SIP relay. sipp calls a number whose flow transfers
/// to an outside number through the trunk (sipp `-rtp_echo`): the gateway
/// relays RTP to RTP (`bridge_rtp`, no decoding). The caller streams 20 ms
/// PCMU; each of its packets is relayed twice (to the echo and back).
pub fn relay(b: &mut Bench, steps: &[usize], window: u32) -> Result<Vec<(usize, Figures)>> {
    let scenario = b.root.join("loadgen/sipp/relay_uac.xml");
    // 10 s of μ-law noise for `rtp_stream`.
    let noise: Vec<u8> = (0..80_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect();
    std::fs::write(b.dir.join("relay.ul"), noise)?;
    let mut out = Vec::new();
    for &n in steps {
        let Started { mut gw, mut sipp, sip_port, .. } = b.start()?;
        let rate = 50.0;
        let ramp = n as f64 / rate;
        let settle = 3.0;
        let hold_ms = ((ramp + settle + f64::from(window) + 2.0) * 1000.0) as u64;
        let shown = format!(
            "taskset -c 0 sipp 127.0.0.1:{sip_port} -sf loadgen/sipp/relay_uac.xml -s {RELAY_ENTRY} -i 127.0.0.3 -mi 127.0.0.3 -r {rate} -l {n} -m {n} -d {hold_ms}"
        );
        println!("xtask: {shown}");
        b.log.push(shown);
        let udp_before = udp_counter("InErrors");
        let caller_log = std::fs::File::create(b.dir.join("sipp-caller.log"))?;
        let mut caller = Running(
            Command::new("taskset")
                .current_dir(&b.dir)
                .args(["-c", "0", "sipp", &format!("127.0.0.1:{sip_port}"), "-sf"])
                .arg(&scenario)
                .args(["-s", RELAY_ENTRY, "-i", "127.0.0.3", "-p", "0", "-mi", "127.0.0.3", "-mp", "0"])
                .args(["-r", &rate.to_string(), "-l", &n.to_string(), "-m", &n.to_string()])
                .args(["-d", &hold_ms.to_string(), "-nostdin", "-timeout", "600", "-timeout_error"])
                .stdout(caller_log.try_clone()?)
                .stderr(caller_log)
                .spawn()
                .context("starting the sipp caller")?,
        );
        std::thread::sleep(Duration::from_secs_f64(ramp + settle));
        let pid = gw.0.id();
        let (c0, t0, d0) = (cpu_secs(pid), Instant::now(), udp_counter("InDatagrams"));
        std::thread::sleep(Duration::from_secs(u64::from(window) / 2));
        let pss = pss_kb(pid);
        std::thread::sleep(Duration::from_secs(u64::from(window) - u64::from(window) / 2));
        let (c1, t1, d1) = (cpu_secs(pid), Instant::now(), udp_counter("InDatagrams"));
        let until = Instant::now() + Duration::from_secs(60);
        let ok = loop {
            if let Some(s) = caller.0.try_wait()? {
                break s.success();
            }
            if Instant::now() > until {
                break false;
            }
            std::thread::sleep(Duration::from_millis(200));
        };
        caller.stop();
        gw.stop();
        sipp.stop();
        let wall = t1.duration_since(t0).as_secs_f64();
        let cpu_pct = 100.0 * (c1 - c0) / wall;
        // Each relayed packet is two datagrams received on this machine
        // (by the gateway, then by the next hop): the system's count over
        // the window (anything else on the machine adds to it). Nominally
        // 100 per call per second (50 each way).
        let relayed = (d1 - d0) as f64 / 2.0;
        let us = (c1 - c0) * 1e6 / relayed;
        let mut f = Figures::new();
        f.insert("calls_ok".into(), (if ok { "all" } else { "not all (see sipp-caller.log)" }).into());
        f.insert("gateway.cpu_pct".into(), cpu_pct.to_string());
        f.insert("us_per_packet".into(), us.to_string());
        f.insert("gateway.pss_kb".into(), pss.to_string());
        f.insert("udp_in_errors".into(), (udp_counter("InErrors") - udp_before).to_string());
        f.insert("packets_per_s".into(), (relayed / wall).to_string());
        f.insert("nominal_packets_per_s".into(), (n as f64 * 100.0).to_string());
        println!("xtask: relay {n} calls: {cpu_pct:.1} % of the gateway's core, {us:.2} µs per packet, calls ok: {ok}");
        out.push((n, f));
        if !ok || cpu_pct > 80.0 {
            break;
        }
    }
    Ok(out)
}

/// One of the system's UDP counters (`/proc/net/snmp`).
fn udp_counter(name: &str) -> u64 {
    let s = std::fs::read_to_string("/proc/net/snmp").unwrap_or_default();
    let mut rows = s.lines().filter(|l| l.starts_with("Udp:"));
    let (Some(names), Some(values)) = (rows.next(), rows.next()) else { return 0 };
    names
        .split_whitespace()
        .position(|n| n == name)
        .and_then(|i| values.split_whitespace().nth(i)?.parse().ok())
        .unwrap_or(0)
}

/// The kernel's default and largest socket receive buffers.
const RMEM: [&str; 2] = ["/proc/sys/net/core/rmem_default", "/proc/sys/net/core/rmem_max"];
/// What the workloads raise them to: at 1,000 calls the gateway's one
/// WebRTC socket takes 50,000 datagrams a second, and the default 208 KB
/// holds a few milliseconds of them.
pub const RMEM_BENCH: u64 = 8 << 20;

/// Raises both to [`RMEM_BENCH`] (as root; otherwise they stay) and
/// returns what they were, for [`restore_socket_buffers`].
pub fn raise_socket_buffers() -> Vec<(&'static str, String)> {
    let old: Vec<(&'static str, String)> =
        RMEM.iter().filter_map(|p| Some((*p, std::fs::read_to_string(p).ok()?.trim().to_owned()))).collect();
    for (p, v) in &old {
        if v.parse::<u64>().is_ok_and(|v| v < RMEM_BENCH) {
            let _ = std::fs::write(p, RMEM_BENCH.to_string());
        }
    }
    old
}

pub fn restore_socket_buffers(old: &[(&'static str, String)]) {
    for (p, v) in old {
        let _ = std::fs::write(p, v);
    }
}

/// The socket buffers in force, for the report.
pub fn socket_buffers() -> String {
    RMEM.iter()
        .map(|p| {
            let name = p.rsplit('/').next().unwrap_or(p);
            format!("{name} = {}", std::fs::read_to_string(p).unwrap_or_default().trim())
        })
        .collect::<Vec<_>>()
        .join(", ")
}
