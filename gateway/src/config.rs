//! The gateway's configuration: a TOML file, then environment overrides.
//!
//! Every key has a default, so an empty file (or none) is a valid config for
//! a laptop. An environment variable `CC_<SECTION>__<KEY>` overrides
//! `<section>.<key>` (`CC_HTTP__LISTEN=0.0.0.0:8080`; nested sections too,
//! `CC_HTTP__TLS__CERT` for `http.tls.cert`), and `DATABASE_URL`
//! overrides `database.url`. A bad value fails at start with the key and the
//! reason; unknown keys are errors, not silently ignored.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
#[derive(Default)]
pub struct Config {
    pub http: HttpConfig,
    pub database: DatabaseConfig,
    pub sessions: SessionConfig,
    pub login_limits: LoginLimits,
    pub sip: SipConfig,
    pub webrtc: WebRtcConfig,
    pub media: MediaConfig,
    pub log: LogConfig,
    /// Web call buttons other sites embed (`[[widgets]]`).
    pub widgets: Vec<WidgetConfig>,
    pub wallboard: WallboardConfig,
}

/// The supervisors' wallboard.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct WallboardConfig {
    /// The IANA time zone whose day "today" is (`Europe/Istanbul`).
    pub time_zone: String,
}

impl Default for WallboardConfig {
    fn default() -> Self {
        WallboardConfig { time_zone: "UTC".into() }
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct HttpConfig {
    /// Where the HTTP server listens.
    pub listen: SocketAddr,
    /// The folder with the built browser apps (`agent/`, `supervisor/`).
    pub ui_dir: PathBuf,
    /// The address users type, if it differs from `listen` (behind a proxy
    /// or on a LAN name); its origin is allowed for WebSocket and forms.
    pub public_url: Option<String>,
    /// More origins allowed to open the WebSocket and post forms.
    pub allowed_origins: Vec<String>,
    /// Mark the session cookie `Secure` (always on when serving HTTPS).
    pub secure_cookies: bool,
    /// Reverse proxies (addresses or CIDR blocks) whose `X-Forwarded-For`
    /// and `X-Forwarded-Proto` are believed; from anyone else they are
    /// ignored and the socket's peer is the client.
    pub trusted_proxies: Vec<IpNet>,
    /// Serve HTTPS (and WSS) ourselves; `listen` then speaks TLS only.
    pub tls: Option<TlsConfig>,
}

/// HTTPS served by the gateway (rustls).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TlsConfig {
    /// The certificate chain, PEM (leaf first).
    pub cert: PathBuf,
    /// Its private key, PEM (PKCS#8, PKCS#1 or SEC1).
    pub key: PathBuf,
    /// A plain-HTTP address that only redirects to HTTPS (308).
    #[serde(default)]
    pub redirect_listen: Option<SocketAddr>,
    /// `Strict-Transport-Security: max-age` on every HTTPS answer; 0 sends
    /// no header.
    #[serde(default = "default_hsts")]
    pub hsts_max_age_secs: u64,
    /// How often the two files are checked for a new certificate.
    #[serde(default = "default_reload_check")]
    pub reload_check_secs: u64,
}

fn default_hsts() -> u64 {
    365 * 24 * 3600
}

fn default_reload_check() -> u64 {
    5
}

/// An address or a CIDR block: `10.0.0.0/8`, `192.0.2.7`, `fd00::/8`.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(try_from = "String")]
pub struct IpNet {
    addr: std::net::IpAddr,
    prefix: u8,
}

impl IpNet {
    /// Whether `ip` is in the block (IPv4-mapped IPv6 addresses count as
    /// their IPv4 address).
    pub fn contains(&self, ip: std::net::IpAddr) -> bool {
        use std::net::IpAddr;
        match (self.addr, ip.to_canonical()) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(self.prefix)).unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX.checked_shl(128 - u32::from(self.prefix)).unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

impl TryFrom<String> for IpNet {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        let bad = || format!("{s:?} is not an IP address or CIDR block");
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s.as_str(), None),
        };
        let addr: std::net::IpAddr = addr.trim().parse().map_err(|_| bad())?;
        let addr = addr.to_canonical();
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p.trim().parse::<u8>().ok().filter(|p| *p <= max).ok_or_else(bad)?,
            None => max,
        };
        Ok(IpNet { addr, prefix })
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseConfig {
    /// `sqlite://data/cc.db` (the default, created when missing) or
    /// `postgres://user:pass@host:port/db`.
    pub url: String,
    pub max_connections: u32,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct SessionConfig {
    /// A session unused this long ends. The apps ping over their WebSocket,
    /// so an open app keeps its session.
    pub idle_timeout_secs: u64,
    /// A session ends this long after login whatever the activity.
    pub absolute_timeout_secs: u64,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct LoginLimits {
    /// Failed logins for one account within `account_window_secs` before
    /// further attempts on it are refused until the window passes.
    pub account_failures: u32,
    pub account_window_secs: u64,
    /// Login attempts (good or bad) from one source address within
    /// `address_window_secs`.
    pub address_attempts: u32,
    pub address_window_secs: u64,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct SipConfig {
    /// UDP address for SIP.
    pub listen_udp: SocketAddr,
    /// TCP address for SIP.
    pub listen_tcp: SocketAddr,
    /// SIP messages per second one source address may send (a burst of twice
    /// as many is allowed); more are dropped and counted.
    pub rate_per_source: u32,
    /// How long a source that identified itself as a scanner is ignored.
    pub scanner_block_secs: u64,
    /// The address carriers reach our SIP listeners at, for our Contact,
    /// when it differs from the listen address (NAT, or a wildcard listen).
    pub public_address: Option<std::net::IpAddr>,
    /// Carriers. Requests from any other address are refused (403) before a
    /// dialog exists, so unauthenticated traffic can never reach a trunk.
    pub trunks: Vec<TrunkConfig>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct WebRtcConfig {
    /// The one UDP address of every browser leg's media.
    pub listen: SocketAddr,
    /// The address browsers reach that socket at, when it differs (NAT, or
    /// `listen` on 0.0.0.0).
    pub public_address: Option<std::net::IpAddr>,
    /// STUN/TURN servers handed to browsers (the gateway is ICE-lite on a
    /// known address; browsers behind strict firewalls need a TURN relay).
    pub ice_servers: Vec<IceServerConfig>,
    /// `relay`: the desks use only the TURN servers' relayed candidates
    /// (WebRTC's `iceTransportPolicy`); `all`, the default: any that works.
    pub ice_transport_policy: shared::ws::IceTransportPolicy,
}

/// A STUN or TURN server for browsers.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct IceServerConfig {
    /// `stun:`, `stuns:`, `turn:` or `turns:` URLs.
    pub urls: Vec<String>,
    /// Fixed TURN credentials (every signed-in user receives them).
    pub username: Option<String>,
    pub credential: Option<Secret>,
    /// The TURN server's shared secret (coturn `use-auth-secret`): each
    /// session gets its own credentials, valid for `ttl_secs` (TURN REST API).
    pub secret: Option<Secret>,
    #[serde(default = "default_turn_ttl")]
    pub ttl_secs: u64,
}

fn default_turn_ttl() -> u64 {
    12 * 3600
}

impl Default for WebRtcConfig {
    fn default() -> Self {
        WebRtcConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 10000)),
            public_address: None,
            ice_servers: Vec::new(),
            ice_transport_policy: shared::ws::IceTransportPolicy::All,
        }
    }
}

