//! The two browser apps, served from the folder Trunk builds them into.
//! Unknown paths under an app fall back to its `index.html`, so that the
//! app's own routes survive a reload. The message files of the UI
//! languages are under `/i18n/` (copied into the folder by `cargo xtask
//! ui`); the apps ask for them with their content hash in the query, so
//! those answers may be kept for a year.

use std::path::Path;

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Redirect, Response};
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
        .merge(
            Router::new()
                .nest_service("/i18n", ServeDir::new(ui_dir.join("i18n")))
                .layer(axum::middleware::from_fn(message_file_headers)),
        )
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

/// A message file is UTF-8 text. Asked for with its version (`?v=<content
/// hash>`) it never changes, so browsers keep it; without one it is checked
/// each time.
async fn message_file_headers(req: Request, next: Next) -> Response {
    let versioned = req.uri().query().is_some_and(|q| q.split('&').any(|p| p.starts_with("v=") && p.len() > 2));
    let mut resp = next.run(req).await;
    if resp.status() == StatusCode::OK {
        let h = resp.headers_mut();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
        let cache = if versioned { "public, max-age=31536000, immutable" } else { "no-cache" };
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    }
    resp
}
