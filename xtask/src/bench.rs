//! `cargo xtask bench`: runs the benchmarks and writes BENCHMARKS.md with
//! the machine, the commands and the figures. Never part of `test`: times
//! are measured here, not asserted.
//!
//! Two kinds: the in-process benches of `gateway/benches` (parsers, mixer,
//! INVITE → 180, routing decisions), and the call-level workloads of
//! issue #9 (`loadbench.rs`): a release gateway pinned to one core driven
//! by the load generator (`loadgen`) and sipp on the other.
//!
//! `--skip-micro`, `--skip-load`, `--no-build` (use the release binaries
//! already built), `--steps 50,100,…`, `--rates 100,200,…`,
//! `--relay-steps 100,…`, `--window SECS` narrow a run (the summary then says what was not run).

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::loadbench::{self, Figures, num};
use crate::output;

/// The summary rows issue #9 asks for, in its order. Figures not measured
/// yet say so.
const SUMMARY_ROWS: &[&str] = &[
    "webrtc-sip calls per core",
    "janus calls per core",
    "sip relay us per packet",
    "rtpengine us per packet",
    "memory per call KB",
    "invite to 180 p99 ms",
    "webrtc legs per second",
    "acd decisions per second",
];

const NOT_YET: &str = "not measured yet";

struct Opts {
    micro: bool,
    load: bool,
    build: bool,
    steps: Vec<usize>,
    relay_steps: Vec<usize>,
    rates: Vec<u32>,
    window: u32,
}

fn opts(args: &[String]) -> Result<Opts> {
    let mut o = Opts {
        micro: true,
        load: true,
        build: true,
        steps: vec![50, 100, 200, 400, 600, 800, 1000, 1200],
        relay_steps: vec![100, 200, 400],
        rates: vec![100, 200, 300, 400, 600, 800],
        window: 30,
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = || it.next().with_context(|| format!("{a} needs a value"));
        match a.as_str() {
            "--skip-micro" => o.micro = false,
            "--skip-load" => o.load = false,
            "--no-build" => o.build = false,
            "--steps" => o.steps = value()?.split(',').map(str::parse).collect::<Result<_, _>>()?,
            "--relay-steps" => o.relay_steps = value()?.split(',').map(str::parse).collect::<Result<_, _>>()?,
            "--rates" => o.rates = value()?.split(',').map(str::parse).collect::<Result<_, _>>()?,
            "--window" => o.window = value()?.parse()?,
            _ => bail!(
                "unknown option {a} (--skip-micro, --skip-load, --no-build, --steps N,…, --relay-steps N,…, --rates R,…, --window SECS)"
            ),
        }
    }
    Ok(o)
}

/// The in-process benches: `(name, value, what)` rows.
fn micro(root: &Path) -> Result<Vec<(String, f64, String)>> {
    let cmd = "cargo bench -p gateway --bench micro --bench setup --bench acd";
    let out = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["bench", "-q", "-p", "gateway", "--bench", "micro", "--bench", "setup", "--bench", "acd"])
        .current_dir(root)
        .output()
        .context("running the micro-benchmarks")?;
    if !out.status.success() {
        bail!("{cmd} failed:\n{}", String::from_utf8_lossy(&out.stderr));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    print!("{text}");
    let rows: Vec<(String, f64, String)> = text
        .lines()
        .filter_map(|l| {
            let mut f = l.split('\t');
            Some((f.next()?.to_owned(), f.next()?.parse().ok()?, f.next()?.to_owned()))
        })
        .collect();
    if rows.is_empty() {
        bail!("{cmd} printed no figures:\n{text}");
    }
    Ok(rows)
}

