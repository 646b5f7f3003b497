//! The gateway's load generator: one process driving N agents, each with
//! its desk's WebSocket and a str0m WebRTC leg (`leg.rs`), started at a
//! steady rate, talking through a measured window, then hung up. The
//! gateway's CPU and memory and the system's UDP drops are read from
//! `/proc` at the window's edges (`procfs.rs`). `prepare` makes the
//! agents and their sessions in the gateway's store before it starts.
//!
//! `cargo xtask bench` runs it against a release gateway pinned to one
//! core; `tests/harness.rs` runs a few legs in CI so the harness stays
//! honest.

pub mod leg;
pub mod procfs;

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use serde::Serialize;

pub use leg::Mode;

/// Agents the load generator makes are called this, numbered from 1.
pub const AGENT_PREFIX: &str = "load-agent-";

/// Makes `agents` agent accounts (one password hash for all: logins are
/// not what is measured) and a fresh session for each; returns the
/// sessions' tokens, in order. Accounts already there are reused.
pub async fn prepare(store: &gateway::store::Store, agents: usize) -> anyhow::Result<Vec<String>> {
    use gateway::auth::{password, token};
    let now = gateway::http::Clock::system().now_ms();
    let hash = password::hash("load-agent-password");
    let mut tokens = Vec::with_capacity(agents);
    for i in 1..=agents {
        let username = format!("{AGENT_PREFIX}{i}");
        let id = match store.user_by_username(&username).await? {
            Some(u) => u.id,
            None => {
                let user = gateway::store::NewUser {
                    username: &username,
                    display_name: &format!("Load Agent {i}"),
                    role: shared::Role::Agent,
                    password_hash: &hash,
                    language: "en",
                };
                store.create_user(&user, now).await?
            }
        };
        let t = token::generate();
        let h = token::hash(&t).ok_or_else(|| anyhow::anyhow!("a token we made does not hash"))?;
        store.create_session(&h, id, now, now + 86_400_000).await?;
        tokens.push(t);
    }
    Ok(tokens)
}

/// Points the dialed number `entry` at a flow that transfers every call to
/// `number` through the outbound trunk: a SIP↔SIP call whose media the
/// gateway relays RTP to RTP (the relay workload).
pub async fn prepare_relay(store: &gateway::store::Store, entry: &str, number: &str) -> anyhow::Result<()> {
    let now = gateway::http::Clock::system().now_ms();
    let flow: gateway::ivr::Flow = serde_json::from_value(serde_json::json!({
        "name": "load-relay",
        "start": "out",
        "nodes": { "out": { "type": "transfer", "to": { "number": number } } },
    }))?;
    if store.flow("load-relay").await?.is_none() {
        store.create_flow(&flow, None, now).await?;
    }
    let entry = gateway::ivr::EntryPoint::parse(entry).map_err(|e| anyhow::anyhow!("entry {entry}: {e}"))?;
    anyhow::ensure!(store.set_entry_point(&entry, "load-relay", None, now).await?, "the relay flow is not stored");
    Ok(())
}

/// One run: N legs at a steady rate, then a measured window.
#[derive(Debug, Clone)]
pub struct Options {
    /// The gateway's HTTP address.
    pub http: SocketAddr,
    /// One session token per leg.
    pub tokens: Vec<String>,
    pub mode: Mode,
    /// New legs per second.
    pub rate: f64,
    /// After the last leg starts, time for it to connect before measuring.
    pub settle: Duration,
    /// The measured window.
    pub window: Duration,
    /// The address legs bind to (their own 127.0.0.x).
    pub ip: IpAddr,
    pub setup_timeout: Duration,
    /// Set up and hang up only, no frames.
    pub silent: bool,
    /// The gateway's process, to read its CPU and memory (None: in-process
    /// tests).
    pub gateway_pid: Option<u32>,
    /// Other processes whose CPU to report (e.g. sipp).
    pub watch: Vec<(String, u32)>,
}

/// Percentiles of a set of samples in ms.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Spread {
    pub n: usize,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

impl Spread {
    fn of_us(mut v: Vec<u32>) -> Spread {
        if v.is_empty() {
            return Spread::default();
        }
        v.sort_unstable();
        let at = |q: f64| f64::from(v[((v.len() - 1) as f64 * q).round() as usize]) / 1000.0;
        Spread { n: v.len(), p50_ms: at(0.5), p99_ms: at(0.99), max_ms: at(1.0) }
    }

