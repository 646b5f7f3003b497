//! `cargo xtask deb`: a Debian package of the gateway, built with
//! `dpkg-deb` from a staging folder (no cargo-deb).
//!
//! The package `contact-center` holds the release binary as
//! `/usr/bin/contact-center-gateway`, the built browser apps and the voice
//! prompts in `/usr/share/contact-center/`, a default config in
//! `/etc/contact-center/gateway.toml` (a conffile) with its data in
//! `/var/lib/contact-center/`, and a systemd unit running it as the system
//! user `contact-center`, logging to the journal. `postinst` creates the
//! user and the data folders, migrates the database and (re)starts the
//! service when systemd runs; removal keeps the data, purge deletes it.
//!
//! `cargo xtask deb --test` (root, opt-in: it needs a release build)
//! builds two versions and installs, runs, upgrades, removes and purges
//! the package on this machine; see [`test`].

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};

use crate::{cargo, free_port, output, status, target_dir};

pub const PACKAGE: &str = "contact-center";
const BIN: &str = "/usr/bin/contact-center-gateway";
const CONFIG: &str = "/etc/contact-center/gateway.toml";
const DATA: &str = "/var/lib/contact-center";
const UNIT: &str = "/lib/systemd/system/contact-center.service";

/// The default config: a conffile, so an operator's edits survive upgrades.
const DEFAULT_CONFIG: &str = r#"# The contact center gateway's config. Your edits survive upgrades.
# Every key with its default and meaning: /usr/share/contact-center/gateway.example.toml
# Ports, certificate, trunk, first admin, backups: /usr/share/doc/contact-center/OPERATOR.md
# Everything listens on loopback until you change it.

[http]
listen = "127.0.0.1:8080"
ui_dir = "/usr/share/contact-center/dist"
# public_url = "https://cc.example.com"
# [http.tls]
# cert = "/etc/contact-center/tls/fullchain.pem"
# key = "/etc/contact-center/tls/privkey.pem"

[database]
url = "sqlite:///var/lib/contact-center/cc.db"
# url = "postgres://cc:PASSWORD@127.0.0.1/cc"

[sip]
listen_udp = "127.0.0.1:5060"
listen_tcp = "127.0.0.1:5060"
# [[sip.trunks]]
# name = "carrier"
# addresses = ["192.0.2.10"]

[webrtc]
listen = "127.0.0.1:10000"
# [[webrtc.ice_servers]]
# urls = ["turn:turn.example.com:3478?transport=udp"]
# secret = "coturn's static-auth-secret"

[media]
rtp_address = "127.0.0.1"
rtp_ports = [20000, 29999]
recordings_dir = "/var/lib/contact-center/recordings"
voicemail_dir = "/var/lib/contact-center/voicemail"
prompts_dir = "/usr/share/contact-center/prompts"
prompts_override_dir = "/var/lib/contact-center/prompts"

[log]
filter = "info"
"#;

const SERVICE: &str = r#"[Unit]
Description=Contact center gateway (SIP, WebRTC, agent and supervisor desks)
Documentation=file:///usr/share/doc/contact-center/OPERATOR.md
After=network-online.target postgresql.service
Wants=network-online.target

[Service]
Type=simple
User=contact-center
Group=contact-center
ExecStart=/usr/bin/contact-center-gateway --config /etc/contact-center/gateway.toml serve
Restart=on-failure
RestartSec=2s
TimeoutStopSec=20s
# Logs go to stdout, hence the journal (journalctl -u contact-center).
Environment=NO_COLOR=1
StateDirectory=contact-center
StateDirectoryMode=0750
WorkingDirectory=/var/lib/contact-center
UMask=0027
LimitNOFILE=65536

# Hardening: the gateway writes only its data folder.
NoNewPrivileges=yes
ProtectSystem=strict
ReadWritePaths=/var/lib/contact-center
ProtectHome=yes
PrivateTmp=yes
PrivateDevices=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
ProtectClock=yes
ProtectHostname=yes
RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX
RestrictNamespaces=yes
RestrictRealtime=yes
RestrictSUIDSGID=yes
LockPersonality=yes
MemoryDenyWriteExecute=yes
SystemCallArchitectures=native
SystemCallFilter=@system-service
SystemCallFilter=~@privileged @resources
CapabilityBoundingSet=
# Only to listen on ports below 1024 (e.g. HTTPS on 443), in a drop-in
# (systemctl edit contact-center):
#   [Service]
#   AmbientCapabilities=CAP_NET_BIND_SERVICE
#   CapabilityBoundingSet=CAP_NET_BIND_SERVICE

