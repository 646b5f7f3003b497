//! The `gateway` command: parses the command line and config, installs
//! logging, and wires the parts together. Nothing else lives here.

use std::io::BufRead;
use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};
use gateway::config::Config;
use gateway::http::Clock;
use gateway::store::{NewUser, Store, unix_ms};
use shared::Role;

#[derive(Parser)]
#[command(name = "gateway", version, about = "The contact center's gateway")]
struct Cli {
    /// TOML config file; every key has a default. Environment variables
    /// CC_<SECTION>__<KEY> and DATABASE_URL override it.
    #[arg(long, short, global = true, env = "CC_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Migrate the database and serve until Ctrl-C or SIGTERM.
    Serve {
        /// Fill an empty database with demo users, queues and customers.
        #[arg(long)]
        demo: bool,
        /// Listen here instead of `http.listen`.
        #[arg(long)]
        listen: Option<SocketAddr>,
        /// Listen for SIP (UDP and TCP) here instead of `sip.listen_udp` and
        /// `sip.listen_tcp`.
        #[arg(long)]
        sip_listen: Option<SocketAddr>,
    },
    /// Bring the database schema up to date and exit.
    Migrate,
    /// Check the config and print it as the gateway reads it.
    CheckConfig,
    /// Manage accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// TLS certificates for HTTPS.
    Cert {
        #[command(subcommand)]
        command: CertCommand,
    },
}

#[derive(Subcommand)]
enum CertCommand {
    /// Write a self-signed certificate and key for a LAN trial, and print
    /// how to use and trust them.
    SelfSigned {
        /// The name or IP address browsers use; repeat for more.
        #[arg(long, required = true)]
        host: Vec<String>,
        /// The certificate file; `http.tls.cert`, else data/tls/cert.pem.
        #[arg(long)]
        cert: Option<PathBuf>,
        /// The key file; `http.tls.key`, else data/tls/key.pem.
        #[arg(long)]
        key: Option<PathBuf>,
        /// Validity in days.
        #[arg(long, default_value_t = 365, value_parser = clap::value_parser!(i64).range(1..=3650))]
        days: i64,
        /// Replace existing files.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add an account. The password is read from the first line of stdin.
    Add {
        #[arg(long)]
        username: String,
        #[arg(long)]
        display_name: String,
        /// agent, supervisor or admin.
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// en, fa, ar or tr.
        #[arg(long, default_value = "en")]
        language: String,
    },
}

fn parse_role(s: &str) -> Result<Role, String> {
    Role::parse(s).ok_or_else(|| "one of agent, supervisor, admin".into())
}

fn main() -> std::process::ExitCode {
    match start() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gateway: error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn start() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let config = Config::load(cli.config.as_deref(), std::env::vars()).map_err(|e| anyhow::anyhow!("{e}"))?;
    let filter = std::env::var("RUST_LOG").unwrap_or_else(|_| config.log.filter.clone());
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_new(&filter).context("log.filter")?)
        .with_target(false)
        .init();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let r = runtime.block_on(run(cli.command, config));
    // Dropping a runtime waits for every blocking task (file I/O, password
    // hashing); one stuck there must not keep a stopped gateway alive.
    runtime.shutdown_timeout(std::time::Duration::from_secs(5));
    r
}

async fn run(command: Command, mut config: Config) -> anyhow::Result<()> {
    match command {
        Command::CheckConfig => {
            if let Some(t) = &config.http.tls {
                gateway::tls::CertStore::load(t)?;
            }
            println!("{config:#?}");
            Ok(())
        }
        Command::Cert { command: CertCommand::SelfSigned { host, cert, key, days, force } } => {
            self_signed(&config, &host, cert, key, days, force)
        }
        Command::Migrate => {
            let store = open(&config).await?;
            store.close().await;
            println!("database is up to date");
            Ok(())
        }
        Command::User { command: UserCommand::Add { username, display_name, role, language } } => {
            let username = username.to_lowercase();
            let mut password = String::new();
            std::io::stdin().lock().read_line(&mut password).context("reading the password from stdin")?;
            let password = password.trim_end_matches(['\r', '\n']);
            gateway::http::check_new_user(&username, &display_name, password, &language)
                .map_err(|e| anyhow::anyhow!(e))?;
            let store = open(&config).await?;
            let hash = gateway::auth::password::hash(password);
            let id = store
                .create_user(
                    &NewUser {
                        username: &username,
                        display_name: &display_name,
                        role,
                        password_hash: &hash,
                        language: &language,
                    },
                    unix_ms(std::time::SystemTime::now()),
                )
                .await?;
            store.close().await;
            println!("created {} {username} (id {id})", role.as_str());
            Ok(())
        }
        Command::Serve { demo, listen, sip_listen } => {
            if let Some(l) = listen {
                config.http.listen = l;
            }
            if let Some(l) = sip_listen {
                config.sip.listen_udp = l;
                config.sip.listen_tcp = l;
            }
            if demo && config.sip.trunks.is_empty() {
                // So that a softphone or sipp on this machine can call in.
                config.sip.trunks.push(gateway::demo::local_trunk());
                tracing::info!("demo: SIP from 127.0.0.1 is taken as the trunk \"local\"");
            }
            if demo && config.widgets.is_empty() {
                // The demo page's call button (/demo/widget).
                config.widgets.push(gateway::demo::demo_widget());
            }
            let store = open(&config).await?;
            if demo && gateway::demo::seed_demo(&store, unix_ms(std::time::SystemTime::now())).await? {
                let now = unix_ms(std::time::SystemTime::now());
                gateway::demo::seed_demo_desk(&store, &config.media.voicemail_dir, now).await?;
                gateway::demo::seed_demo_flows(&store, now).await?;
                tracing::info!("demo data written");
            }
            let listener = tokio::net::TcpListener::bind(config.http.listen)
                .await
                .with_context(|| format!("binding http.listen {}", config.http.listen))?;
            if !config.http.ui_dir.join("agent/index.html").exists() {
                tracing::warn!(ui_dir = %config.http.ui_dir.display(), "browser apps not built; run `cargo xtask run`");
            }
            let sip = gateway::drive::sip::bind(&config.sip).await?;
            gateway::serve(config, store, listener, Some(sip), Clock::system(), shutdown_signal()).await
        }
    }
}

