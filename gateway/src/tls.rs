//! HTTPS and WSS served by the gateway itself (rustls on aws-lc-rs).
//!
//! [`CertStore`] holds the certificate and key named by `[http.tls]`;
//! [`watch`] re-reads the two files every `reload_check_secs` and swaps in a
//! new pair when they change (a pair that does not load is logged and the
//! old one kept, so a half-written renewal never takes the site down).
//! [`TlsListener`] is an [`axum::serve::Listener`]: a task accepts TCP
//! connections and runs each handshake in its own task under a timeout, so a
//! slow or hostile client never holds up anyone else's accept; failures are
//! logged at debug and counted in `cc_tls_handshake_failures_total`.
//! [`self_signed`] makes the certificate for `gateway cert self-signed`.

use std::io;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use base64::Engine;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use sha2::Digest;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, mpsc, watch};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;

use crate::config::{ConfigError, TlsConfig};

/// A client gets this long to finish its TLS handshake.
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// At most this many handshakes run at once; further connections wait in
/// the kernel's backlog.
const MAX_HANDSHAKES: usize = 1024;

/// The certificate and key in use, replaced whole when the files change.
#[derive(Debug)]
pub struct CertStore {
    current: RwLock<Loaded>,
}

#[derive(Debug)]
struct Loaded {
    key: Arc<CertifiedKey>,
    /// The files' bytes as loaded, to notice a change.
    files: (Vec<u8>, Vec<u8>),
}

impl CertStore {
    /// Reads the files named by `config`; an error names the key
    /// (`http.tls.cert` or `http.tls.key`) and the reason.
    pub fn load(config: &TlsConfig) -> Result<Arc<CertStore>, ConfigError> {
        let files = read_files(config)?;
        let key = certified_key(&files.0, &files.1)?;
        Ok(Arc::new(CertStore { current: RwLock::new(Loaded { key, files }) }))
    }

    /// The certificate served now.
    pub fn current(&self) -> Arc<CertifiedKey> {
        self.current.read().expect("cert lock").key.clone()
    }

    /// Re-reads the files; swaps in the new pair when they changed and
    /// load. `Ok(true)`: a new certificate is in use.
    pub fn reload(&self, config: &TlsConfig) -> Result<bool, ConfigError> {
        let files = read_files(config)?;
        if self.current.read().expect("cert lock").files == files {
            return Ok(false);
        }
        let key = certified_key(&files.0, &files.1)?;
        *self.current.write().expect("cert lock") = Loaded { key, files };
        Ok(true)
    }
}

impl ResolvesServerCert for CertStore {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(self.current())
    }
}

fn read_files(config: &TlsConfig) -> Result<(Vec<u8>, Vec<u8>), ConfigError> {
    let read = |key: &'static str, path: &Path| {
        std::fs::read(path)
            .map_err(|e| ConfigError::Invalid { key, message: format!("cannot read {}: {e}", path.display()) })
    };
    Ok((read("http.tls.cert", &config.cert)?, read("http.tls.key", &config.key)?))
}

fn certified_key(cert_pem: &[u8], key_pem: &[u8]) -> Result<Arc<CertifiedKey>, ConfigError> {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(cert_pem)
        .collect::<Result<_, _>>()
        .map_err(|e| ConfigError::Invalid { key: "http.tls.cert", message: format!("not a PEM certificate: {e}") })?;
    if certs.is_empty() {
        return Err(ConfigError::Invalid { key: "http.tls.cert", message: "no CERTIFICATE in the file".into() });
    }
    let key = PrivateKeyDer::from_pem_slice(key_pem).map_err(|e| ConfigError::Invalid {
        key: "http.tls.key",
        message: format!("no PEM private key (PKCS#8, PKCS#1 or SEC1): {e}"),
    })?;
    let provider = rustls::crypto::aws_lc_rs::default_provider();
    let key = CertifiedKey::from_der(certs, key, &provider).map_err(|e| ConfigError::Invalid {
        key: "http.tls.key",
        message: format!("does not load or does not match http.tls.cert: {e}"),
    })?;
    Ok(Arc::new(key))
}

/// The rustls server config: TLS 1.2 and 1.3, HTTP/1.1 (WebSockets
/// upgrade from it), certificates from `certs`.
pub fn server_config(certs: Arc<CertStore>) -> Arc<rustls::ServerConfig> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("the provider supports the default versions")
        .with_no_client_auth()
        .with_cert_resolver(certs);
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Arc::new(config)
}

