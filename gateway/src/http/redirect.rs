//! The plain-HTTP listener of a gateway serving HTTPS: every request gets a
//! permanent redirect (308, which keeps the method) to the same path over
//! HTTPS, and nothing else is served on it.

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// Redirects to `public_url`'s origin when that is an `https://` URL, else
/// to the request's host on `https_port`.
pub fn router(https_port: u16, public_url: Option<&str>) -> Router {
    let base = public_url.and_then(crate::config::origin_of).filter(|o| o.starts_with("https://"));
    Router::new().fallback(move |req: Request| {
        let base = base.clone();
        async move { redirect(&req, base.as_deref(), https_port) }
    })
}

fn redirect(req: &Request, base: Option<&str>, https_port: u16) -> Response {
    let path = req.uri().path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let base = match base {
        Some(b) => b.to_owned(),
        None => {
            let Some(host) = req.headers().get(header::HOST).and_then(|h| h.to_str().ok()).and_then(host_name) else {
                return (StatusCode::BAD_REQUEST, "a Host header is needed").into_response();
            };
            if https_port == 443 { format!("https://{host}") } else { format!("https://{host}:{https_port}") }
        }
    };
    let Ok(location) = HeaderValue::from_str(&format!("{base}{path}")) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let mut resp = StatusCode::PERMANENT_REDIRECT.into_response();
    resp.headers_mut().insert(header::LOCATION, location);
    metrics::counter!("cc_http_redirects_total").increment(1);
    resp
}

/// The host of a `Host` header without its port (`[v6]` kept in brackets);
/// `None` for anything that is not a plain name or address, so that the
/// redirect can never point somewhere odd.
fn host_name(host: &str) -> Option<&str> {
    let name = if host.starts_with('[') {
        let end = host.find(']')?;
        &host[..=end]
    } else {
        host.rsplit_once(':').map_or(host, |(h, _)| h)
    };
    let ok = !name.is_empty()
        && name.len() <= 255
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'[' | b']' | b':'));
    ok.then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_names() {
        assert_eq!(host_name("cc.example:8080"), Some("cc.example"));
        assert_eq!(host_name("192.168.1.20"), Some("192.168.1.20"));
        assert_eq!(host_name("[fe80::1]:80"), Some("[fe80::1]"));
        assert_eq!(host_name("evil.example/x"), None);
        assert_eq!(host_name("a@b"), None);
        assert_eq!(host_name(""), None);
    }
}