pub fn run(root: &Path, args: &[String]) -> Result<()> {
    let o = opts(args)?;
    let date = output(Command::new("date").args(["-u", "+%Y-%m-%d"])).unwrap_or_default().trim().to_owned();
    let load_before = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let rows = if o.micro { micro(root)? } else { Vec::new() };

    let mut calls: Vec<(usize, Figures)> = Vec::new();
    let mut legs: Vec<(u32, Figures)> = Vec::new();
    let mut relay: Vec<(usize, Figures)> = Vec::new();
    let mut commands = Vec::new();
    let mut buffers = String::new();
    if o.load {
        let old = loadbench::raise_socket_buffers();
        buffers = loadbench::socket_buffers();
        let agents =
            o.steps.iter().copied().max().unwrap_or(0).max(o.rates.iter().map(|r| *r as usize * 2).max().unwrap_or(0));
        let mut b = loadbench::Bench::new(root, agents, o.build)?;
        calls = loadbench::bridged_calls(&mut b, &o.steps, o.window)?;
        relay = loadbench::relay(&mut b, &o.relay_steps, o.window)?;
        legs = loadbench::leg_rate(&mut b, &o.rates)?;
        commands = b.log;
        loadbench::restore_socket_buffers(&old);
    }
    let load_after = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();

    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines().find(|l| l.starts_with("model name")).map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".into());
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    let kernel = output(Command::new("uname").arg("-r")).unwrap_or_default().trim().to_owned();

    // The summary's figures.
    let figure = |name: &str| rows.iter().find(|(n, _, _)| n == name).map(|(_, v, _)| *v);
    let passing: Vec<&(usize, Figures)> = calls.iter().filter(|(n, f)| loadbench::passes(f, *n).0).collect();
    let best = passing.iter().map(|(n, _)| *n).max();
    let all_passed = !calls.is_empty() && passing.len() == calls.len();
    let calls_per_core = best.map(|n| if all_passed { format!("≥ {n}") } else { n.to_string() });
    let memory = memory_per_call(&calls);
    let best_rate = legs.iter().filter(|(_, f)| loadbench::rate_passes(f)).map(|(r, _)| *r).max();
    let rate_all_passed = !legs.is_empty() && legs.iter().all(|(_, f)| loadbench::rate_passes(f));

    let mut md = String::new();
    md.push_str("# Benchmarks\n\nWritten by `cargo xtask bench`; never edited by hand.\n\n");
    md.push_str("## Summary\n\n| figure | ours | peer | date |\n|---|---|---|---|\n");
    for r in SUMMARY_ROWS {
        let ours = match *r {
            "webrtc-sip calls per core" => calls_per_core.clone(),
            "sip relay us per packet" => relay
                .iter()
                .rev()
                .find(|(_, f)| f.get("calls_ok").is_some_and(|v| v == "all"))
                .map(|(n, f)| format!("{:.2} (at {n} calls)", num(f, "us_per_packet"))),
            "memory per call KB" => memory.map(|(kb, _, _)| format!("{kb:.0}")),
            "invite to 180 p99 ms" => figure("invite_to_180_p99_us").map(|us| format!("{:.2}", us / 1000.0)),
            "webrtc legs per second" => {
                best_rate.map(|r| if rate_all_passed { format!("≥ {r}") } else { r.to_string() })
            }
            "acd decisions per second" => figure("acd_decisions_per_s").map(|n| format!("{n:.0}")),
            _ => None,
        };
        let ours = ours.unwrap_or_else(|| NOT_YET.into());
        let _ = writeln!(md, "| {r} | {ours} | {NOT_YET} | {date} |");
    }
    md.push_str(
        "\nCalls per core: the largest step of workload 1 (bridged WebRTC↔SIP calls, gateway pinned to one core) \
         that passes every rule (no failed call, loss < 0.01 %, jitter p99 < 5 ms, no kernel UDP drops, gateway \
         under 80 % of its core); \"≥\" when the last step run passed too. Memory per call: the slope of the \
         gateway's PSS between N and 2N calls. WebRTC legs per second: the highest rate of new WebRTC legs \
         (offer → ICE + DTLS connected) with < 0.1 % failures and offer → connected p99 under 1 s. INVITE → 180 is measured through the whole gateway \
         by a UDP client on loopback, one call at a time (`benches/setup.rs`), not yet at 100 calls/s. Routing \
         decisions are the engine alone on one thread (`benches/acd.rs`). SIP relay: µs of gateway CPU per \
         relayed RTP packet at the largest step whose calls all completed (workload 2). Recording and whisper \
         under load (workload 4) and the peers (Janus, rtpengine) are not run yet; their rows say so rather \
         than guess.\n",
    );
    let _ = write!(
        md,
        "\n## Machine\n\n{cpu}, {cores} cores, Linux {kernel}. Date: {date}. Load average before the run: {}; \
         after: {}. The machine is shared with other builds, so figures from a busy moment are noisier (the load \
         generator's own CPU is in the tables). Socket buffers during the workloads: {buffers} (raised by the \
         bench when lower, and put back after: the gateway does not set its own).\n",
        load_before.split_whitespace().take(3).collect::<Vec<_>>().join(" "),
        load_after.split_whitespace().take(3).collect::<Vec<_>>().join(" "),
    );
    if !calls.is_empty() {
        calls_section(&mut md, &calls, memory, o.window);
    }
    if !relay.is_empty() {
        relay_section(&mut md, &relay, o.window);
    }
    if !legs.is_empty() {
        legs_section(&mut md, &legs);
    }
    if !commands.is_empty() {
        md.push_str(
            "\nCommands, in order (`cargo xtask bench` runs them; the working folder is `target/bench-run/`):\n\n",
        );
        for c in &commands {
            let _ = writeln!(md, "- `{c}`");
        }
    }
    if !rows.is_empty() {
        md.push_str(
            "\n## In-process benchmarks\n\nCommand: `cargo bench -p gateway --bench micro --bench setup --bench acd` \
             (release build; micro-benchmarks are the best of 5 runs).\n\n| benchmark | value | what |\n|---|---|---|\n",
        );
        for (name, value, what) in &rows {
            let unit = if name.ends_with("_us") {
                "µs"
            } else if name.ends_with("_ms") {
                "ms"
            } else if name.ends_with("_per_s") {
                "/s"
            } else {
                "ns"
            };
            let _ = writeln!(md, "| `{name}` | {value:.1} {unit} | {what} |");
        }
    }
    std::fs::write(root.join("BENCHMARKS.md"), md)?;
    println!("xtask: wrote BENCHMARKS.md");
    Ok(())
}