    fn of(d: impl Iterator<Item = Duration>) -> Spread {
        Spread::of_us(d.map(|d| d.as_micros().min(u32::MAX as u128) as u32).collect())
    }
}

/// A process's share over the window.
#[derive(Debug, Default, Clone, Serialize)]
pub struct ProcessLoad {
    pub name: String,
    /// CPU % of one core over the window.
    pub cpu_pct: f64,
    /// CPU % of one core from the first leg's start to the window's end
    /// (the ramp included: what setting legs up costs).
    pub run_cpu_pct: f64,
    pub pss_kb: u64,
    pub threads: u64,
    /// Datagrams dropped on its UDP sockets still open at the window's end.
    pub socket_drops: u64,
}

/// What a run measured. Serialized as one JSON object on stdout.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Report {
    pub mode: String,
    pub legs: usize,
    pub rate: f64,
    pub window_secs: f64,
    /// Legs that set up, talked and hung up without an error.
    pub ok: usize,
    pub failed: usize,
    /// The first few failures' reasons.
    pub failures: Vec<String>,
    /// Asked → the gateway's SDP answer.
    pub answer: Spread,
    /// Asked → ICE and DTLS connected (offer → connected).
    pub connected: Spread,
    /// Asked → the far end answered (dial only).
    pub remote: Spread,
    pub frames_sent: u64,
    pub frames_lost: u64,
    pub frames_duplicated: u64,
    pub loss_pct: f64,
    /// RFC 3550 jitter of the echoed stream, sampled at every echo.
    pub jitter: Spread,
    pub rtt: Spread,
    /// Datagrams the gateway forwarded in the window (each echoed frame
    /// crosses it twice when dialing: out to the far end and back).
    pub packets_forwarded: u64,
    pub gateway: Option<ProcessLoad>,
    /// Gateway CPU per call, % of a core.
    pub cpu_per_call_pct: Option<f64>,
    /// Gateway CPU µs per forwarded packet.
    pub us_per_packet: Option<f64>,
    pub others: Vec<ProcessLoad>,
    /// This process.
    pub loadgen: Option<ProcessLoad>,
    /// System-wide UDP receive drops over the whole run.
    pub udp_rcvbuf_errors: u64,
    pub udp_in_errors: u64,
}