[Install]
WantedBy=multi-user.target
"#;

const POSTINST: &str = r#"#!/bin/sh
set -e

if [ "$1" = configure ]; then
    if ! getent passwd contact-center >/dev/null; then
        adduser --system --group --quiet --home /var/lib/contact-center --no-create-home \
            --gecos "Contact center gateway" contact-center
    fi
    for d in /var/lib/contact-center /var/lib/contact-center/recordings \
             /var/lib/contact-center/voicemail /var/lib/contact-center/prompts; do
        [ -d "$d" ] || install -d -m 0750 "$d"
        chown contact-center:contact-center "$d"
    done
    # The config may hold secrets (trunk and TURN): root writes it, the service reads it.
    chown root:contact-center /etc/contact-center/gateway.toml
    chmod 0640 /etc/contact-center/gateway.toml

    # Bring the database up to date now, as the service user, so that an
    # upgrade's migration problem shows here; the service migrates on start too.
    if runuser -u contact-center -- /usr/bin/contact-center-gateway \
            --config /etc/contact-center/gateway.toml migrate; then
        echo "contact-center: database up to date"
    else
        echo "contact-center: WARNING: the migration failed (see above); the service will try again when it starts" >&2
    fi

    if [ -z "$2" ] && command -v deb-systemd-helper >/dev/null; then
        deb-systemd-helper enable contact-center.service >/dev/null || true
    fi
    if [ -d /run/systemd/system ]; then
        systemctl daemon-reload
        if systemctl --quiet is-enabled contact-center.service; then
            systemctl restart contact-center.service
        fi
    else
        echo "contact-center: systemd is not running here, so the service was not started; start it with"
        echo "  runuser -u contact-center -- /usr/bin/contact-center-gateway --config /etc/contact-center/gateway.toml serve"
    fi
fi
exit 0
"#;

const PRERM: &str = r#"#!/bin/sh
set -e
if [ -d /run/systemd/system ] && { [ "$1" = remove ] || [ "$1" = deconfigure ]; }; then
    systemctl stop contact-center.service || true
fi
exit 0
"#;

const POSTRM: &str = r#"#!/bin/sh
set -e
case "$1" in
    remove)
        if command -v deb-systemd-helper >/dev/null; then
            deb-systemd-helper disable contact-center.service >/dev/null || true
        fi
        [ -d /run/systemd/system ] && systemctl daemon-reload || true
        echo "contact-center: removed; the data in /var/lib/contact-center and the config stay until purge"
        ;;
    purge)
        if command -v deb-systemd-helper >/dev/null; then
            deb-systemd-helper purge contact-center.service >/dev/null || true
        fi
        rm -rf /var/lib/contact-center
        rmdir /etc/contact-center 2>/dev/null || true
        # The system user stays (files elsewhere, e.g. backups, may still name it).
        ;;
esac
exit 0
"#;

struct Options {
    version: Option<String>,
    build: bool,
    test: bool,
}

pub fn run(root: &Path, args: &[String]) -> Result<()> {
    let mut o = Options { version: None, build: true, test: false };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--version" => o.version = Some(it.next().context("--version needs a value")?.clone()),
            "--no-build" => o.build = false,
            "--test" => o.test = true,
            _ => bail!("usage: cargo xtask deb [--version DEBIAN-VERSION] [--no-build] [--test]"),
        }
    }
    let started = Instant::now();
    if o.build {
        crate::ui::build(root)?;
        status(cargo().current_dir(root).args(["build", "--release", "-p", "gateway"]))?;
    }
    let base = o.version.clone().unwrap_or_else(|| format!("{}-1", crate_version(root)));
    let out = target_dir(root).join("deb");
    std::fs::create_dir_all(&out)?;
    if !o.test {
        let deb = build(root, &base, &out)?;
        println!("xtask: built {} in {:.0?}", deb.display(), started.elapsed());
        return Ok(());
    }
    // Two versions of the same build: the second upgrades the first.
    let old = build(root, &format!("{base}~test1"), &out)?;
    let new = build(root, &format!("{base}~test2"), &out)?;
    println!("xtask: built both packages in {:.0?}", started.elapsed());
    let t = Instant::now();
    test(root, &old, &new)?;
    println!("xtask: the package test passed in {:.0?} ({:.0?} with the builds)", t.elapsed(), started.elapsed());
    Ok(())
}

