//! Building the browser apps with Trunk, and running the browser tests
//! against a live gateway.

use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::{free_port, status, status_within};

pub const APPS: &[&str] = &["agent", "supervisor"];

/// PATH with npm's binaryen (`wasm-opt`) first: Debian's binaryen writes
/// broken release builds (see ARCHITECTURE.md, build notes).
fn path_with_npm_bin(root: &Path) -> std::ffi::OsString {
    let mut paths = vec![root.join("e2e/node_modules/.bin")];
    if let Some(p) = std::env::var_os("PATH") {
        paths.extend(std::env::split_paths(&p));
    }
    std::env::join_paths(paths).expect("PATH entries have no separators")
}

/// Release builds of both apps into `dist/<app>`, with the one Trunk.toml
/// at the root (offline, pinned wasm-bindgen and wasm-opt), and the UI
/// languages' message files into `dist/i18n`, where the gateway serves them
/// to the apps (which carry English only).
pub fn build(root: &Path) -> Result<()> {
    copy_messages(root)?;
    for app in APPS {
        status(
            Command::new("trunk")
                // The target goes before --release, which takes an optional value.
                .args(["build", "--config", "Trunk.toml"])
                .arg(format!("{app}-ui/index.html"))
                .arg("--release")
                .args(["--dist", &format!("dist/{app}"), "--public-url", &format!("/{app}/")])
                .current_dir(root)
                .env("PATH", path_with_npm_bin(root)),
        )
        .with_context(|| format!("building the {app} app"))?;
    }
    Ok(())
}

/// `assets/i18n/*.ftl` → `dist/i18n/`, replacing what was there.
pub fn copy_messages(root: &Path) -> Result<()> {
    let from = root.join("assets/i18n");
    let to = root.join("dist/i18n");
    if to.exists() {
        std::fs::remove_dir_all(&to).with_context(|| format!("removing {}", to.display()))?;
    }
    std::fs::create_dir_all(&to)?;
    let mut n = 0;
    for entry in std::fs::read_dir(&from).with_context(|| format!("reading {}", from.display()))? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "ftl") {
            std::fs::copy(&path, to.join(path.file_name().expect("a file has a name")))
                .with_context(|| format!("copying {}", path.display()))?;
            n += 1;
        }
    }
    if n == 0 {
        bail!("no message files in {}", from.display());
    }
    Ok(())
}

/// The most an app may weigh, gzipped (wasm + JS + CSS). The agent
/// desktop's issue asks for at most 600 KB: agents load it every shift.
/// The supervisor desktop's issue names no figure; it carries the admin
/// settings screens, and 800 KB keeps it from growing unnoticed (loading
/// the settings as a wasm of their own would bring it back under 600).
pub fn max_gzipped(app: &str) -> u64 {
    match app {
        "agent" => 600 * 1000,
        _ => 800 * 1000,
    }
}

/// The most the web call button may weigh, gzipped, before a call starts
/// (issue 7): what a customer's page loads is the script alone.
pub const MAX_WIDGET_GZIPPED: u64 = 50 * 1000;

fn gzipped(path: &Path) -> Result<u64> {
    let out = Command::new("gzip").args(["-9", "-c"]).arg(path).output().context("running gzip")?;
    if !out.status.success() {
        bail!("gzip failed on {}", path.display());
    }
    Ok(out.stdout.len() as u64)
}

/// Weighs each built app as a browser downloads it (gzip -9 of its wasm,
/// JS and CSS; the one language's message file fetched beside them, at
/// most about 12 KB, is printed apart), and the web call button's script;
/// prints them, and fails past [`max_gzipped`] or [`MAX_WIDGET_GZIPPED`].
pub fn check_sizes(root: &Path) -> Result<()> {
    let widget = gzipped(&root.join("assets/widget/widget.js"))?;
    println!(
        "xtask: the web call button weighs {} KB gzipped (at most {} KB)",
        widget.div_ceil(1000),
        MAX_WIDGET_GZIPPED / 1000
    );
    if widget > MAX_WIDGET_GZIPPED {
        bail!("the web call button weighs {widget} bytes gzipped, more than {MAX_WIDGET_GZIPPED}");
    }
    let mut largest_messages = 0;
    for entry in std::fs::read_dir(root.join("dist/i18n")).context("dist/i18n: build the apps first")? {
        largest_messages = largest_messages.max(gzipped(&entry?.path())?);
    }
    println!("xtask: the largest message file weighs {} KB gzipped", largest_messages.div_ceil(1000));
    for app in APPS {
        let dir = root.join("dist").join(app);
        let mut total = 0u64;
        for entry in std::fs::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))? {
            let path = entry?.path();
            if !path.extension().is_some_and(|e| e == "wasm" || e == "js" || e == "css") {
                continue;
            }
            total += gzipped(&path)?;
        }
        let max = max_gzipped(app);
        println!("xtask: the {app} app weighs {} KB gzipped (at most {} KB)", total / 1000, max / 1000);
        if total > max {
            bail!("the {app} app weighs {total} bytes gzipped, more than {max}");
        }
    }
    Ok(())
}