/// RTP for SIP legs.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct MediaConfig {
    /// The address SIP legs' RTP sockets bind to and that SDP names.
    pub rtp_address: std::net::IpAddr,
    /// First and last RTP port (even ports are used, one per leg).
    pub rtp_ports: [u16; 2],
    /// A call whose SIP side sends neither RTP nor RTCP for this long is
    /// dead (the carrier lost it) and is ended; 0 never ends one. Not
    /// counted while we hold the call.
    pub rtp_timeout_secs: u64,
    /// Believe RTP from an address other than the one the SDP names, once
    /// it has sent a few packets in sequence (peers behind NAT that name a
    /// private address, softphones that send from another local address).
    /// Off: only the SDP's IP is believed, the port is learnt.
    pub learn_rtp_source: bool,
    /// Where call recordings are written (one WAV file per call, named
    /// after the call's id).
    pub recordings_dir: std::path::PathBuf,
    /// Where voicemails' audio is kept (WAV files); the API serves only
    /// files inside it.
    pub voicemail_dir: std::path::PathBuf,
    /// What callers on hold hear: a WAV file, 8 kHz 16-bit mono; a quiet
    /// built-in melody when not set.
    pub hold_music: Option<std::path::PathBuf>,
    /// The IVR's voice prompts: `<lang>/<id>.wav` (8 kHz mono 16-bit).
    pub prompts_dir: std::path::PathBuf,
    /// Admins' own recordings, same layout; they win over `prompts_dir`.
    pub prompts_override_dir: std::path::PathBuf,
}

impl Default for MediaConfig {
    fn default() -> Self {
        MediaConfig {
            rtp_address: std::net::IpAddr::from([127, 0, 0, 1]),
            rtp_ports: [20000, 29999],
            rtp_timeout_secs: 60,
            learn_rtp_source: false,
            recordings_dir: "data/recordings".into(),
            voicemail_dir: "data/voicemail".into(),
            hold_music: None,
            prompts_dir: "assets/prompts".into(),
            prompts_override_dir: "data/prompts".into(),
        }
    }
}