/// Runs the legs and measures.
pub async fn run(opts: Options) -> anyhow::Result<Report> {
    let n = opts.tokens.len();
    let udp_before = procfs::udp_drops();
    // Every desk opens first: what is measured is calls, not logins.
    let http = opts.http;
    let desks: Vec<anyhow::Result<leg::Ws>> = futures_util::stream::iter(opts.tokens.iter().cloned())
        .map(|t| async move { leg::connect(http, &t).await })
        .buffered(32)
        .collect()
        .await;
    let desks = desks.into_iter().collect::<anyhow::Result<Vec<_>>>()?;

    let epoch = Instant::now();
    let first = epoch + Duration::from_millis(200);
    let ramp = Duration::from_secs_f64(n as f64 / opts.rate.max(0.001));
    let measure_from = first + ramp + opts.settle;
    let stop = measure_from + opts.window;
    let plan = Arc::new(leg::Plan {
        mode: opts.mode.clone(),
        ip: opts.ip,
        measure_from,
        stop,
        drain: Duration::from_millis(1000),
        setup_timeout: opts.setup_timeout,
        silent: opts.silent,
        epoch,
    });
    let mut tasks = Vec::with_capacity(n);
    for (i, ws) in desks.into_iter().enumerate() {
        let start = first + Duration::from_secs_f64(i as f64 / opts.rate.max(0.001));
        tasks.push(tokio::spawn(leg::run(ws, plan.clone(), start)));
    }

    let me = std::process::id();
    let pids: Vec<(String, u32)> = opts
        .gateway_pid
        .map(|p| ("gateway".to_owned(), p))
        .into_iter()
        .chain(opts.watch.iter().cloned())
        .chain([("loadgen".to_owned(), me)])
        .collect();
    tokio::time::sleep_until(first.into()).await;
    let at_first: Vec<_> = pids.iter().map(|(_, p)| procfs::CpuMark::now(*p)).collect();
    tokio::time::sleep_until(measure_from.into()).await;
    let before: Vec<_> = pids.iter().map(|(_, p)| procfs::CpuMark::now(*p)).collect();
    tokio::time::sleep_until((measure_from + opts.window / 2).into()).await;
    let mem: Vec<_> =
        pids.iter().map(|(_, p)| (procfs::pss_kb(*p).unwrap_or(0), procfs::threads(*p).unwrap_or(0))).collect();
    tokio::time::sleep_until(stop.into()).await;
    let loads: Vec<ProcessLoad> = pids
        .iter()
        .zip(at_first.into_iter().zip(before))
        .zip(mem)
        .map(|(((name, pid), (f, b)), (pss_kb, threads))| {
            let now = procfs::CpuMark::now(*pid);
            let pct = |from: Option<procfs::CpuMark>| match (from, now) {
                (Some(b), Some(a)) => {
                    let (cpu, wall) = b.until(a);
                    100.0 * cpu / wall
                }
                _ => 0.0,
            };
            let socket_drops = procfs::socket_drops(*pid);
            ProcessLoad { name: name.clone(), cpu_pct: pct(b), run_cpu_pct: pct(f), pss_kb, threads, socket_drops }
        })
        .collect();

    let mut results = Vec::with_capacity(n);
    for t in tasks {
        results.push(t.await?);
    }
    let udp = procfs::udp_drops().since(udp_before);

    let mut r = Report {
        mode: match &opts.mode {
            Mode::Dial(_) => "dial".into(),
            Mode::Echo => "echo".into(),
        },
        legs: n,
        rate: opts.rate,
        window_secs: opts.window.as_secs_f64(),
        udp_rcvbuf_errors: udp.rcvbuf_errors,
        udp_in_errors: udp.in_errors,
        ..Report::default()
    };
    let mut jitter = Vec::new();
    let mut rtt = Vec::new();
    let mut received_in_window = 0u64;
    for res in &results {
        match &res.error {
            Some(e) => {
                r.failed += 1;
                if r.failures.len() < 5 {
                    r.failures.push(e.clone());
                }
            }
            None => r.ok += 1,
        }
        r.frames_sent += res.sent;
        r.frames_lost += res.lost;
        r.frames_duplicated += res.duplicates;
        received_in_window += res.rtt_us.len() as u64;
        jitter.extend_from_slice(&res.jitter_us);
        rtt.extend_from_slice(&res.rtt_us);
    }
    r.answer = Spread::of(results.iter().filter_map(|x| x.answer));
    r.connected = Spread::of(results.iter().filter_map(|x| x.connected));
    r.remote = Spread::of(results.iter().filter_map(|x| x.remote));
    r.jitter = Spread::of_us(jitter);
    r.rtt = Spread::of_us(rtt);
    r.loss_pct = if r.frames_sent == 0 { 0.0 } else { 100.0 * r.frames_lost as f64 / r.frames_sent as f64 };
    r.packets_forwarded = match opts.mode {
        Mode::Dial(_) => r.frames_sent + received_in_window,
        Mode::Echo => received_in_window,
    };
    let mut loads = loads.into_iter();
    if opts.gateway_pid.is_some() {
        let g = loads.next();
        if let Some(g) = &g {
            let secs = opts.window.as_secs_f64();
            r.cpu_per_call_pct = (r.ok > 0).then(|| g.cpu_pct / r.ok as f64);
            r.us_per_packet =
                (r.packets_forwarded > 0).then(|| g.cpu_pct / 100.0 * secs * 1e6 / r.packets_forwarded as f64);
        }
        r.gateway = g;
    }
    let mut rest: Vec<ProcessLoad> = loads.collect();
    r.loadgen = rest.pop();
    r.others = rest;
    Ok(r)
}

/// A report as `key<TAB>value` lines, nested keys joined by dots
/// (`jitter.p99_ms`), for scripts without a JSON parser.
pub fn tsv(report: &Report) -> String {
    fn walk(prefix: &str, v: &serde_json::Value, out: &mut String) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, v) in m {
                    walk(&if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") }, v, out);
                }
            }
            serde_json::Value::Array(a) => {
                for (i, v) in a.iter().enumerate() {
                    let key = match v.get("name").and_then(|n| n.as_str()) {
                        Some(name) => format!("{prefix}.{name}"),
                        None => format!("{prefix}.{i}"),
                    };
                    walk(&key, v, out);
                }
            }
            serde_json::Value::String(s) => out.push_str(&format!("{prefix}\t{}\n", s.replace(['\t', '\n'], " "))),
            v => out.push_str(&format!("{prefix}\t{v}\n")),
        }
    }
    let mut out = String::new();
    walk("", &serde_json::to_value(report).unwrap_or_default(), &mut out);
    out
}
