//! Built web files (the app's `static_dir`, the hosted pages' assets) as a CDN would
//! serve them: compressed, and cached for as long as their names say they may be.
//!
//! - A `.br` or `.gz` file next to the asked-for one (made at build time, at the
//!   highest levels) is sent when the browser accepts that encoding; anything without
//!   one is compressed as it goes out (brotli 4, gzip 6), so any directory benefits.
//! - A name trunk gave a content hash (`app-1f2e…_bg.wasm`) never changes content:
//!   cached for a year, `immutable`. Everything else (HTML above all, which names the
//!   current hashes) is revalidated on every use (`no-cache`).

use std::path::Path;

use axum::{
    extract::Request,
    http::{self, header, HeaderValue, StatusCode},
    middleware::{self, Next},
    response::Response,
    Router,
};
use tower::ServiceBuilder;
use tower_http::{
    compression::CompressionLayer,
    services::{ServeDir, ServeFile},
};

/// A year: what a hashed name may be cached for.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Fetched again (or revalidated) each time: HTML and unhashed names.
const REVALIDATE: &str = "no-cache";

/// `dir`'s files; with `fallback`, any other path answers that file (a single-page
/// app's `index.html`), else 404.
pub fn service(dir: &Path, fallback: Option<&Path>) -> Router {
    let files = ServeDir::new(dir).precompressed_br().precompressed_gzip();
    let router = match fallback {
        Some(index) => Router::new().fallback_service(
            files.fallback(
                ServiceBuilder::new()
                    .map_response(|mut response: http::Response<_>| {
                        response.extensions_mut().insert(AppPage);
                        response
                    })
                    .service(
                        ServeFile::new(index)
                            .precompressed_br()
                            .precompressed_gzip(),
                    ),
            ),
        ),
        None => Router::new().fallback_service(files),
    };
    router
        .layer(CompressionLayer::new())
        .layer(middleware::from_fn(caching))
}

/// Marks an answer of the fallback file (the app's page at a path with no file).
#[derive(Clone, Copy)]
struct AppPage;

/// Sets `Cache-Control` by name and `Vary: Accept-Encoding` (the body depends on it).
async fn caching(request: Request, next: Next) -> Response {
    let hashed = hashed_name(request.uri().path());
    let mut response = next.run(request).await;
    // A missing hashed file answered with the app's index.html (an old page asking
    // for last release's wasm) must not be kept for a year under that name. A 304
    // keeps the policy too: browsers take a 304's headers onto their copy.
    let status = response.status();
    let found = status.is_success() || status == StatusCode::NOT_MODIFIED;
    let policy = if hashed && found && response.extensions().get::<AppPage>().is_none() {
        IMMUTABLE
    } else {
        REVALIDATE
    };
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    if !headers
        .get_all(header::VARY)
        .iter()
        .any(|v| v.as_bytes().eq_ignore_ascii_case(b"accept-encoding"))
    {
        headers.append(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    response
}

/// Whether the last path segment carries trunk's content hash: `-` then 16 lowercase
/// hex digits, then `.` or `_` (`style-5be4df0046921fad.css`, `demo-86fa…_bg.wasm`).
fn hashed_name(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    name.match_indices('-').any(|(at, _)| {
        let rest = &name[at + 1..];
        rest.len() > 16
            && rest.as_bytes()[..16]
                .iter()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b))
            && matches!(rest.as_bytes()[16], b'.' | b'_')
    })
}

#[cfg(test)]
mod tests {
    use super::hashed_name;

    #[test]
    fn trunk_hashes_are_recognised_and_nothing_else() {
        assert!(hashed_name("/demo-86fa5049571769e6_bg.wasm"));
        assert!(hashed_name("/__portal/portal-f2fa3ec116661c58.js"));
        assert!(hashed_name("/style-5be4df0046921fad.css"));
        assert!(hashed_name("/my-app-5be4df0046921fad.css"));
        assert!(!hashed_name("/index.html"));
        assert!(!hashed_name("/"));
        assert!(!hashed_name("/notes"));
        assert!(!hashed_name("/favicon-32.png"));
        assert!(!hashed_name("/style-5BE4DF0046921FAD.css"));
        assert!(!hashed_name("/style-5be4df0046921fa.css"));
        assert!(!hashed_name("/style-5be4df0046921fadd.css"));
    }
}