/// A carrier. Its requests are recognised by source address; a carrier
/// that wants us registered also gets a `register` section.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TrunkConfig {
    /// A short name for logs and metrics.
    pub name: String,
    /// The carrier's signalling addresses (the registrar's is added).
    #[serde(default)]
    pub addresses: Vec<std::net::IpAddr>,
    pub register: Option<TrunkRegister>,
    /// Calls out through this carrier. The first trunk with this section
    /// carries agents' outbound calls.
    pub outbound: Option<TrunkOutbound>,
}

/// How we call out through a carrier.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TrunkOutbound {
    /// Where our INVITEs go (the carrier's SBC or proxy).
    pub proxy: SocketAddr,
    /// `udp` or `tcp`.
    #[serde(default = "default_transport")]
    pub transport: String,
    /// The host of the Request-URI and To (`host` or `host:port`); the
    /// proxy's address when not set.
    pub domain: Option<String>,
    /// Our number as the carrier knows it: the From user, the caller ID
    /// the called party sees.
    pub caller_id: String,
    /// Other numbers of ours the carrier lets us show (a campaign's, a
    /// department's): agents may choose one of these or `caller_id` when
    /// they dial.
    #[serde(default)]
    pub caller_ids: Vec<String>,
    /// Digest credentials for the carrier's 401/407 challenges; the
    /// register section's when not set.
    pub username: Option<String>,
    pub password: Option<Secret>,
}

/// Registration with the carrier's registrar (REGISTER with digest auth,
/// refreshed before expiry, retried with back-off).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TrunkRegister {
    /// Where REGISTER goes (the registrar or its outbound proxy).
    pub registrar: SocketAddr,
    /// The registrar's domain (`host` or `host:port`).
    pub domain: String,
    pub username: String,
    /// When the carrier's authentication name differs from `username`.
    pub auth_username: Option<String>,
    pub password: Secret,
    #[serde(default = "default_expires")]
    pub expires: u32,
    /// `udp` or `tcp`.
    #[serde(default = "default_transport")]
    pub transport: String,
}

fn default_expires() -> u32 {
    600
}

fn default_transport() -> String {
    "udp".into()
}

/// A secret from the config: readable by the code that needs it, never
/// printed (`check-config` and logs show `<redacted>`).
#[derive(Clone, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(String);

impl From<&str> for Secret {
    fn from(s: &str) -> Secret {
        Secret(s.to_owned())
    }
}

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct LogConfig {
    /// A tracing filter (`info`, `gateway=debug,info`); `RUST_LOG` wins.
    pub filter: String,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            ui_dir: PathBuf::from("dist"),
            public_url: None,
            allowed_origins: Vec::new(),
            secure_cookies: false,
            trusted_proxies: Vec::new(),
            tls: None,
        }
    }
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        DatabaseConfig { url: "sqlite://data/cc.db".into(), max_connections: 8 }
    }
}

impl Default for SessionConfig {
    fn default() -> Self {
        SessionConfig { idle_timeout_secs: 60 * 60, absolute_timeout_secs: 12 * 60 * 60 }
    }
}

impl Default for LoginLimits {
    fn default() -> Self {
        LoginLimits {
            account_failures: 5,
            account_window_secs: 15 * 60,
            address_attempts: 30,
            address_window_secs: 5 * 60,
        }
    }
}

impl Default for SipConfig {
    fn default() -> Self {
        SipConfig {
            listen_udp: SocketAddr::from(([127, 0, 0, 1], 5060)),
            listen_tcp: SocketAddr::from(([127, 0, 0, 1], 5060)),
            rate_per_source: 50,
            scanner_block_secs: 600,
            public_address: None,
            trunks: Vec::new(),
        }
    }
}

impl Default for LogConfig {
    fn default() -> Self {
        LogConfig { filter: "info".into() }
    }
}

/// A config that cannot be used, with the key (or source) and the reason.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("config file {path}: {message}")]
    File { path: PathBuf, message: String },
    #[error("environment variable {var}: {message}")]
    Env { var: String, message: String },
    #[error("config key `{key}`: {message}")]
    Invalid { key: &'static str, message: String },
}

