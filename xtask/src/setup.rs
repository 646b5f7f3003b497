//! Installs what the project needs and is missing, and nothing twice.
//!
//! Everything comes from the package registries: rustup's target, crates.io
//! (Trunk, wasm-bindgen-cli, at pinned versions), the npm registry
//! (playwright-core, binaryen's wasm-opt) and Debian's packages. A second run
//! finds everything in place and returns at once.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::{output, status};

/// Trunk 0.22 needs a newer rustc than this project's; see BUILD notes in
/// ARCHITECTURE.md.
pub const TRUNK: &str = "0.21.14";
/// Must equal the `wasm-bindgen` crate pinned in the workspace Cargo.toml.
pub const WASM_BINDGEN: &str = "0.2.130";
/// The fuzz targets' runner (see gateway/fuzz/README.md).
pub const CARGO_FUZZ: &str = "0.13.2";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Run,
    Test,
}

/// Debian packages the tests need: the browser, the database, a font with
/// Arabic script for readable screenshots, sipp (`sip-tester`) as the carrier,
/// kamailio as the carrier's registrar, baresip (`baresip-core`, without the
/// desktop front ends) as a real softphone for interop, and coturn as the
/// browsers' TURN relay (e2e/tests/31-turn-relay starts its own `turnserver`
/// on loopback).
const TEST_PACKAGES: &[&str] =
    &["chromium", "postgresql", "fonts-noto-core", "sip-tester", "kamailio", "baresip-core", "coturn"];

pub fn all(root: &Path, purpose: Purpose) -> Result<()> {
    let mut packages: Vec<&str> = Vec::new();
    if output(Command::new("node").arg("--version")).is_none() {
        packages.extend(["nodejs", "npm"]);
    }
    if purpose == Purpose::Test {
        packages.extend(TEST_PACKAGES);
    }
    debian(&packages)?;
    wasm_target()?;
    cargo_tool("trunk", TRUNK, "trunk", &["--locked"])?;
    // wasm-bindgen-cli's lock file does not resolve here; install unlocked.
    cargo_tool("wasm-bindgen", WASM_BINDGEN, "wasm-bindgen-cli", &[])?;
    if purpose == Purpose::Test {
        cargo_tool("cargo-fuzz", CARGO_FUZZ, "cargo-fuzz", &["--locked"])?;
    }
    npm(root)?;
    Ok(())
}

pub fn debian(packages: &[&str]) -> Result<()> {
    let missing: Vec<&str> = packages
        .iter()
        .copied()
        .filter(|p| {
            !output(Command::new("dpkg-query").args(["-W", "-f=${Status}", p]))
                .is_some_and(|s| s.contains("install ok installed"))
        })
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let root = output(Command::new("id").arg("-u")).is_some_and(|u| u.trim() == "0");
    if !root {
        bail!(
            "these Debian packages are missing: {list}\nInstall them as root and run again:\n  sudo apt-get install -y {list}",
            list = missing.join(" ")
        );
    }
    println!("xtask: installing Debian packages: {}", missing.join(" "));
    status(Command::new("apt-get").args(["-q", "-o", "DPkg::Lock::Timeout=600", "update"]))?;
    status(
        Command::new("apt-get")
            .args(["-q", "-y", "-o", "DPkg::Lock::Timeout=600", "install", "--no-install-recommends"])
            .args(&missing)
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )
}

fn wasm_target() -> Result<()> {
    let installed = output(Command::new("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if installed.lines().any(|l| l.trim() == "wasm32-unknown-unknown") {
        return Ok(());
    }
    status(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))
}

/// Installs `krate` at `version` unless `bin --version` already says it.
fn cargo_tool(bin: &str, version: &str, krate: &str, extra: &[&str]) -> Result<()> {
    let have = output(Command::new(bin).arg("--version")).unwrap_or_default();
    if have.split_whitespace().any(|w| w == version) {
        return Ok(());
    }
    println!("xtask: installing {krate} {version} (once per machine; a few minutes)");
    status(
        Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args(["install", krate, "--version", version])
            .args(extra),
    )
    .with_context(|| format!("installing {krate} {version}"))
}

/// `npm ci` in e2e/ when its lock file changed since the last install.
fn npm(root: &Path) -> Result<()> {
    let dir = root.join("e2e");
    let lock = dir.join("package-lock.json");
    let stamp = dir.join("node_modules/.package-lock.json");
    let fresh = match (std::fs::metadata(&lock), std::fs::metadata(&stamp)) {
        (Ok(l), Ok(s)) => s.modified()? >= l.modified()?,
        _ => false,
    };
    if fresh && dir.join("node_modules/.bin/wasm-opt").exists() {
        return Ok(());
    }
    status(Command::new("npm").args(["ci", "--no-audit", "--no-fund"]).current_dir(&dir)).context("npm ci in e2e/")
}