/// `gateway cert self-signed`: writes the pair (the key readable by its
/// owner only) and prints the config to use it and how to trust it.
fn self_signed(
    config: &Config,
    hosts: &[String],
    cert: Option<PathBuf>,
    key: Option<PathBuf>,
    days: i64,
    force: bool,
) -> anyhow::Result<()> {
    let tls = config.http.tls.as_ref();
    let cert = cert.or_else(|| tls.map(|t| t.cert.clone())).unwrap_or_else(|| "data/tls/cert.pem".into());
    let key = key.or_else(|| tls.map(|t| t.key.clone())).unwrap_or_else(|| "data/tls/key.pem".into());
    for p in [&cert, &key] {
        if p.exists() && !force {
            anyhow::bail!("{} exists; pass --force to replace it", p.display());
        }
        if let Some(dir) = p.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
    }
    let made = gateway::tls::self_signed(hosts, days).context("making the certificate")?;
    write_private(&key, made.key_pem.as_bytes()).with_context(|| format!("writing {}", key.display()))?;
    std::fs::write(&cert, &made.cert_pem).with_context(|| format!("writing {}", cert.display()))?;
    let until = made.not_after.date();
    let first = &hosts[0];
    println!(
        "Wrote {cert} (for {names}, valid until {until}) and its key {key}.

SHA-256 fingerprint: {fp}
Public key SHA-256 (base64, for Chromium's --ignore-certificate-errors-spki-list): {spki}

Serve HTTPS with it: in the config file
  [http]
  listen = \"0.0.0.0:8443\"
  [http.tls]
  cert = \"{cert}\"
  key = \"{key}\"
  redirect_listen = \"0.0.0.0:8080\"   # optional: plain HTTP that redirects
and open https://{first}:8443/agent/ (for browsers on other machines,
webrtc.listen must be on this machine's LAN address too).

Browsers do not know this certificate. Either accept the warning once per
browser after checking that the fingerprint it shows matches the one above,
or trust the certificate on each machine that uses the desk:
  Linux, Chrome/Chromium:  certutil -d sql:$HOME/.pki/nssdb -A -t \"P,,\" -n cc-gateway -i {cert}
                           (certutil is in libnss3-tools)
  Linux, system-wide:      sudo cp {cert} /usr/local/share/ca-certificates/cc-gateway.crt && sudo update-ca-certificates
  Windows (admin shell):   certutil -addstore -f Root {cert}
  macOS:                   sudo security add-trusted-cert -d -r trustAsRoot -k /Library/Keychains/System.keychain {cert}
  Firefox:                 Settings > Privacy & Security > Certificates > View Certificates > Servers > Add Exception
Use a certificate from a real authority (e.g. Let's Encrypt) for production.",
        cert = cert.display(),
        key = key.display(),
        names = hosts.join(", "),
        fp = made.fingerprint,
        spki = made.spki_sha256,
    );
    Ok(())
}

fn write_private(path: &std::path::Path, data: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options.open(path)?;
    // `mode` applies only to a new file; an old one gets it here.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        f.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    f.write_all(data)
}

async fn open(config: &Config) -> anyhow::Result<Store> {
    let store =
        Store::connect(&config.database.url, config.database.max_connections).await.context("opening database.url")?;
    store.migrate().await.context("migrating the database")?;
    Ok(store)
}

/// Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
}