impl Config {
    /// Reads `path` (if given), applies the environment `env`, and checks
    /// the result. `env` is passed in so that tests need not touch the
    /// process environment.
    pub fn load(path: Option<&Path>, env: impl IntoIterator<Item = (String, String)>) -> Result<Config, ConfigError> {
        let (text, path) = match path {
            Some(p) => (
                std::fs::read_to_string(p).map_err(|source| ConfigError::Read { path: p.to_owned(), source })?,
                p.to_owned(),
            ),
            None => (String::new(), PathBuf::from("(defaults)")),
        };
        // Parsing the file on its own first gives errors with its line and
        // column, before environment values are mixed in.
        toml::from_str::<Config>(&text)
            .map_err(|e| ConfigError::File { path: path.clone(), message: e.to_string() })?;
        let mut table: toml::Table =
            toml::from_str(&text).map_err(|e| ConfigError::File { path: path.clone(), message: e.to_string() })?;

        // The overrides go in together (a nested section may need two, like
        // `CC_HTTP__TLS__CERT` and `CC_HTTP__TLS__KEY`); when the result does
        // not hold, the error names the variable that breaks the file on its
        // own, or else all of them.
        let file = table.clone();
        let mut applied = Vec::new();
        for (var, value) in env {
            let Some((sections, key)) = env_key(&var) else { continue };
            set_path(&mut table, &sections, key.clone(), env_value(&value))
                .map_err(|message| ConfigError::Env { var: var.clone(), message })?;
            applied.push((var, sections, key, value));
        }
        let config = match Config::deserialize(toml::Value::Table(table)) {
            Ok(c) => c,
            Err(e) if applied.is_empty() => return Err(ConfigError::File { path, message: e.to_string() }),
            Err(e) => {
                for (var, sections, key, value) in &applied {
                    let mut alone = file.clone();
                    let r = set_path(&mut alone, sections, key.clone(), env_value(value))
                        .and_then(|()| Config::deserialize(toml::Value::Table(alone)).map_err(|e| e.to_string()));
                    if let Err(message) = r {
                        return Err(ConfigError::Env { var: var.clone(), message });
                    }
                }
                let vars: Vec<&str> = applied.iter().map(|(v, ..)| v.as_str()).collect();
                return Err(ConfigError::Env { var: vars.join(", "), message: e.to_string() });
            }
        };
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        let url = &self.database.url;
        if !(url.starts_with("sqlite:") || url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            return Err(ConfigError::Invalid {
                key: "database.url",
                message: "must start with sqlite: or postgres://".into(),
            });
        }
        if self.database.max_connections == 0 {
            return Err(ConfigError::Invalid { key: "database.max_connections", message: "must be at least 1".into() });
        }
        if self.sessions.idle_timeout_secs == 0 {
            return Err(ConfigError::Invalid {
                key: "sessions.idle_timeout_secs",
                message: "must be at least 1".into(),
            });
        }
        if self.sessions.absolute_timeout_secs < self.sessions.idle_timeout_secs {
            return Err(ConfigError::Invalid {
                key: "sessions.absolute_timeout_secs",
                message: "must not be shorter than sessions.idle_timeout_secs".into(),
            });
        }
        if self.login_limits.account_failures == 0 || self.login_limits.address_attempts == 0 {
            return Err(ConfigError::Invalid {
                key: "login_limits",
                message: "account_failures and address_attempts must be at least 1".into(),
            });
        }
        if self.sip.rate_per_source == 0 {
            return Err(ConfigError::Invalid { key: "sip.rate_per_source", message: "must be at least 1".into() });
        }
        for (i, t) in self.sip.trunks.iter().enumerate() {
            if t.name.trim().is_empty() || (t.addresses.is_empty() && t.register.is_none()) {
                return Err(ConfigError::Invalid {
                    key: "sip.trunks",
                    message: format!("trunk {} needs a name and addresses or a register section", i + 1),
                });
            }
            if let Some(o) = &t.outbound {
                if o.transport != "udp" && o.transport != "tcp" {
                    return Err(ConfigError::Invalid {
                        key: "sip.trunks.outbound.transport",
                        message: format!("trunk {}: udp or tcp", t.name),
                    });
                }
                let plain = |n: &String| {
                    let digits = n.strip_prefix('+').unwrap_or(n);
                    (1..=32).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
                };
                if !o.caller_ids.iter().all(plain) {
                    return Err(ConfigError::Invalid {
                        key: "sip.trunks.outbound.caller_ids",
                        message: format!("trunk {}: numbers (digits, + first for E.164)", t.name),
                    });
                }
                if o.caller_id.is_empty() || o.username.is_some() != o.password.is_some() {
                    return Err(ConfigError::Invalid {
                        key: "sip.trunks.outbound",
                        message: format!("trunk {}: a caller_id, and username and password together", t.name),
                    });
                }
            }
            if let Some(r) = &t.register {
                if r.transport != "udp" && r.transport != "tcp" {
                    return Err(ConfigError::Invalid {
                        key: "sip.trunks.register.transport",
                        message: format!("trunk {}: udp or tcp", t.name),
                    });
                }
                if r.expires == 0 || r.username.is_empty() {
                    return Err(ConfigError::Invalid {
                        key: "sip.trunks.register",
                        message: format!("trunk {}: username and a non-zero expires are needed", t.name),
                    });
                }
            }
        }
        let [first, last] = self.media.rtp_ports;
        if first < 1024 || last < first + 1 {
            return Err(ConfigError::Invalid {
                key: "media.rtp_ports",
                message: "[first, last] with 1024 <= first < last".into(),
            });
        }
        if self.media.rtp_address.is_unspecified() {
            return Err(ConfigError::Invalid {
                key: "media.rtp_address",
                message: "must be the address peers reach (it goes into SDP)".into(),
            });
        }
        if self.sip.listen_udp.ip().is_unspecified() && self.sip.public_address.is_none() {
            return Err(ConfigError::Invalid {
                key: "sip.public_address",
                message: "needed when sip.listen_udp is a wildcard address: it goes into our Contact".into(),
            });
        }
        for s in &self.webrtc.ice_servers {
            let schemes = ["stun:", "stuns:", "turn:", "turns:"];
            if s.urls.is_empty() || !s.urls.iter().all(|u| schemes.iter().any(|p| u.starts_with(p))) {
                return Err(ConfigError::Invalid {
                    key: "webrtc.ice_servers.urls",
                    message: "one or more stun:, stuns:, turn: or turns: URLs".into(),
                });
            }
            if s.secret.is_some() && (s.username.is_some() || s.credential.is_some()) {
                return Err(ConfigError::Invalid {
                    key: "webrtc.ice_servers.secret",
                    message: "either a shared secret or a fixed username and credential, not both".into(),
                });
            }
        }
        if self.webrtc.listen.ip().is_unspecified() && self.webrtc.public_address.is_none() {
            return Err(ConfigError::Invalid {
                key: "webrtc.public_address",
                message: "needed when webrtc.listen is a wildcard address: browsers must be told where to send media"
                    .into(),
            });
        }
        if let Some(u) = &self.http.public_url
            && origin_of(u).is_none()
        {
            return Err(ConfigError::Invalid {
                key: "http.public_url",
                message: "must be an absolute http:// or https:// URL".into(),
            });
        }
        if let Some(t) = &self.http.tls {
            if t.reload_check_secs == 0 {
                return Err(ConfigError::Invalid {
                    key: "http.tls.reload_check_secs",
                    message: "must be at least 1".into(),
                });
            }
            if t.redirect_listen == Some(self.http.listen) {
                return Err(ConfigError::Invalid {
                    key: "http.tls.redirect_listen",
                    message: "must differ from http.listen".into(),
                });
            }
        }
        for o in &self.http.allowed_origins {
            if origin_of(o).is_none() {
                return Err(ConfigError::Invalid {
                    key: "http.allowed_origins",
                    message: format!("{o:?} is not an http:// or https:// origin"),
                });
            }
        }
        if self.wallboard.time_zone.len() > 64 || jiff::tz::TimeZone::get(&self.wallboard.time_zone).is_err() {
            return Err(ConfigError::Invalid {
                key: "wallboard.time_zone",
                message: format!("{:?} is not a known time zone", self.wallboard.time_zone),
            });
        }
        self.validate_widgets()
    }