/// The gateway's PSS slope between N and 2N calls, KB per call, from the
/// largest such pair of steps: `(slope, n, 2n)`.
fn memory_per_call(calls: &[(usize, Figures)]) -> Option<(f64, usize, usize)> {
    calls
        .iter()
        .filter_map(|(n, f)| {
            let (_, g) = calls.iter().find(|(m, _)| *m == 2 * n)?;
            let slope = (num(g, "gateway.pss_kb") - num(f, "gateway.pss_kb")) / *n as f64;
            Some((slope, *n, 2 * n))
        })
        .next_back()
}

fn calls_section(md: &mut String, calls: &[(usize, Figures)], memory: Option<(f64, usize, usize)>, window: u32) {
    let _ = write!(
        md,
        "\n## 1. WebRTC(PCMU) ↔ SIP(PCMU) bridged calls\n\nEach agent of the load generator dials a number; the \
         gateway bridges its WebRTC leg (ICE-lite, DTLS-SRTP) to a SIP leg through the outbound trunk to \
         `sipp -sn uas -rtp_echo`, which sends every packet back. Each leg sends a 20 ms PCMU frame every 20 ms \
         carrying its sequence number and send time; loss, round-trip time and RFC 3550 jitter come from the \
         echoes. Legs start at 50 per second; the {window} s window starts 3 s after the last. Gateway: release \
         build, `taskset -c 1`, a fresh process per step; load generator and sipp: `taskset -c 0`. CPU is \
         utime + stime from `/proc/PID/stat` over the window; PSS from `/proc/PID/smaps_rollup` mid-window; UDP \
         drops are counted on each process's own sockets at the window's end (`/proc/net/udp`'s `drops` for the \
         inodes in `/proc/PID/fd`), and in brackets the system's `InErrors` (`/proc/net/snmp`) over the whole \
         step, which also counts whatever else runs on the machine. A forwarded \
         packet is one datagram in and one out: each echoed frame is two (to the carrier and back).\n\n\
         | calls | ok / failed | loss % | jitter p99 ms | RTT p50 / p99 ms | offer → connected p99 ms | far end answered p99 ms | gateway CPU % | CPU per call % | µs per packet | gateway PSS MB (idle) | loadgen CPU % | sipp CPU % | UDP drops: gateway / loadgen / sipp (system) | verdict |\n\
         |---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n"
    );
    for (n, f) in calls {
        let (_, why) = loadbench::passes(f, *n);
        let _ = writeln!(
            md,
            "| {n} | {} / {} | {:.4} | {:.2} | {:.1} / {:.1} | {:.1} | {:.1} | {:.1} | {:.3} | {:.2} | {:.1} ({:.1}) | {:.0} | {:.0} | {} / {} / {} ({}) | {why} |",
            num(f, "ok"),
            num(f, "failed"),
            num(f, "loss_pct"),
            num(f, "jitter.p99_ms"),
            num(f, "rtt.p50_ms"),
            num(f, "rtt.p99_ms"),
            num(f, "connected.p99_ms"),
            num(f, "remote.p99_ms"),
            num(f, "gateway.cpu_pct"),
            num(f, "cpu_per_call_pct"),
            num(f, "us_per_packet"),
            num(f, "gateway.pss_kb") / 1024.0,
            num(f, "gateway.idle_pss_kb") / 1024.0,
            num(f, "loadgen.cpu_pct"),
            num(f, "others.sipp.cpu_pct"),
            num(f, "gateway.socket_drops"),
            num(f, "loadgen.socket_drops"),
            num(f, "others.sipp.socket_drops"),
            num(f, "udp_in_errors"),
        );
        for (i, why) in (0..5).filter_map(|i| f.get(&format!("failures.{i}")).map(|w| (i, w))) {
            let _ = writeln!(md, "|  | failure {} | {why} | | | | | | | | | | | | |", i + 1);
        }
    }
    if let Some((kb, n, m)) = memory {
        let _ = writeln!(md, "\nMemory per call: PSS slope between {n} and {m} calls: {kb:.0} KB.");
    }
}

