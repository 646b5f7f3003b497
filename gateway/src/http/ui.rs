//! The two browser apps, served from the folder Trunk builds them into.
//! Unknown paths under an app fall back to its `index.html`, so that the
//! app's own routes survive a reload.

use std::path::Path;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::Redirect;
use axum::routing::get;
use tower_http::services::{ServeDir, ServeFile};

use super::AppState;

/// The apps run only our own code: scripts and WebAssembly from this
/// origin (Trunk's loader is one inline module script), connections back to
/// this origin only, and no framing by other sites.
const CSP: &str = "default-src 'self'; script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'; \
                   style-src 'self' 'unsafe-inline'; img-src 'self' data:; media-src 'self' blob:; \
                   connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

pub fn router(ui_dir: &Path) -> Router<AppState> {
    let app = |name: &str| {
        let dir = ui_dir.join(name);
        ServeDir::new(&dir).fallback(ServeFile::new(dir.join("index.html")))
    };
    Router::new()
        .route("/", get(|| async { Redirect::temporary("/agent/") }))
        .nest_service("/agent", app("agent"))
        .nest_service("/supervisor", app("supervisor"))
        .layer(axum::middleware::map_response(|mut resp: axum::response::Response| async move {
            let h = resp.headers_mut();
            h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
            let is_html =
                h.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("text/html"));
            if is_html {
                // The page names the hashed wasm and js files; it must never
                // be stale after an upgrade.
                h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
            }
            resp
        }))
}