    fn validate_widgets(&self) -> Result<(), ConfigError> {
        let invalid = |key, message| Err(ConfigError::Invalid { key, message });
        for (i, w) in self.widgets.iter().enumerate() {
            let id_ok = !w.id.is_empty()
                && w.id.len() <= 64
                && w.id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
            if !id_ok {
                return invalid("widgets.id", format!("widget {i}: 1 to 64 of a-z 0-9 - _"));
            }
            if self.widgets[..i].iter().any(|o| o.id == w.id) {
                return invalid("widgets.id", format!("widget {:?} is listed twice", w.id));
            }
            if !matches!(crate::ivr::EntryPoint::parse(&w.entry), Ok(crate::ivr::EntryPoint::Web(_))) {
                return invalid("widgets.entry", format!("widget {:?}: a web entry point, web:<name>", w.id));
            }
            if let Some(o) = w.allowed_origins.iter().find(|o| origin_of(o).is_none()) {
                return invalid("widgets.allowed_origins", format!("widget {:?}: {o:?} is not an origin", w.id));
            }
            if w.secret.as_ref().is_some_and(|s| s.expose().len() < 16) {
                return invalid("widgets.secret", format!("widget {:?}: at least 16 characters", w.id));
            }
            if w.calls_per_minute == 0 {
                return invalid("widgets.calls_per_minute", format!("widget {:?}: at least 1", w.id));
            }
            if w.max_calls == 0 {
                return invalid("widgets.max_calls", format!("widget {:?}: at least 1", w.id));
            }
            let prefix_ok = |p: &String| {
                p.len() >= 2 && p.len() <= 16 && p.starts_with('+') && p[1..].bytes().all(|b| b.is_ascii_digit())
            };
            if let Some(p) = w.callback_prefixes.iter().find(|p| !prefix_ok(p)) {
                return invalid("widgets.callback_prefixes", format!("widget {:?}: {p:?} is not + and digits", w.id));
            }
            if let Some(o) = w
                .allowed_origins
                .iter()
                .find(|o| origin_of(o).is_some_and(|n| !n.eq_ignore_ascii_case(o.trim_end_matches('/'))))
            {
                return invalid("widgets.allowed_origins", format!("widget {:?}: {o:?}: scheme and host only", w.id));
            }
        }
        Ok(())
    }