/// The gateway crate's version (`version = "…"` in gateway/Cargo.toml).
fn crate_version(root: &Path) -> String {
    std::fs::read_to_string(root.join("gateway/Cargo.toml"))
        .ok()
        .and_then(|t| {
            t.lines().find_map(|l| {
                let v = l.strip_prefix("version")?.trim().strip_prefix('=')?.trim();
                Some(v.trim_matches('"').to_owned())
            })
        })
        .unwrap_or_else(|| "0.1.0".into())
}

fn write(path: &Path, text: &str, mode: u32) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
    Ok(())
}

fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    ensure!(from.is_dir(), "{} is missing (build it first)", from.display());
    std::fs::create_dir_all(to)?;
    status(Command::new("cp").arg("-R").arg(format!("{}/.", from.display())).arg(to))
}

/// Lays out the package in a staging folder and builds
/// `out/contact-center_<version>_<arch>.deb` from the release binary,
/// `dist/` and `assets/prompts`, as they are.
pub fn build(root: &Path, version: &str, out: &Path) -> Result<PathBuf> {
    let binary = target_dir(root).join("release/gateway");
    ensure!(binary.exists(), "{} is missing: run without --no-build", binary.display());
    ensure!(root.join("dist/agent/index.html").exists(), "dist/ has no built apps: run without --no-build");
    // The apps carry English only and fetch the other languages from here.
    ensure!(root.join("dist/i18n/fa.ftl").exists(), "dist/ has no message files: run without --no-build");
    let arch = output(Command::new("dpkg").arg("--print-architecture")).context("dpkg --print-architecture")?;
    let arch = arch.trim();
    let stage = target_dir(root).join("xtask-tmp").join(format!("deb-{version}"));
    if stage.exists() {
        std::fs::remove_dir_all(&stage)?;
    }
    let share = stage.join("usr/share/contact-center");

    let bin = stage.join(BIN.trim_start_matches('/'));
    std::fs::create_dir_all(bin.parent().unwrap())?;
    std::fs::copy(&binary, &bin)?;
    status(Command::new("strip").arg("--strip-unneeded").arg(&bin)).context("strip (binutils)")?;
    copy_tree(&root.join("dist"), &share.join("dist"))?;
    copy_tree(&root.join("assets/prompts"), &share.join("prompts"))?;
    std::fs::copy(root.join("gateway/gateway.example.toml"), share.join("gateway.example.toml"))?;
    let doc = stage.join("usr/share/doc/contact-center");
    std::fs::create_dir_all(&doc)?;
    std::fs::copy(root.join("docs/OPERATOR.md"), doc.join("OPERATOR.md"))?;
    write(
        &doc.join("copyright"),
        "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\
         Upstream-Name: contact-center\n\nFiles: *\nLicense: AGPL-3.0-or-later\n",
        0o644,
    )?;
    write(&stage.join(CONFIG.trim_start_matches('/')), DEFAULT_CONFIG, 0o640)?;
    write(&stage.join(UNIT.trim_start_matches('/')), SERVICE, 0o644)?;

    let control = stage.join("DEBIAN");
    write(&control.join("conffiles"), &format!("{CONFIG}\n"), 0o644)?;
    write(&control.join("postinst"), POSTINST, 0o755)?;
    write(&control.join("prerm"), PRERM, 0o755)?;
    write(&control.join("postrm"), POSTRM, 0o755)?;
    let md5 = output(
        Command::new("sh").current_dir(&stage).args(["-c", "find usr lib -type f -print0 | sort -z | xargs -0 md5sum"]),
    )
    .context("md5sum of the files")?;
    write(&control.join("md5sums"), &md5, 0o644)?;
    let size_kb = output(Command::new("du").args(["-sk", "--exclude=DEBIAN"]).arg(&stage))
        .and_then(|s| s.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "0".into());
    write(
        &control.join("control"),
        &format!(
            "Package: {PACKAGE}\n\
             Version: {version}\n\
             Architecture: {arch}\n\
             Maintainer: Contact center maintainers <root@localhost>\n\
             Installed-Size: {size_kb}\n\
             Depends: {depends}, adduser\n\
             Suggests: coturn, postgresql\n\
             Section: comm\n\
             Priority: optional\n\
             Description: browser contact center: SIP/WebRTC gateway, agent and supervisor desks\n \
             One gateway carries calls between SIP trunks and agents' browsers\n \
             (WebRTC), with IVR, queues, recording, voicemail and reports, and serves\n \
             the agent and supervisor web apps. Runs as the systemd service\n \
             contact-center; see /usr/share/doc/contact-center/OPERATOR.md.\n",
            depends = shlib_depends(&bin)?,
        ),
        0o644,
    )?;
    let deb = out.join(format!("{PACKAGE}_{version}_{arch}.deb"));
    status(Command::new("dpkg-deb").args(["--root-owner-group", "-Zxz", "--build"]).arg(&stage).arg(&deb))?;
    std::fs::remove_dir_all(&stage).ok();
    Ok(deb)
}