/// A gateway process that is killed when dropped.
struct Gateway {
    child: Child,
}

impl Drop for Gateway {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `gateway serve --demo` on `database_url` and a free port, runs the
/// browser tests against it, and checks that it shuts down cleanly on
/// SIGTERM.
pub fn e2e(root: &Path, gateway: &Path, database_url: &str, artifacts: &Path) -> Result<()> {
    std::fs::create_dir_all(artifacts)?;
    let port = free_port()?;
    let base = format!("http://127.0.0.1:{port}");
    let log_path = artifacts.join("gateway.log");
    let log = std::fs::File::create(&log_path)?;
    let sip = format!("127.0.0.1:{}", free_port()?);
    let child = Command::new(gateway)
        .args(["serve", "--demo", "--listen", &format!("127.0.0.1:{port}")])
        .args(["--sip-listen", &sip])
        .current_dir(root)
        .env("DATABASE_URL", database_url)
        .env("CC_HTTP__UI_DIR", root.join("dist"))
        .env("CC_WEBRTC__LISTEN", "127.0.0.1:0")
        // Every browser of every test signs in from 127.0.0.1: the limit per
        // source address (for one attacker trying many accounts) would stop
        // the suite. The per-account limit stays as configured (test 03).
        .env("CC_LOGIN_LIMITS__ADDRESS_ATTEMPTS", "100000")
        .env("RUST_LOG", "info")
        .stdout(log.try_clone()?)
        .stderr(log)
        .spawn()
        .context("starting the gateway")?;
    let mut gw = Gateway { child };
    wait_healthy(&mut gw, port, &log_path)?;
    println!(
        "xtask: browser tests against {base} ({})",
        if database_url.starts_with("postgres") { "PostgreSQL" } else { "SQLite" }
    );
    let tests: Vec<PathBuf> = std::fs::read_dir(root.join("e2e/tests"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "js" || x == "mjs"))
        .collect();
    let mut sorted = tests;
    sorted.sort();
    // The suite takes about 6 minutes; a hang (a browser, a child gateway
    // or a peer that never exits) is cut off well inside the CI's limit.
    let r = status_within(
        Command::new("node")
            .arg("--test")
            .arg("--test-concurrency=1")
            .args(&sorted)
            .current_dir(root.join("e2e"))
            .env("CC_E2E_BASE_URL", &base)
            .env("CC_E2E_SIP", &sip)
            // Tests that need a gateway of their own (30-https-wss) start this one.
            .env("CC_E2E_GATEWAY", gateway)
            .env("CC_E2E_ARTIFACTS", artifacts),
        Duration::from_secs(20 * 60),
    );
    if r.is_err() {
        eprintln!("xtask: the gateway's log is at {}", log_path.display());
    }
    r?;
    // Graceful shutdown on SIGTERM is part of the contract.
    status(Command::new("kill").args(["-TERM", &gw.child.id().to_string()]))?;
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        if let Some(s) = gw.child.try_wait()? {
            if !s.success() {
                bail!("the gateway exited with {s} after SIGTERM (log: {})", log_path.display());
            }
            break;
        }
        if Instant::now() > deadline {
            bail!("the gateway did not stop within 15 s of SIGTERM (log: {})", log_path.display());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Ok(())
}

fn wait_healthy(gw: &mut Gateway, port: u16, log: &Path) -> Result<()> {
    use std::io::{Read, Write};
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if let Some(s) = gw.child.try_wait()? {
            bail!("the gateway exited with {s} (log: {})", log.display());
        }
        if let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
            let _ = s.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
            let mut buf = String::new();
            let _ = s.read_to_string(&mut buf);
            if buf.starts_with("HTTP/1.1 200") {
                return Ok(());
            }
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    bail!("the gateway did not answer /healthz within 60 s (log: {})", log.display())
}