    /// The origins allowed for the WebSocket and for state-changing
    /// requests, given the address the server really bound (which differs
    /// from `http.listen` when that asks for port 0).
    pub fn allowed_origins(&self, bound: SocketAddr) -> Vec<String> {
        let mut out = Vec::new();
        let port = bound.port();
        out.push(format!("http://{bound}"));
        out.push(format!("https://{bound}"));
        if bound.ip().is_loopback() || bound.ip().is_unspecified() {
            for host in ["localhost", "127.0.0.1"] {
                out.push(format!("http://{host}:{port}"));
                out.push(format!("https://{host}:{port}"));
            }
        }
        out.extend(self.http.public_url.iter().filter_map(|u| origin_of(u)));
        out.extend(self.http.allowed_origins.iter().filter_map(|u| origin_of(u)));
        out.sort();
        out.dedup();
        out
    }
}

/// `CC_HTTP__LISTEN` → (`[http]`, `listen`); nested sections too:
/// `CC_HTTP__TLS__CERT` → (`[http, tls]`, `cert`).
fn env_key(var: &str) -> Option<(Vec<String>, String)> {
    if var == "DATABASE_URL" {
        return Some((vec!["database".into()], "url".into()));
    }
    let rest = var.strip_prefix("CC_")?;
    let mut parts: Vec<String> = rest.split("__").map(|p| p.to_ascii_lowercase()).collect();
    if parts.len() < 2 || parts.iter().any(|p| p.is_empty()) {
        return None;
    }
    let key = parts.pop()?;
    Some((parts, key))
}

/// Sets `key` in the table at `sections` (made when missing).
fn set_path(table: &mut toml::Table, sections: &[String], key: String, value: toml::Value) -> Result<(), String> {
    let mut entry = table;
    for section in sections {
        let next = entry.entry(section.clone()).or_insert_with(|| toml::Value::Table(toml::Table::new()));
        let toml::Value::Table(next) = next else { return Err(format!("`{section}` is not a section")) };
        entry = next;
    }
    entry.insert(key, value);
    Ok(())
}

/// An environment value is read as a TOML value when it is one (numbers,
/// booleans, arrays), else as a string.
fn env_value(value: &str) -> toml::Value {
    let probe = format!("v = {value}");
    match toml::from_str::<toml::Table>(&probe) {
        Ok(mut t) => t.remove("v").unwrap_or_else(|| toml::Value::String(value.into())),
        Err(_) => toml::Value::String(value.into()),
    }
}