/// Re-reads the certificate files every `reload_check_secs` until `stop`.
pub async fn watch(certs: Arc<CertStore>, config: TlsConfig, mut stop: watch::Receiver<bool>) {
    let mut every = tokio::time::interval(Duration::from_secs(config.reload_check_secs.max(1)));
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    every.tick().await;
    loop {
        tokio::select! {
            _ = every.tick() => {}
            _ = stop.wait_for(|s| *s) => return,
        }
        let c = config.clone();
        let store = certs.clone();
        // File reads and key parsing are blocking work.
        let r = tokio::task::spawn_blocking(move || store.reload(&c)).await;
        match r {
            Ok(Ok(true)) => {
                metrics::counter!("cc_tls_cert_reloads_total", "result" => "ok").increment(1);
                tracing::info!(cert = %config.cert.display(), "TLS certificate reloaded");
            }
            Ok(Ok(false)) => {}
            Ok(Err(e)) => {
                metrics::counter!("cc_tls_cert_reloads_total", "result" => "failed").increment(1);
                tracing::warn!(error = %e, "new TLS certificate not loaded; keeping the current one");
            }
            Err(e) => tracing::warn!(error = %e, "TLS certificate check failed"),
        }
    }
}

/// TLS connections, handshaken, for `axum::serve`.
pub struct TlsListener {
    ready: mpsc::Receiver<(TlsStream<TcpStream>, SocketAddr)>,
    local: SocketAddr,
}

impl TlsListener {
    /// Starts accepting on `tcp`; handshakes run in their own tasks. The
    /// accepting task ends when the listener is dropped.
    pub fn new(tcp: TcpListener, config: Arc<rustls::ServerConfig>) -> io::Result<TlsListener> {
        let local = tcp.local_addr()?;
        let (tx, ready) = mpsc::channel(64);
        tokio::spawn(accept_loop(tcp, TlsAcceptor::from(config), tx));
        Ok(TlsListener { ready, local })
    }
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.ready.recv().await {
            Some(c) => c,
            // The accepting task only ends when we are dropped.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        Ok(self.local)
    }
}

async fn accept_loop(tcp: TcpListener, acceptor: TlsAcceptor, ready: mpsc::Sender<(TlsStream<TcpStream>, SocketAddr)>) {
    let slots = Arc::new(Semaphore::new(MAX_HANDSHAKES));
    loop {
        let slot = tokio::select! {
            s = slots.clone().acquire_owned() => s.expect("the semaphore is never closed"),
            _ = ready.closed() => return,
        };
        let (stream, peer) = tokio::select! {
            r = tcp.accept() => match r {
                Ok(c) => c,
                Err(e) => {
                    accept_error(e).await;
                    continue;
                }
            },
            _ = ready.closed() => return,
        };
        let acceptor = acceptor.clone();
        let ready = ready.clone();
        tokio::spawn(async move {
            let r = tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await;
            drop(slot);
            match r {
                Ok(Ok(tls)) => {
                    // Fails only when the server is shutting down.
                    let _ = ready.send((tls, peer)).await;
                }
                Ok(Err(e)) => {
                    metrics::counter!("cc_tls_handshake_failures_total", "reason" => "error").increment(1);
                    tracing::debug!(%peer, error = %e, "TLS handshake failed");
                }
                Err(_) => {
                    metrics::counter!("cc_tls_handshake_failures_total", "reason" => "timeout").increment(1);
                    tracing::debug!(%peer, "TLS handshake timed out");
                }
            }
        });
    }
}

/// As axum does for plain TCP: a connection's own error is nothing; others
/// (out of file descriptors) get logged and a pause.
async fn accept_error(e: io::Error) {
    use io::ErrorKind::*;
    if matches!(e.kind(), ConnectionRefused | ConnectionAborted | ConnectionReset) {
        return;
    }
    tracing::error!(error = %e, "accepting a TCP connection failed");
    tokio::time::sleep(Duration::from_secs(1)).await;
}

/// A self-signed certificate for a LAN trial.
pub struct SelfSigned {
    pub cert_pem: String,
    pub key_pem: String,
    /// SHA-256 of the certificate (DER), `AB:CD:…`, as browsers show it.
    pub fingerprint: String,
    /// base64 SHA-256 of the public key (SPKI), for Chromium's
    /// `--ignore-certificate-errors-spki-list`.
    pub spki_sha256: String,
    pub not_after: time::OffsetDateTime,
}

