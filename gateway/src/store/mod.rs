//! Durable state through sqlx: SQLite by default, PostgreSQL in production.
//!
//! One code path serves both: queries go through sqlx's `Any` driver, are
//! written in the SQL both engines share, and number their parameters
//! `$1, $2, …` in order of appearance (which SQLite reads as positional).
//! Each engine has its own migrations folder, kept in step; the store tests
//! run on both (see `tests/store.rs`).
//!
//! Times are stored as Unix milliseconds, so that neither engine's date
//! types leak into the code.

mod agent_views;
mod audit;
mod callbacks;
mod campaigns;
mod codes;
mod customers;
mod directory;
mod flows;
mod interactions;
mod quality;
mod recordings;
mod reports;
mod routing;
mod sessions;
mod tickets;
mod users;
mod voicemails;
mod wallboard;

use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, ConnectOptions, Executor};

pub use agent_views::DayFigures;
pub use audit::AuditEntry;
pub use callbacks::{CallbackRequest, CallbackRow};
pub use campaigns::{CampaignFields, Campaigns, ContactChange, DialLogRow, DialableContact};
pub use codes::CodeKind;
pub use customers::{CustomerFields, Customers};
pub use directory::NewCustomer;
pub use flows::{EntryPointRow, FlowDeleted, FlowRecord, FlowSummary};
pub use interactions::{Cursor, InteractionFilter, InteractionPatch, LegPatch, NewInteraction, NewLeg, WrapUp};
pub use quality::{EvaluationFilter, NewEvaluation, ScorecardDeleted};
pub use recordings::RecordingFilter;
pub use reports::{ReportRequest, write_agent_states};
pub use routing::{QueueRow, WriteError, check_profile};
pub use sessions::SessionRow;
pub use tickets::{TicketChanges, TicketFields, Tickets};
pub use users::{NewUser, UserChange, UserRow};
pub use voicemails::{NewVoicemail, VoicemailFilter, VoicemailRow};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    #[error("database: {0}")]
    Sqlx(#[from] sqlx::Error),
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("{0} already exists")]
    Conflict(&'static str),
    #[error("stored value is invalid: {0}")]
    Corrupt(String),
    #[error("cannot create the database folder {path}: {source}")]
    Folder { path: String, source: std::io::Error },
}

/// The database handle shared by every part of the gateway.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

impl Store {
    /// Opens the database at `url`, creating a SQLite file (and its folder)
    /// when missing. Does not migrate.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") { Backend::Sqlite } else { Backend::Postgres };
        let mut url = url.to_owned();
        if backend == Backend::Sqlite {
            let path = url.trim_start_matches("sqlite:").trim_start_matches("//");
            let path = path.split('?').next().unwrap_or("");
            if !path.is_empty()
                && path != ":memory:"
                && let Some(parent) = std::path::Path::new(path).parent().filter(|p| !p.as_os_str().is_empty())
            {
                std::fs::create_dir_all(parent)
                    .map_err(|source| StoreError::Folder { path: parent.display().to_string(), source })?;
            }
            if !url.contains("mode=") {
                url.push_str(if url.contains('?') { "&mode=rwc" } else { "?mode=rwc" });
            }
        }
        let options = AnyConnectOptions::from_str(&url)?.disable_statement_logging();
        let pool = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { max_connections.min(4) } else { max_connections })
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL lets readers go on while one writer writes;
                        // busy_timeout makes writers wait instead of failing.
                        conn.execute("PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL;")
                            .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        Ok(Store { pool, backend })
    }

    /// Brings the schema up to date. Safe to run on every start.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match self.backend {
            Backend::Sqlite => SQLITE_MIGRATIONS.run(&self.pool).await?,
            Backend::Postgres => POSTGRES_MIGRATIONS.run(&self.pool).await?,
        }
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Whether the database answers (for `/healthz`).
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Runs one statement outside any transaction (`CREATE DATABASE` in the
    /// test set-up). Never pass it user input.
    pub async fn execute_admin(&self, sql: &str) -> Result<(), StoreError> {
        sqlx::raw_sql(sql).execute(&self.pool).await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Unix milliseconds of `t`.
pub fn unix_ms(t: SystemTime) -> i64 {
    t.duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

/// RFC 3339 UTC of Unix milliseconds.
pub fn rfc3339(ms: i64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp_nanos(ms as i128 * 1_000_000)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    t.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

/// Whether a database error is a unique-constraint violation.
fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

#[cfg(test)]
mod tests {
    /// The PostgreSQL migrations are the SQLite ones with PostgreSQL's
    /// identity columns, and nothing else: the two schemas cannot drift.
    #[test]
    fn migrations_are_in_step() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
        let mut names: Vec<_> =
            std::fs::read_dir(dir.join("sqlite")).unwrap().map(|e| e.unwrap().file_name()).collect();
        names.sort();
        let mut pg: Vec<_> = std::fs::read_dir(dir.join("postgres")).unwrap().map(|e| e.unwrap().file_name()).collect();
        pg.sort();
        assert_eq!(names, pg, "the same migration files for both engines");
        for name in names {
            let sqlite = std::fs::read_to_string(dir.join("sqlite").join(&name)).unwrap();
            let postgres = std::fs::read_to_string(dir.join("postgres").join(&name)).unwrap();
            let expected = sqlite
                .replace("INTEGER PRIMARY KEY AUTOINCREMENT", "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY");
            assert_eq!(postgres, expected, "{name:?} differs beyond the identity columns");
        }
    }
}
