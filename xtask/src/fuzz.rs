//! A short fuzzing run of every target in `gateway/fuzz`, part of
//! `cargo xtask test`.
//!
//! The targets run on the project's own (stable) toolchain: cargo-fuzz's
//! coverage instrumentation needs `-Z` flags, which `RUSTC_BOOTSTRAP=1`
//! allows, and no sanitizer is used (the code under test is safe Rust; the
//! fuzzers look for panics and broken round trips). Each target starts from
//! its seeds and its regressions (inputs that once failed, kept in
//! `gateway/fuzz/regressions/<target>/`), then explores for
//! `CC_FUZZ_SECONDS` (default 20). Builds go to the shared target dir, so
//! later runs are incremental.

use std::path::Path;
use std::process::Command;

use anyhow::Result;

use crate::{status, target_dir, tempdir};

const TARGETS: &[&str] = &["sip_message", "sip_uri", "digest", "sdp", "rtp"];

fn cargo_fuzz(root: &Path) -> Command {
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.current_dir(root.join("gateway"))
        .env("RUSTC_BOOTSTRAP", "1")
        .env("CARGO_TARGET_DIR", target_dir(root).join("fuzz"))
        .args(["fuzz"]);
    cmd
}

pub fn smoke(root: &Path) -> Result<()> {
    let seconds: u32 = std::env::var("CC_FUZZ_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(20);
    status(cargo_fuzz(root).args(["build", "--sanitizer", "none", "-O"]))?;
    let fuzz = root.join("gateway/fuzz");
    for target in TARGETS {
        let scratch = tempdir(root, &format!("fuzz-{target}"))?;
        let mut corpora = vec![scratch.clone()];
        for dir in [fuzz.join("seeds").join(target), fuzz.join("regressions").join(target)] {
            if dir.is_dir() {
                corpora.push(dir);
            }
        }
        if *target == "sip_message" {
            corpora.push(root.join("gateway/tests/data/sip/rfc4475"));
            corpora.push(root.join("gateway/tests/data/sip/rfc5118"));
        }
        println!("xtask: fuzzing {target} for {seconds} s");
        status(cargo_fuzz(root).args(["run", "--sanitizer", "none", "-O", target]).args(&corpora).args([
            "--",
            &format!("-max_total_time={seconds}"),
            "-max_len=4096",
            "-print_final_stats=0",
        ]))?;
        std::fs::remove_dir_all(&scratch).ok();
    }
    Ok(())
}