/// The binary's library dependencies as Debian package relations, from
/// dpkg-shlibdeps (dpkg-dev) when present, else the two libraries `ldd`
/// shows for this binary today (libc and libgcc).
fn shlib_depends(bin: &Path) -> Result<String> {
    let fallback = "libc6, libgcc-s1".to_owned();
    if output(Command::new("sh").args(["-c", "command -v dpkg-shlibdeps"])).is_none() {
        return Ok(fallback);
    }
    let dir = bin.parent().unwrap().parent().unwrap().parent().unwrap().join("shlibdeps");
    write(
        &dir.join("debian/control"),
        "Source: contact-center\n\nPackage: contact-center\nArchitecture: any\n",
        0o644,
    )?;
    let found = output(Command::new("dpkg-shlibdeps").arg("-O").arg(bin).current_dir(&dir).stderr(Stdio::null()));
    std::fs::remove_dir_all(&dir).ok();
    Ok(found
        .and_then(|s| s.lines().find_map(|l| l.strip_prefix("shlibs:Depends=").map(|d| d.trim().to_owned())))
        .filter(|d| !d.is_empty())
        .unwrap_or(fallback))
}

// ---------------------------------------------------------------------------
// The install / upgrade / remove test.

fn sh(script: &str) -> Result<String> {
    let o = Command::new("sh").args(["-c", script]).output().with_context(|| format!("running {script}"))?;
    if !o.status.success() {
        bail!(
            "`{script}` failed ({}):\n{}{}",
            o.status,
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&o.stdout).into_owned())
}

fn sql(query: &str) -> Result<String> {
    let o = Command::new("sqlite3")
        .arg(format!("{DATA}/cc.db"))
        .arg(query)
        .output()
        .context("running sqlite3 (Debian sqlite3)")?;
    ensure!(o.status.success(), "sqlite3 {query}: {}", String::from_utf8_lossy(&o.stderr));
    Ok(String::from_utf8_lossy(&o.stdout).trim().to_owned())
}

fn installed_version() -> Option<String> {
    output(Command::new("dpkg-query").args(["-W", "-f=${Status} ${Version}", PACKAGE]))
}

/// Purges the package if the test installed it and did not finish.
struct Installed(bool);

impl Drop for Installed {
    fn drop(&mut self) {
        if self.0 {
            eprintln!("xtask: purging the test's {PACKAGE} package");
            let _ = Command::new("dpkg").args(["-P", PACKAGE]).status();
        }
    }
}

