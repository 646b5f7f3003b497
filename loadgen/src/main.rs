//! `loadgen prepare` makes agents and sessions in the gateway's store;
//! `loadgen run` drives their legs through a running gateway and prints
//! one JSON report (see `lib.rs`).

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(about = "Load generator for the gateway: N WebRTC legs (str0m) in one process")]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
    /// Runtime worker threads.
    #[arg(long, global = true, default_value_t = 1)]
    threads: usize,
}

#[derive(Subcommand)]
enum Cmd {
    /// Make N agents and a session each in the store (before the gateway
    /// starts); write their tokens, one a line.
    Prepare {
        #[arg(long)]
        database: String,
        #[arg(long)]
        agents: usize,
        #[arg(long)]
        tokens: PathBuf,
        /// Also point dialed number ENTRY at a flow that transfers to
        /// NUMBER (the SIP↔SIP relay workload): ENTRY=NUMBER.
        #[arg(long)]
        relay: Option<String>,
    },
    /// Drive legs through a running gateway; print the report as JSON.
    Run {
        /// The gateway's HTTP address.
        #[arg(long)]
        http: SocketAddr,
        /// The tokens file `prepare` wrote; the first `--legs` are used.
        #[arg(long)]
        tokens: PathBuf,
        #[arg(long)]
        legs: usize,
        /// Dial this number through the outbound trunk (default: the
        /// gateway's own echo leg, the audio check).
        #[arg(long)]
        dial: Option<String>,
        /// New legs per second.
        #[arg(long, default_value_t = 50.0)]
        rate: f64,
        #[arg(long, default_value_t = 3.0)]
        settle_secs: f64,
        #[arg(long, default_value_t = 30.0)]
        window_secs: f64,
        #[arg(long, default_value = "127.0.0.2")]
        ip: IpAddr,
        #[arg(long, default_value_t = 15.0)]
        setup_timeout_secs: f64,
        /// Legs only set up and hang up: no frames.
        #[arg(long)]
        silent: bool,
        /// Print `key<TAB>value` lines instead of JSON.
        #[arg(long)]
        tsv: bool,
        #[arg(long)]
        gateway_pid: Option<u32>,
        /// Another process whose CPU to report: NAME=PID.
        #[arg(long)]
        watch: Vec<String>,
    },
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(cli.threads.max(1)).enable_all().build()?;
    rt.block_on(async move {
        match cli.cmd {
            Cmd::Prepare { database, agents, tokens, relay } => {
                let store = gateway::store::Store::connect(&database, 2).await?;
                store.migrate().await?;
                if let Some(r) = relay {
                    let (entry, number) = r.split_once('=').ok_or_else(|| anyhow::anyhow!("--relay ENTRY=NUMBER"))?;
                    loadgen::prepare_relay(&store, entry, number).await?;
                }
                let t = loadgen::prepare(&store, agents).await?;
                std::fs::write(&tokens, t.join("\n") + "\n")?;
                store.close().await;
                Ok(())
            }
            Cmd::Run {
                http,
                tokens,
                legs,
                dial,
                rate,
                settle_secs,
                window_secs,
                ip,
                setup_timeout_secs,
                silent,
                tsv,
                gateway_pid,
                watch,
            } => {
                let all = std::fs::read_to_string(&tokens)?;
                let tokens: Vec<String> = all.lines().filter(|l| !l.is_empty()).take(legs).map(str::to_owned).collect();
                anyhow::ensure!(tokens.len() == legs, "{} tokens for {legs} legs", tokens.len());
                let watch = watch
                    .iter()
                    .map(|w| {
                        let (name, pid) = w.split_once('=').ok_or_else(|| anyhow::anyhow!("--watch NAME=PID"))?;
                        Ok((name.to_owned(), pid.parse()?))
                    })
                    .collect::<anyhow::Result<Vec<_>>>()?;
                let report = loadgen::run(loadgen::Options {
                    http,
                    tokens,
                    mode: dial.map_or(loadgen::Mode::Echo, loadgen::Mode::Dial),
                    rate,
                    settle: Duration::from_secs_f64(settle_secs),
                    window: Duration::from_secs_f64(window_secs),
                    ip,
                    setup_timeout: Duration::from_secs_f64(setup_timeout_secs),
                    silent,
                    gateway_pid,
                    watch,
                })
                .await?;
                if tsv {
                    print!("{}", loadgen::tsv(&report));
                } else {
                    println!("{}", serde_json::to_string(&report)?);
                }
                Ok(())
            }
        }
    })
}
