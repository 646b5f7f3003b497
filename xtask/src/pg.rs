//! A throwaway PostgreSQL cluster from Debian's package, on a loopback port,
//! removed when dropped.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::{free_port, output, status, tempdir};

pub struct Cluster {
    bin: PathBuf,
    dir: PathBuf,
    port: u16,
    as_postgres: bool,
}

/// The newest installed server's `bin` folder.
fn bin_dir() -> Result<PathBuf> {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .context("PostgreSQL is not installed (/usr/lib/postgresql is missing)")?
        .filter_map(|e| e.ok())
        .filter_map(|e| Some((e.file_name().to_str()?.parse().ok()?, e.path().join("bin"))))
        .filter(|(_, p)| p.join("initdb").exists())
        .collect();
    versions.sort();
    versions.pop().map(|(_, p)| p).context("no initdb under /usr/lib/postgresql/*/bin")
}

impl Cluster {
    pub fn start(root: &Path) -> Result<Cluster> {
        let bin = bin_dir()?;
        let dir = tempdir(root, "pg")?;
        // initdb refuses to run as root: the cluster then belongs to the
        // `postgres` user that Debian's package creates.
        let as_postgres = output(Command::new("id").arg("-u")).is_some_and(|u| u.trim() == "0");
        if as_postgres {
            status(Command::new("chown").arg("-R").arg("postgres:postgres").arg(&dir))?;
            // The folders above must be traversable by postgres.
            let mut p = dir.parent();
            while let Some(d) = p {
                if d == Path::new("/") {
                    break;
                }
                let _ = Command::new("chmod").arg("o+x").arg(d).status();
                p = d.parent();
            }
        }
        let port = free_port()?;
        let data = dir.join("data");
        let mut c = Cluster { bin, dir, port, as_postgres };
        c.pg(&["initdb", "-D"], &[&data], &["-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8", "--locale=C"])
            .context("initdb")?;
        let opts = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c synchronous_commit=off",
            c.dir.display()
        );
        let log = c.dir.join("server.log");
        c.pg(&["pg_ctl", "-w", "-t", "60", "-D"], &[&data], &["-l", &log.display().to_string(), "-o", &opts, "start"])
            .with_context(|| format!("pg_ctl start (log: {})", log.display()))?;
        c.port = port;
        // Wait until it accepts TCP connections.
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                println!("xtask: PostgreSQL on 127.0.0.1:{port}");
                return Ok(c);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        bail!("PostgreSQL did not accept connections (log: {})", log.display())
    }

    /// Runs one of the server's programs, as `postgres` when we are root.
    fn pg(&self, prog_and_first: &[&str], paths: &[&Path], rest: &[&str]) -> Result<()> {
        let prog = self.bin.join(prog_and_first[0]);
        let mut cmd = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(prog);
            c
        } else {
            Command::new(prog)
        };
        cmd.args(&prog_and_first[1..]).args(paths).args(rest).current_dir(&self.dir);
        let out = cmd.output().with_context(|| format!("starting {cmd:?}"))?;
        if !out.status.success() {
            bail!("{cmd:?} failed: {}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        }
        Ok(())
    }

    /// A URL with rights to create databases.
    pub fn admin_url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// Creates an empty database and returns its URL.
    pub fn create_database(&self, name: &str) -> Result<String> {
        let psql = self.bin.join("psql");
        status(Command::new(psql).args([
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "-d",
            &self.admin_url(),
            // Separate -c options: DROP DATABASE cannot share a transaction.
            "-c",
            &format!("DROP DATABASE IF EXISTS {name}"),
            "-c",
            &format!("CREATE DATABASE {name}"),
        ]))?;
        Ok(format!("postgres://postgres@127.0.0.1:{}/{name}", self.port))
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let data = self.dir.join("data");
        let _ = self.pg(&["pg_ctl", "-w", "-D"], &[&data], &["-m", "immediate", "stop"]);
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