/// The installed gateway started by hand as its user (systemd is not
/// PID 1 here), on free loopback ports; killed when dropped.
struct Running {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Running {
    fn start(log: PathBuf) -> Result<Running> {
        let (port, sip) = (free_port()?, free_port()?);
        // setpriv execs the gateway itself (runuser would stay in between and
        // turn SIGTERM into a kill of its own).
        let child = Command::new("setpriv")
            .args(["--reuid=contact-center", "--regid=contact-center", "--init-groups", "--", BIN])
            .args(["--config", CONFIG, "serve"])
            .args(["--listen", &format!("127.0.0.1:{port}"), "--sip-listen", &format!("127.0.0.1:{sip}")])
            .env_clear()
            .env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
            .env("CC_WEBRTC__LISTEN", "127.0.0.1:0")
            .env("NO_COLOR", "1")
            .current_dir(DATA)
            .stdout(std::fs::File::create(&log)?)
            .stderr(std::fs::File::options().append(true).open(&log)?)
            .spawn()
            .context("starting the installed gateway")?;
        let mut r = Running { child, port, log };
        let until = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(s) = r.child.try_wait()? {
                bail!(
                    "the installed gateway exited with {s}:\n{}",
                    std::fs::read_to_string(&r.log).unwrap_or_default()
                );
            }
            if r.request("GET", "/healthz", None).is_ok_and(|(code, _)| code == 200) {
                return Ok(r);
            }
            ensure!(Instant::now() < until, "the installed gateway did not answer /healthz in 30 s");
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// One HTTP/1.0 request on loopback: (status, body).
    fn request(&self, method: &str, path: &str, json: Option<&str>) -> Result<(u16, String)> {
        let mut s = TcpStream::connect(("127.0.0.1", self.port))?;
        s.set_read_timeout(Some(Duration::from_secs(5)))?;
        let body = json.unwrap_or("");
        write!(
            s,
            "{method} {path} HTTP/1.0\r\nHost: 127.0.0.1:{}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            self.port,
            body.len()
        )?;
        let mut answer = String::new();
        s.read_to_string(&mut answer)?;
        let code = answer.split_whitespace().nth(1).and_then(|c| c.parse().ok()).context("no HTTP status")?;
        Ok((code, answer.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default()))
    }

    /// SIGTERM, and a clean exit within 15 s.
    fn stop(mut self) -> Result<()> {
        let pid = self.child.id();
        status(Command::new("kill").args(["-TERM", &pid.to_string()]))?;
        let until = Instant::now() + Duration::from_secs(15);
        loop {
            if let Some(s) = self.child.try_wait()? {
                ensure!(s.success(), "the installed gateway exited with {s} after SIGTERM");
                return Ok(());
            }
            ensure!(Instant::now() < until, "the installed gateway did not stop within 15 s of SIGTERM");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
            std::thread::sleep(Duration::from_secs(1));
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn step(what: &str) {
    println!("xtask: deb test: {what}");
}

/// Installs `old`, runs it as its user and gives it data, upgrades to
/// `new` (migrations run, data and config edits kept), runs it again,
/// removes it (data kept) and purges it (data gone). Refuses to run
/// where the package or its folders already exist, so it never touches
/// a real installation.
fn test(root: &Path, old: &Path, new: &Path) -> Result<()> {
    ensure!(
        output(Command::new("id").arg("-u")).is_some_and(|u| u.trim() == "0"),
        "the package test installs packages: run it as root"
    );
    if let Some(v) = installed_version().filter(|v| !v.contains("not-installed")) {
        bail!("{PACKAGE} is on this machine already ({v}); the test would replace and purge it");
    }
    for p in [DATA, "/etc/contact-center"] {
        ensure!(!Path::new(p).exists(), "{p} exists; the test would delete it at purge");
    }
    let systemd = Path::new("/run/systemd/system").exists();
    let pid1 = output(Command::new("ps").args(["-p", "1", "-o", "comm="])).unwrap_or_default();
    step(&format!(
        "PID 1 is {}: {}",
        pid1.trim(),
        if systemd { "systemd runs services" } else { "no systemd, the gateway is started by hand as its user" }
    ));
    let logs = crate::tempdir(root, "deb-test")?;
    let mut guard = Installed(false);

    // 1. Install.
    step(&format!("dpkg -i {}", old.display()));
    guard.0 = true;
    let out = sh(&format!("dpkg -i {} 2>&1", old.display()))?;
    print!("{out}");
    ensure!(out.contains("database up to date"), "postinst migrated the database");
    ensure!(installed_version().is_some_and(|v| v.starts_with("install ok installed")), "installed");
    for p in [
        BIN,
        CONFIG,
        UNIT,
        "/usr/share/contact-center/dist/agent/index.html",
        "/usr/share/contact-center/dist/i18n/fa.ftl",
        "/usr/share/contact-center/prompts/prompts.toml",
    ] {
        ensure!(Path::new(p).exists(), "{p} is installed");
    }
    sh("getent passwd contact-center")?;
    let owner = sh(&format!("stat -c %U:%G {DATA} {DATA}/cc.db {DATA}/recordings"))?;
    ensure!(
        owner.lines().all(|l| l == "contact-center:contact-center"),
        "the data belongs to the service user: {owner}"
    );
    ensure!(
        sh(&format!("stat -c %U:%G:%a {CONFIG}"))?.trim() == "root:contact-center:640",
        "the config is root's, readable by the service"
    );
    if output(Command::new("sh").args(["-c", "command -v systemd-analyze"])).is_some() {
        step("systemd-analyze verify");
        let v = Command::new("systemd-analyze").args(["verify", UNIT]).output()?;
        let said = format!("{}{}", String::from_utf8_lossy(&v.stdout), String::from_utf8_lossy(&v.stderr));
        print!("{said}");
        ensure!(
            v.status.success() && !said.contains("contact-center.service:"),
            "systemd-analyze verify found problems"
        );
        // The hardening score, for the record (lower is better; under 2 is "OK").
        if let Some(s) = output(Command::new("systemd-analyze").args(["security", "--offline=yes", UNIT])) {
            s.lines().filter(|l| l.contains("Overall exposure")).for_each(|l| step(l.trim()));
        }
    }
    if systemd {
        let active = sh("systemctl is-active contact-center.service || true")?;
        step(&format!("systemd: the service is {}", active.trim()));
        sh("systemctl stop contact-center.service")?;
    }

    // 2. Run it as its user; the first admin; data.
    step("first admin (gateway user add) and a start as contact-center");
    let mut add = Command::new("runuser")
        .args(["-u", "contact-center", "--", BIN, "--config", CONFIG, "user", "add"])
        .args(["--username", "opsadmin", "--display-name", "Ops Admin", "--role", "admin"])
        .current_dir(DATA)
        .stdin(Stdio::piped())
        .spawn()?;
    add.stdin.take().unwrap().write_all(b"package test password 1\n")?;
    ensure!(add.wait()?.success(), "gateway user add");
    let login = r#"{"username":"opsadmin","password":"package test password 1","app":"supervisor"}"#;
    let gw = Running::start(logs.join("gateway-1.log"))?;
    let (code, page) = gw.request("GET", "/agent/", None)?;
    ensure!(code == 200 && page.contains("<html"), "the installed agent app is served ({code})");
    ensure!(gw.request("POST", "/api/v1/sessions", Some(login))?.0 == 201, "the admin signs in");
    gw.stop()?;
    std::fs::write(format!("{DATA}/recordings/kept.wav"), b"RIFF a recording")?;

    // The database as the previous release left it: the newest migration
    // not yet applied (its objects dropped, its row deleted), when that
    // migration only creates objects.
    let migrations = root.join("gateway/migrations/sqlite");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&migrations)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "sql"))
        .collect();
    files.sort();
    let newest = files.last().context("no migrations")?;
    let newest_version: i64 = newest.file_name().unwrap().to_string_lossy().split('_').next().unwrap().parse()?;
    ensure!(
        sql("SELECT count(*) FROM _sqlx_migrations WHERE success = 1")? == files.len().to_string(),
        "every migration applied at install"
    );
    let newest_sql = std::fs::read_to_string(newest)?;
    let aged = if newest_sql.to_uppercase().contains("ALTER") || newest_sql.to_uppercase().contains("INSERT") {
        step(&format!("{} alters or fills existing tables: upgrading an unchanged schema", newest.display()));
        None
    } else {
        let before =
            files[..files.len() - 1].iter().map(|f| format!(".read {}", f.display())).collect::<Vec<_>>().join("\n");
        let scratch = logs.join("scratch.db");
        let mut s = Command::new("sqlite3").arg(&scratch).stdin(Stdio::piped()).stdout(Stdio::null()).spawn()?;
        s.stdin.take().unwrap().write_all(before.as_bytes())?;
        ensure!(s.wait()?.success(), "applying the older migrations to a scratch database");
        let names = |db: &str| {
            sh(&format!(
                "sqlite3 {db} \"SELECT type || ' ' || name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx%' AND type IN ('table','view','trigger')\""
            ))
        };
        let old_names = names(&scratch.display().to_string())?;
        let new_only: Vec<String> = names(&format!("{DATA}/cc.db"))?
            .lines()
            .filter(|l| !old_names.lines().any(|o| o == *l))
            .map(str::to_owned)
            .collect();
        ensure!(!new_only.is_empty(), "the newest migration creates something");
        let drops: String = new_only
            .iter()
            .map(|l| {
                let (kind, name) = l.split_once(' ').unwrap();
                format!("DROP {} IF EXISTS \"{name}\";", kind.to_uppercase())
            })
            .collect();
        sql(&format!("{drops} DELETE FROM _sqlx_migrations WHERE version = {newest_version};"))?;
        step(&format!("aged the database to before migration {newest_version} (dropped {})", new_only.join(", ")));
        Some(new_only)
    };
    // An operator's edit of the conffile, which the upgrade must keep.
    std::fs::OpenOptions::new().append(true).open(CONFIG)?.write_all(b"# edited by the operator\n")?;

    // 3. Upgrade.
    step(&format!("upgrade: dpkg -i --force-confold {}", new.display()));
    let out = sh(&format!("dpkg -i --force-confold {} 2>&1", new.display()))?;
    print!("{out}");
    ensure!(installed_version().is_some_and(|v| v.ends_with("~test2")), "upgraded to the second version");
    ensure!(
        sql("SELECT count(*) FROM _sqlx_migrations WHERE success = 1")? == files.len().to_string(),
        "the upgrade applied the missing migration"
    );
    if let Some(objects) = aged {
        for o in objects {
            let name = o.split_once(' ').unwrap().1;
            ensure!(
                sql(&format!("SELECT count(*) FROM sqlite_master WHERE name = '{name}'"))? == "1",
                "{name} is back after the upgrade"
            );
        }
    }
    ensure!(sql("SELECT count(*) FROM users WHERE username = 'opsadmin'")? == "1", "the admin survived the upgrade");
    ensure!(Path::new(&format!("{DATA}/recordings/kept.wav")).exists(), "recordings survive the upgrade");
    ensure!(
        std::fs::read_to_string(CONFIG)?.contains("# edited by the operator"),
        "the operator's config edit survives the upgrade"
    );
    if systemd {
        sh("systemctl stop contact-center.service")?;
    }
    let gw = Running::start(logs.join("gateway-2.log"))?;
    ensure!(
        gw.request("POST", "/api/v1/sessions", Some(login))?.0 == 201,
        "the admin still signs in after the upgrade"
    );
    gw.stop()?;

    // 4. Remove: program gone, data and config kept.
    step("dpkg -r");
    print!("{}", sh(&format!("dpkg -r {PACKAGE} 2>&1"))?);
    ensure!(installed_version().is_some_and(|v| v.contains("config-files")), "removed, config kept");
    for p in [BIN, UNIT, "/usr/share/contact-center"] {
        ensure!(!Path::new(p).exists(), "{p} is gone after removal");
    }
    for p in [CONFIG, &format!("{DATA}/cc.db"), &format!("{DATA}/recordings/kept.wav")] {
        ensure!(Path::new(p).exists(), "{p} stays after removal");
    }

    // 5. Purge: data and config gone.
    step("dpkg -P");
    print!("{}", sh(&format!("dpkg -P {PACKAGE} 2>&1"))?);
    guard.0 = false;
    ensure!(installed_version().is_none_or(|v| v.contains("not-installed")), "purged");
    for p in [DATA, "/etc/contact-center"] {
        ensure!(!Path::new(p).exists(), "{p} is gone after purge");
    }
    std::fs::remove_dir_all(&logs).ok();
    Ok(())
}