/// `https://Example.com:8443/path` → `https://example.com:8443`.
pub fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let host = rest.split(['/', '?', '#']).next()?;
    if host.is_empty() || host.contains('@') {
        return None;
    }
    Some(format!("{scheme}://{}", host.to_ascii_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_str(text: &str, env: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let dir = std::env::temp_dir().join(format!("cc-config-{}-{}", std::process::id(), rand::random::<u64>()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("gateway.toml");
        std::fs::write(&path, text).unwrap();
        let r = Config::load(Some(&path), env.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        std::fs::remove_dir_all(&dir).ok();
        r
    }

    #[test]
    fn widgets_are_checked_key_by_key() {
        let ok = "[[widgets]]\nid = \"shop\"\nentry = \"web:shop\"\nallowed_origins = [\"https://shop.example\"]\n";
        let c = load_str(ok, &[]).unwrap();
        assert_eq!(c.widgets[0].calls_per_minute, 6);
        assert_eq!(c.widgets[0].callback_after_secs, 300);
        for (text, key) in [
            ("[[widgets]]\nid = \"Shop!\"\nentry = \"web:shop\"\n", "widgets.id"),
            ("[[widgets]]\nid = \"shop\"\nentry = \"+4412\"\n", "widgets.entry"),
            (
                "[[widgets]]\nid = \"shop\"\nentry = \"web:shop\"\nallowed_origins = [\"shop.example\"]\n",
                "widgets.allowed_origins",
            ),
            ("[[widgets]]\nid = \"shop\"\nentry = \"web:shop\"\nsecret = \"short\"\n", "widgets.secret"),
            ("[[widgets]]\nid = \"shop\"\nentry = \"web:shop\"\ncalls_per_minute = 0\n", "widgets.calls_per_minute"),
        ] {
            let e = load_str(text, &[]).unwrap_err().to_string();
            assert!(e.contains(key), "{key}: {e}");
        }
        let twice = format!("{ok}{ok}");
        assert!(load_str(&twice, &[]).unwrap_err().to_string().contains("twice"));
        let e = load_str("[[widgets]]\nid = \"shop\"\nentry = \"web:shop\"\ncolour = \"red\"\n", &[]).unwrap_err();
        assert!(e.to_string().contains("colour"), "{e}");
    }

    #[test]
    fn empty_file_gives_defaults() {
        assert_eq!(load_str("", &[]).unwrap(), Config::default());
        assert_eq!(Config::load(None, []).unwrap(), Config::default());
    }

    #[test]
    fn file_values_and_env_overrides() {
        let c = load_str(
            "[http]\nlisten = \"127.0.0.2:9000\"\n[sessions]\nidle_timeout_secs = 600\n",
            &[
                ("CC_SESSIONS__ABSOLUTE_TIMEOUT_SECS", "7200"),
                ("DATABASE_URL", "postgres://u@127.0.0.1/cc"),
                ("HOME", "/root"),
            ],
        )
        .unwrap();
        assert_eq!(c.http.listen, "127.0.0.2:9000".parse().unwrap());
        assert_eq!(c.sessions.idle_timeout_secs, 600);
        assert_eq!(c.sessions.absolute_timeout_secs, 7200);
        assert_eq!(c.database.url, "postgres://u@127.0.0.1/cc");
        let c = load_str("", &[("CC_HTTP__TLS__CERT", "/etc/cc/cert.pem"), ("CC_HTTP__TLS__KEY", "/etc/cc/key.pem")])
            .unwrap();
        let tls = c.http.tls.expect("[http.tls] made from the environment");
        assert_eq!((tls.cert.to_str(), tls.key.to_str()), (Some("/etc/cc/cert.pem"), Some("/etc/cc/key.pem")));
        let e = load_str("", &[("CC_HTTP__LISTEN__PORT", "80")]).unwrap_err().to_string();
        assert!(e.contains("CC_HTTP__LISTEN__PORT"), "{e}");
        let c = load_str("", &[("CC_HTTP__ALLOWED_ORIGINS", "[\"https://cc.example\"]")]).unwrap();
        assert_eq!(c.http.allowed_origins, vec!["https://cc.example".to_string()]);
    }

    #[test]
    fn errors_name_the_key() {
        let e = load_str("[http]\nlisten = \"not an address\"\n", &[]).unwrap_err().to_string();
        assert!(e.contains("listen"), "{e}");
        let e = load_str("[http]\nlisten_on = \"127.0.0.1:1\"\n", &[]).unwrap_err().to_string();
        assert!(e.contains("listen_on"), "{e}");
        let e = load_str("[database]\nurl = \"mysql://x\"\n", &[]).unwrap_err().to_string();
        assert!(e.contains("database.url"), "{e}");
        let e = load_str("", &[("CC_SESSIONS__IDLE_TIMEOUT_SECS", "soon")]).unwrap_err().to_string();
        assert!(e.contains("CC_SESSIONS__IDLE_TIMEOUT_SECS") && e.contains("idle_timeout_secs"), "{e}");
        let e = load_str("[http\n", &[]).unwrap_err().to_string();
        assert!(e.contains("line 1"), "{e}");
        let e =
            load_str("[sessions]\nidle_timeout_secs = 100\nabsolute_timeout_secs = 10\n", &[]).unwrap_err().to_string();
        assert!(e.contains("sessions.absolute_timeout_secs"), "{e}");
    }

    #[test]
    fn trunk_passwords_never_print() {
        let c = load_str(
            "[[sip.trunks]]\nname = \"carrier\"\n[sip.trunks.register]\nregistrar = \"127.0.0.1:5070\"\n\
             domain = \"carrier.example\"\nusername = \"cc\"\npassword = \"s3cret-pass\"\n",
            &[],
        )
        .unwrap();
        let r = c.sip.trunks[0].register.as_ref().unwrap();
        assert_eq!(r.password.expose(), "s3cret-pass");
        assert_eq!((r.expires, r.transport.as_str()), (600, "udp"));
        assert!(!format!("{c:?}").contains("s3cret"));
        let e = load_str("[[sip.trunks]]\nname = \"x\"\n", &[]).unwrap_err().to_string();
        assert!(e.contains("sip.trunks"), "{e}");
    }

    #[test]
    fn tls_and_trusted_proxies() {
        let c = load_str(
            "[http]\ntrusted_proxies = [\"127.0.0.1\", \"10.0.0.0/8\", \"fd00::/8\"]\n\
             [http.tls]\ncert = \"c.pem\"\nkey = \"k.pem\"\nredirect_listen = \"127.0.0.1:8081\"\n",
            &[],
        )
        .unwrap();
        let t = c.http.tls.as_ref().unwrap();
        assert_eq!((t.cert.to_str(), t.key.to_str()), (Some("c.pem"), Some("k.pem")));
        assert_eq!((t.hsts_max_age_secs, t.reload_check_secs), (365 * 24 * 3600, 5));
        let [one, ten, ula] = [c.http.trusted_proxies[0], c.http.trusted_proxies[1], c.http.trusted_proxies[2]];
        assert!(one.contains("127.0.0.1".parse().unwrap()));
        assert!(one.contains("::ffff:127.0.0.1".parse().unwrap()));
        assert!(!one.contains("127.0.0.2".parse().unwrap()));
        assert!(ten.contains("10.200.3.4".parse().unwrap()) && !ten.contains("11.0.0.1".parse().unwrap()));
        assert!(ula.contains("fd12::1".parse().unwrap()) && !ula.contains("fe80::1".parse().unwrap()));
        assert!(IpNet::try_from("0.0.0.0/0".to_string()).unwrap().contains("8.8.8.8".parse().unwrap()));
        for bad in ["10.0.0.0/33", "proxy.example", "10.0.0.0/x"] {
            let e = load_str(&format!("[http]\ntrusted_proxies = [\"{bad}\"]\n"), &[]).unwrap_err().to_string();
            assert!(e.contains("trusted_proxies"), "{e}");
        }
        let e = load_str("[http.tls]\ncert = \"c.pem\"\n", &[]).unwrap_err().to_string();
        assert!(e.contains("key"), "{e}");
        let e =
            load_str("[http.tls]\ncert = \"c\"\nkey = \"k\"\nreload_check_secs = 0\n", &[]).unwrap_err().to_string();
        assert!(e.contains("http.tls.reload_check_secs"), "{e}");
    }

    #[test]
    fn origins() {
        assert_eq!(origin_of("https://CC.example.com:8443/agent/"), Some("https://cc.example.com:8443".into()));
        assert_eq!(origin_of("ftp://x"), None);
        assert_eq!(origin_of("https://user@evil"), None);
        let c = Config::default();
        let o = c.allowed_origins("127.0.0.1:18080".parse().unwrap());
        assert!(o.contains(&"http://localhost:18080".to_string()));
        assert!(o.contains(&"http://127.0.0.1:18080".to_string()));
        assert!(!o.iter().any(|x| x.contains(":8080")));
    }
}

#[cfg(test)]
mod example {
    /// The example file in the repository lists every key with its default.
    #[test]
    fn example_config_is_the_default() {
        let text = include_str!("../gateway.example.toml");
        let parsed: super::Config = toml::from_str(text).expect("the example parses");
        assert_eq!(parsed, super::Config::default());
    }
}

/// A web call button: where its calls go and who may embed it. How it
/// looks (label, language, colours) is the embedding page's choice.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct WidgetConfig {
    /// Its name in URLs and in the embed tag (`a-z 0-9 - _`).
    pub id: String,
    /// The entry point its calls enter (`web:<name>`, mapped to a flow).
    pub entry: String,
    /// The queue whose wait is shown and where callbacks asked for from
    /// the widget go; without one, the widget offers no callback.
    pub queue: Option<String>,
    /// The sites that may embed it (`https://shop.example`); the gateway's
    /// own pages always may.
    #[serde(default)]
    pub allowed_origins: Vec<String>,
    /// The key the site's backend signs customer tokens with (HMAC-SHA256);
    /// without one, tokens are ignored.
    pub secret: Option<Secret>,
    /// A callback is offered instead of a call when the estimated wait is
    /// longer than this.
    #[serde(default = "default_callback_after")]
    pub callback_after_secs: u32,
    /// Calls one source address may start per minute.
    #[serde(default = "default_widget_calls")]
    pub calls_per_minute: u32,
    /// Calls through this widget at once, at most.
    #[serde(default = "default_widget_max_calls")]
    pub max_calls: u32,
    /// Callback requests through this widget per hour, from everyone.
    #[serde(default = "default_widget_callbacks")]
    pub callbacks_per_hour: u32,
    /// The numbers callbacks may be asked for start with one of these
    /// (`+98`, `+90212`); empty: any number.
    #[serde(default)]
    pub callback_prefixes: Vec<String>,
}

fn default_widget_max_calls() -> u32 {
    20
}

fn default_widget_callbacks() -> u32 {
    60
}

fn default_callback_after() -> u32 {
    300
}

fn default_widget_calls() -> u32 {
    6
}
