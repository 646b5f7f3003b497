//! `cargo xtask bench`: runs the benchmarks and writes BENCHMARKS.md with
//! the machine, the command and the figures. Never part of `test`: times
//! are measured here, not asserted.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

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

pub fn run(root: &Path) -> Result<()> {
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
    let rows: Vec<(&str, f64, &str)> = text
        .lines()
        .filter_map(|l| {
            let mut f = l.split('\t');
            Some((f.next()?, f.next()?.parse().ok()?, f.next()?))
        })
        .collect();
    if rows.is_empty() {
        bail!("{cmd} printed no figures:\n{text}");
    }
    let date = output(Command::new("date").args(["-u", "+%Y-%m-%d"])).unwrap_or_default().trim().to_owned();
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines().find(|l| l.starts_with("model name")).map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".into());
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);

    let mut md = String::new();
    md.push_str("# Benchmarks\n\nWritten by `cargo xtask bench`; never edited by hand.\n\n");
    md.push_str("## Summary\n\n| figure | ours | peer | date |\n|---|---|---|---|\n");
    let figure = |name: &str| rows.iter().find(|(n, _, _)| *n == name).map(|(_, v, _)| *v);
    for r in SUMMARY_ROWS {
        let ours = match *r {
            "invite to 180 p99 ms" => figure("invite_to_180_p99_us").map(|us| format!("{:.2}", us / 1000.0)),
            "acd decisions per second" => figure("acd_decisions_per_s").map(|n| format!("{n:.0}")),
            _ => None,
        };
        let ours = ours.unwrap_or_else(|| "not measured yet".into());
        let _ = writeln!(md, "| {r} | {ours} | not measured yet | {date} |");
    }
    md.push_str(
        "\nINVITE → 180 is measured through the whole gateway (SIP driver, transactions, dialogs, call \
         control) by a UDP client on loopback, one call at a time (`benches/setup.rs`). Routing decisions are the \
         engine alone on one thread (`benches/acd.rs`: 1,000 agents, 100 queues, skills, 10,000 waiting calls). \
         The other call-level workloads (bridged WebRTC↔SIP calls per core, Janus and rtpengine side by side, \
         memory per call) come with the load generator; until then the rows say so rather than guess.\n",
    );
    let _ = write!(
        md,
        "\n## Measurements\n\nMachine: {cpu}, {cores} cores. Date: {date}. Command: `{cmd}` (release build; \
         micro-benchmarks are the best of 5 runs).\n\n| benchmark | value | what |\n|---|---|---|\n"
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
    std::fs::write(root.join("BENCHMARKS.md"), md)?;
    print!("{text}");
    println!("xtask: wrote BENCHMARKS.md");
    Ok(())
}
