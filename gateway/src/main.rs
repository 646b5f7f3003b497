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
    runtime.block_on(run(cli.command, config))
}

async fn run(command: Command, mut config: Config) -> anyhow::Result<()> {
    match command {
        Command::CheckConfig => {
            println!("{config:#?}");
            Ok(())
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
            let store = open(&config).await?;
            if demo && gateway::demo::seed_demo(&store, unix_ms(std::time::SystemTime::now())).await? {
                let now = unix_ms(std::time::SystemTime::now());
                gateway::demo::seed_demo_desk(&store, &config.media.voicemail_dir, now).await?;
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