/// An ECDSA P-256 certificate for `hosts` (names or IP addresses; the
/// first is also the common name), valid from yesterday for `days`.
pub fn self_signed(hosts: &[String], days: i64) -> Result<SelfSigned, rcgen::Error> {
    let mut params = rcgen::CertificateParams::new(hosts.to_vec())?;
    let mut dn = rcgen::DistinguishedName::new();
    if let Some(first) = hosts.first() {
        dn.push(rcgen::DnType::CommonName, first.as_str());
    }
    dn.push(rcgen::DnType::OrganizationName, "Contact center gateway (self-signed)");
    params.distinguished_name = dn;
    let now = time::OffsetDateTime::now_utc();
    params.not_before = now - time::Duration::days(1);
    params.not_after = now + time::Duration::days(days);
    params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
    params.key_usages = vec![rcgen::KeyUsagePurpose::DigitalSignature];
    let key = rcgen::KeyPair::generate()?;
    let cert = params.self_signed(&key)?;
    let fingerprint = sha2::Sha256::digest(cert.der()).iter().map(|b| format!("{b:02X}")).collect::<Vec<_>>().join(":");
    let spki_sha256 = base64::engine::general_purpose::STANDARD
        .encode(sha2::Sha256::digest(rcgen::PublicKeyData::subject_public_key_info(&key)));
    Ok(SelfSigned {
        cert_pem: pem("CERTIFICATE", cert.der()),
        key_pem: pem("PRIVATE KEY", &key.serialize_der()),
        fingerprint,
        spki_sha256,
        not_after: params.not_after,
    })
}

fn pem(label: &str, der: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(line).expect("base64 is ASCII"));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn a_self_signed_pair_loads_and_reloads_only_good_changes() {
        let dir = std::env::temp_dir().join(format!("cc-tls-{}-{}", std::process::id(), rand::random::<u64>()));
        std::fs::create_dir_all(&dir).unwrap();
        let one = self_signed(&["cc.lan".into(), "192.168.1.20".into()], 30).unwrap();
        let config = TlsConfig {
            cert: write(&dir, "cert.pem", &one.cert_pem),
            key: write(&dir, "key.pem", &one.key_pem),
            redirect_listen: None,
            hsts_max_age_secs: 0,
            reload_check_secs: 1,
        };
        let store = CertStore::load(&config).unwrap();
        let first = store.current();
        assert!(!store.reload(&config).unwrap(), "unchanged files are not reloaded");

        // A certificate without its key: refused, the old pair stays.
        let two = self_signed(&["cc.lan".into()], 30).unwrap();
        write(&dir, "cert.pem", &two.cert_pem);
        let e = store.reload(&config).unwrap_err().to_string();
        assert!(e.contains("http.tls.key"), "{e}");
        assert!(Arc::ptr_eq(&first, &store.current()));
        write(&dir, "key.pem", &two.key_pem);
        assert!(store.reload(&config).unwrap());
        assert_ne!(store.current().cert[0], first.cert[0]);

        // Missing and bad files name their key.
        let gone = TlsConfig { cert: dir.join("nope.pem"), ..config.clone() };
        let e = CertStore::load(&gone).unwrap_err().to_string();
        assert!(e.contains("http.tls.cert") && e.contains("nope.pem"), "{e}");
        write(&dir, "junk.pem", "not pem");
        let junk = TlsConfig { key: dir.join("junk.pem"), ..config.clone() };
        let e = CertStore::load(&junk).unwrap_err().to_string();
        assert!(e.contains("http.tls.key"), "{e}");
        let junk = TlsConfig { cert: dir.join("junk.pem"), ..config };
        let e = CertStore::load(&junk).unwrap_err().to_string();
        assert!(e.contains("http.tls.cert"), "{e}");
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn pem_lines_are_64_columns() {
        let p = pem("CERTIFICATE", &[0u8; 100]);
        assert!(p.starts_with("-----BEGIN CERTIFICATE-----\n") && p.ends_with("-----END CERTIFICATE-----\n"));
        assert!(p.lines().all(|l| l.len() <= 64 || l.starts_with("-----")));
    }
}
