//! `cargo xtask run | test`: the two commands a newcomer types.
//!
//! `run` installs what is missing (the wasm32 target, Trunk and
//! wasm-bindgen-cli at pinned versions, the npm packages, Debian packages
//! when root), builds both browser apps and the gateway, and serves them with
//! demo data. `test` does the same set-up plus the test peers (Chromium,
//! PostgreSQL), then runs every test: unit and integration on SQLite and on
//! PostgreSQL, and the browser tests against a running gateway on each
//! database. Nothing is fetched from outside the package registries.

mod bench;
mod deb;
mod fuzz;
mod loadbench;
mod pg;
mod prompts;
mod setup;
mod ui;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("run") => run(&args[1..]),
        Some("test") => test(&args[1..]),
        Some("bench") => bench::run(&root(), &args[1..]),
        Some("setup") => setup::all(&root(), setup::Purpose::Test),
        Some("ui") => ui::build(&root()),
        Some("prompts") => prompts::run(&root(), &args[1..]),
        Some("deb") => deb::run(&root(), &args[1..]),
        _ => {
            eprintln!(
                "usage: cargo xtask <command>\n\n  run     set up, build, and serve the gateway with demo data\n  test    set up, build, and run every test (unit, integration, browser; SQLite and PostgreSQL)\n  bench   run the benchmarks and write BENCHMARKS.md\n  setup   only install what the tests need\n  ui      only build the browser apps\n  prompts remake the voice prompts (assets/prompts) with espeak-ng and sox\n  deb     build the Debian package (target/deb/); --test installs, upgrades and removes it here (root)"
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// The repository root (xtask lives one level below it).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask is inside the workspace").to_owned()
}

/// Where cargo puts its builds, honouring CARGO_TARGET_DIR.
pub fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root.join("target"))
}

/// Runs a command, failing with its command line if it fails.
pub fn status(cmd: &mut Command) -> Result<()> {
    let shown = format!("{cmd:?}");
    let s = cmd.status().with_context(|| format!("starting {shown}"))?;
    if !s.success() {
        bail!("{shown} failed ({s})");
    }
    Ok(())
}

/// Runs `cmd` in a process group of its own and waits for it, at most
/// `limit`: past that the whole group (the command and whatever it started)
/// is killed and this fails, so one stuck test cannot eat the CI's time.
pub fn status_within(cmd: &mut Command, limit: Duration) -> Result<()> {
    use std::os::unix::process::CommandExt;
    let shown = format!("{cmd:?}");
    let mut child = cmd.process_group(0).spawn().with_context(|| format!("starting {shown}"))?;
    let deadline = Instant::now() + limit;
    loop {
        if let Some(s) = child.try_wait()? {
            if !s.success() {
                bail!("{shown} failed ({s})");
            }
            return Ok(());
        }
        if Instant::now() > deadline {
            let group = format!("-{}", child.id());
            let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
            let _ = child.wait();
            bail!("{shown} was still running after {limit:?}; killed it and everything it started");
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// A command's standard output, if it runs and succeeds.
pub fn output(cmd: &mut Command) -> Option<String> {
    let o = cmd.output().ok()?;
    o.status.success().then(|| String::from_utf8_lossy(&o.stdout).into_owned())
}

fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

fn run(args: &[String]) -> Result<()> {
    let root = root();
    setup::all(&root, setup::Purpose::Run)?;
    ui::build(&root)?;
    status(cargo().current_dir(&root).args(["build", "-p", "gateway"]))?;
    let gateway = target_dir(&root).join("debug/gateway");
    println!();
    println!("  Agent desktop:      http://127.0.0.1:8080/agent/");
    println!("  Supervisor desktop: http://127.0.0.1:8080/supervisor/");
    println!("  API document:       http://127.0.0.1:8080/api/v1/openapi.json");
    println!();
    println!("  Demo logins:");
    println!("    supervisor  sara / demo-supervisor");
    println!("    agents      rania, omid, elif, karim / demo-agent");
    println!("    admin       admin / demo-admin");
    println!();
    println!("  Data in ./data (SQLite). Stop with Ctrl-C.");
    println!();
    // Ctrl-C reaches the gateway too (same process group); it shuts down
    // cleanly and we return its status.
    let mut cmd = Command::new(gateway);
    cmd.current_dir(&root).args(["serve", "--demo"]).args(args);
    let s = cmd.status().context("starting the gateway")?;
    if !s.success() && s.code().is_some() {
        bail!("the gateway stopped with {s}");
    }
    Ok(())
}

fn test(_args: &[String]) -> Result<()> {
    let root = root();
    setup::all(&root, setup::Purpose::Test)?;
    ui::build(&root)?;
    ui::check_sizes(&root)?;
    let pg = pg::Cluster::start(&root).context("starting a throwaway PostgreSQL")?;

    // Unit and integration tests. Store tests read the PostgreSQL URL and run
    // on both databases; CC_REQUIRE_POSTGRES and CC_REQUIRE_PEERS make tests
    // fail rather than skip if PostgreSQL or a peer (sipp) were missing.
    // Bounded (building included) so that a stuck test names itself here
    // instead of running into the CI's own limit.
    status_within(
        cargo()
            .current_dir(&root)
            .args(["test", "--workspace", "--exclude", "agent-ui", "--exclude", "supervisor-ui", "--exclude", "ui-kit"])
            .env("CC_TEST_POSTGRES_URL", pg.admin_url())
            .env("CC_REQUIRE_POSTGRES", "1")
            .env("CC_REQUIRE_PEERS", "1"),
        Duration::from_secs(45 * 60),
    )?;
    // ui-kit's message catalogues and parsers, and the agent desk's plain
    // logic, are plain Rust: test them natively.
    status(cargo().current_dir(&root).args(["test", "-p", "ui-kit", "-p", "agent-ui", "--lib", "--bins"]))?;
    fuzz::smoke(&root)?;

    // Browser tests against the real gateway, once per database.
    status(cargo().current_dir(&root).args(["build", "-p", "gateway"]))?;
    let gateway = target_dir(&root).join("debug/gateway");
    let artifacts = root.join("e2e/artifacts");
    std::fs::create_dir_all(&artifacts)?;
    let sqlite_dir = tempdir(&root, "e2e-sqlite")?;
    let sqlite_url = format!("sqlite://{}/cc.db", sqlite_dir.display());
    ui::e2e(&root, &gateway, &sqlite_url, &artifacts.join("sqlite"))?;
    let pg_url = pg.create_database("cc_e2e")?;
    ui::e2e(&root, &gateway, &pg_url, &artifacts.join("postgres"))?;
    std::fs::remove_dir_all(&sqlite_dir).ok();
    drop(pg);
    println!("xtask: every test passed");
    Ok(())
}

/// A fresh folder under the target dir.
pub fn tempdir(root: &Path, name: &str) -> Result<PathBuf> {
    let dir = target_dir(root).join("xtask-tmp").join(format!("{name}-{}", std::process::id()));
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// A TCP port that was free on 127.0.0.1 a moment ago.
pub fn free_port() -> Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}
