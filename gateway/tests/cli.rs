//! The `gateway` command line: a bad config stops it with the key and the
//! reason; `migrate` and `user add` work on a fresh database.

use std::io::Write;
use std::process::{Command, Stdio};

fn gateway() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_gateway"));
    c.env_remove("DATABASE_URL").env_remove("CC_CONFIG").env("RUST_LOG", "warn");
    c
}

fn tempdir() -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("cc-cli-{}-{}", std::process::id(), rand::random::<u64>()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn a_bad_config_names_the_key_and_fails() {
    let dir = tempdir();
    let cfg = dir.join("gateway.toml");
    std::fs::write(&cfg, "[sessions]\nidle_timeout_secs = \"an hour\"\n").unwrap();
    let out = gateway().arg("--config").arg(&cfg).arg("check-config").output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("idle_timeout_secs") && err.contains("line 2"), "{err}");

    let out = gateway().arg("check-config").env("CC_HTTP__LISTEN", "nowhere").output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("CC_HTTP__LISTEN"), "{err}");

    let out = gateway().arg("--config").arg(dir.join("missing.toml")).arg("check-config").output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.toml"));
}

#[test]
fn migrate_and_add_a_user() {
    let dir = tempdir();
    let url = format!("sqlite://{}/cc.db", dir.display());
    let out = gateway().arg("migrate").env("DATABASE_URL", &url).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let add = |password: &str| {
        let mut child = gateway()
            .args([
                "user",
                "add",
                "--username",
                "Nadia",
                "--display-name",
                "Nadia Saleh",
                "--role",
                "supervisor",
                "--language",
                "ar",
            ])
            .env("DATABASE_URL", &url)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(format!("{password}\n").as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    };
    let short = add("short");
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("password"));
    let ok = add("a long enough password");
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    assert!(String::from_utf8_lossy(&ok.stdout).contains("created supervisor nadia"));
    let again = add("a long enough password");
    assert!(!again.status.success(), "usernames are unique");
}

#[test]
fn cert_self_signed_writes_a_pair_that_serve_accepts() {
    let dir = tempdir();
    let run = |extra: &[&str]| {
        gateway()
            .current_dir(&dir)
            .args(["cert", "self-signed", "--host", "cc.lan", "--host", "192.168.1.20"])
            .args(extra)
            .output()
            .unwrap()
    };
    let out = run(&[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("SHA-256 fingerprint") && text.contains("[http.tls]") && text.contains("certutil"), "{text}");
    let (cert, key) = (dir.join("data/tls/cert.pem"), dir.join("data/tls/key.pem"));
    assert!(std::fs::read_to_string(&cert).unwrap().starts_with("-----BEGIN CERTIFICATE-----"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&key).unwrap().permissions().mode() & 0o777, 0o600, "the key is private");
    }
    let out = run(&[]);
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("--force"));
    assert!(run(&["--force"]).status.success());

    // check-config loads the pair, and names the key when a file is missing.
    let cfg = dir.join("gateway.toml");
    std::fs::write(&cfg, "[http.tls]\ncert = \"data/tls/cert.pem\"\nkey = \"data/tls/key.pem\"\n").unwrap();
    let out = gateway().current_dir(&dir).arg("--config").arg(&cfg).arg("check-config").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    std::fs::write(&cfg, "[http.tls]\ncert = \"data/tls/nope.pem\"\nkey = \"data/tls/key.pem\"\n").unwrap();
    let out = gateway().current_dir(&dir).arg("--config").arg(&cfg).arg("check-config").output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("http.tls.cert") && err.contains("nope.pem"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}