fn legs_section(md: &mut String, legs: &[(u32, Figures)]) {
    md.push_str(
        "\n## 3. Call setup: new WebRTC legs per second\n\nThe load generator opens the audio check's echo leg \
         (`echo_test_offer`: the gateway answers the offer, ICE-lite and DTLS-SRTP connect) at a steady rate for 2 s \
         (at least 100 legs), sends no audio, and hangs up. Same pinning as above. A rate passes with < 0.1 % \
         failures (a leg fails when not connected 15 s after its offer) and offer → connected p99 under 1 s (beyond \
         that offers are queueing). CPU is over the ramp and the 3 s after it.\n\n\
         | legs per second | legs | failed | offer → answer p50 / p99 ms | offer → connected p50 / p99 / max ms | gateway CPU % | loadgen CPU % | verdict |\n\
         |---|---|---|---|---|---|---|---|\n",
    );
    for (r, f) in legs {
        let _ = writeln!(
            md,
            "| {r} | {} | {} | {:.1} / {:.1} | {:.1} / {:.1} / {:.1} | {:.0} | {:.0} | {} |",
            num(f, "legs"),
            num(f, "failed"),
            num(f, "answer.p50_ms"),
            num(f, "answer.p99_ms"),
            num(f, "connected.p50_ms"),
            num(f, "connected.p99_ms"),
            num(f, "connected.max_ms"),
            num(f, "gateway.run_cpu_pct"),
            num(f, "loadgen.run_cpu_pct"),
            if loadbench::rate_passes(f) { "pass" } else { "fail" },
        );
    }
}

fn relay_section(md: &mut String, relay: &[(usize, Figures)], window: u32) {
    let _ = write!(
        md,
        "\n## 2. SIP ↔ SIP relay\n\nsipp (`loadgen/sipp/relay_uac.xml`, on core 0) calls a number whose IVR flow \
         transfers the call to an outside number through the outbound trunk, answered by `sipp -sn uas -rtp_echo`; \
         the gateway relays RTP to RTP with no decoding. The caller streams 20 ms PCMU from the answer on; the \
         {window} s window starts 3 s after the last call. µs per packet: the gateway's CPU over the window \
         divided by the packets it relayed, counted as half the datagrams the system received over the window \
         (`InDatagrams`; nominally 100 a second per call, 50 each way, shown beside it). The echoing \
         carrier offers no telephone-event, so that leg also runs in-band DTMF detection.\n\n\
         | calls | calls completed | relayed packets/s (nominal) | gateway CPU % | µs per packet | gateway PSS MB | UDP drops |\n|---|---|---|---|---|---|---|\n"
    );
    for (n, f) in relay {
        let _ = writeln!(
            md,
            "| {n} | {} | {:.0} ({:.0}) | {:.1} | {:.2} | {:.1} | {} |",
            f.get("calls_ok").map_or("?", String::as_str),
            num(f, "packets_per_s"),
            num(f, "nominal_packets_per_s"),
            num(f, "gateway.cpu_pct"),
            num(f, "us_per_packet"),
            num(f, "gateway.pss_kb") / 1024.0,
            num(f, "udp_in_errors"),
        );
    }
}
