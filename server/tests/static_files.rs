//! Built files go out as a CDN would send them: the `.br`/`.gz` made at build time
//! when the browser takes that encoding (byte for byte), anything without one
//! compressed as it goes, hashed names cached for a year, HTML revalidated, and
//! `Vary: Accept-Encoding` on all of it. For the app's `static_dir` and the hosted
//! pages' assets alike.

use crate::common;

use std::io::{Read, Write};
use std::path::Path;

use common::TestServer;
use reqwest::{header, StatusCode};

const WASM: &str = "app-0123456789abcdef_bg.wasm";
const JS: &str = "app-0123456789abcdef.js";

/// Compressible content, as a real bundle is.
fn content(seed: &str) -> Vec<u8> {
    (0..2000)
        .flat_map(|i| format!("{seed} line {i} of a built file;\n").into_bytes())
        .collect()
}

fn brotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut w = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
    w.write_all(bytes).unwrap();
    drop(w);
    out
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut w = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    w.write_all(bytes).unwrap();
    w.finish().unwrap()
}

fn unbrotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    brotli::Decompressor::new(bytes, 4096)
        .read_to_end(&mut out)
        .unwrap();
    out
}

fn ungzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .unwrap();
    out
}

/// A built app: `index.html`, a wasm with both siblings made at build time, and JS
/// glue with none.
fn built(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(
        dir.join("index.html"),
        "<!doctype html><html><head><title>App</title></head><body></body></html>",
    )
    .unwrap();
    let wasm = content("wasm");
    std::fs::write(dir.join(format!("{WASM}.br")), brotli(&wasm)).unwrap();
    std::fs::write(dir.join(format!("{WASM}.gz")), gzip(&wasm)).unwrap();
    std::fs::write(dir.join(WASM), wasm).unwrap();
    std::fs::write(dir.join(JS), content("js")).unwrap();
}

async fn get(url: &str, accept: Option<&str>) -> (StatusCode, header::HeaderMap, Vec<u8>) {
    // reqwest built without its decoders: the bytes on the wire.
    let mut request = reqwest::Client::new().get(url);
    if let Some(accept) = accept {
        request = request.header(header::ACCEPT_ENCODING, accept);
    }
    let r = request.send().await.unwrap();
    let status = r.status();
    let headers = r.headers().clone();
    (status, headers, r.bytes().await.unwrap().to_vec())
}

async fn get_if_modified(url: &str, since: &str) -> (StatusCode, header::HeaderMap, Vec<u8>) {
    let r = reqwest::Client::new()
        .get(url)
        .header(header::ACCEPT_ENCODING, "br")
        .header(header::IF_MODIFIED_SINCE, since)
        .send()
        .await
        .unwrap();
    let status = r.status();
    let headers = r.headers().clone();
    (status, headers, r.bytes().await.unwrap().to_vec())
}

fn header(headers: &header::HeaderMap, name: header::HeaderName) -> &str {
    headers
        .get(&name)
        .map(|v| v.to_str().unwrap())
        .unwrap_or_default()
}

/// What every test here checks of one directory's files, served under `base`.
async fn served_compressed_and_cacheable(base: &str, dir: &Path) {
    let wasm = std::fs::read(dir.join(WASM)).unwrap();
    let url = format!("{base}/{WASM}");

    let (status, headers, body) = get(&url, Some("gzip, deflate, br")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(header(&headers, header::CONTENT_ENCODING), "br");
    assert_eq!(
        body,
        std::fs::read(dir.join(format!("{WASM}.br"))).unwrap(),
        "the build's own .br, byte for byte"
    );
    assert_eq!(unbrotli(&body), wasm);
    assert_eq!(header(&headers, header::CONTENT_TYPE), "application/wasm");
    assert_eq!(
        header(&headers, header::CACHE_CONTROL),
        "public, max-age=31536000, immutable"
    );
    assert!(header(&headers, header::VARY)
        .to_ascii_lowercase()
        .contains("accept-encoding"));

    // Revalidated: the 304 keeps the year (browsers take its headers onto their copy).
    let modified = header(&headers, header::LAST_MODIFIED).to_owned();
    let (status, headers, _) = get_if_modified(&url, &modified).await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    assert_eq!(
        header(&headers, header::CACHE_CONTROL),
        "public, max-age=31536000, immutable"
    );

    let (_, headers, body) = get(&url, Some("gzip")).await;
    assert_eq!(header(&headers, header::CONTENT_ENCODING), "gzip");
    assert_eq!(body, std::fs::read(dir.join(format!("{WASM}.gz"))).unwrap());
    assert_eq!(ungzip(&body), wasm);

    let (_, headers, body) = get(&url, Some("identity")).await;
    assert_eq!(header(&headers, header::CONTENT_ENCODING), "");
    assert_eq!(body, wasm, "a browser that takes no encoding gets the file");
    assert!(header(&headers, header::VARY)
        .to_ascii_lowercase()
        .contains("accept-encoding"));

    // No sibling: compressed on the way out.
    let js = std::fs::read(dir.join(JS)).unwrap();
    let url = format!("{base}/{JS}");
    let (status, headers, body) = get(&url, Some("br")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(header(&headers, header::CONTENT_ENCODING), "br");
    assert!(body.len() < js.len() / 4, "{} of {}", body.len(), js.len());
    assert_eq!(unbrotli(&body), js);
    let (_, headers, body) = get(&url, Some("gzip")).await;
    assert_eq!(header(&headers, header::CONTENT_ENCODING), "gzip");
    assert_eq!(ungzip(&body), js);
    assert_eq!(
        header(&headers, header::CACHE_CONTROL),
        "public, max-age=31536000, immutable"
    );
}

#[tokio::test]
async fn the_apps_files_go_out_compressed_and_cacheable() {
    let dir = tempfile::tempdir().unwrap();
    let app = dir.path().join("app");
    built(&app);
    let mut settings = common::test_settings(dir.path());
    settings.static_dir = Some(app.clone());
    let server = TestServer::in_dir(dir, settings).await;

    served_compressed_and_cacheable(&server.base, &app).await;

    // The page names the current hashes: revalidated on every use, at its own path
    // and at the app's client-side routes.
    for path in ["/", "/index.html", "/notes/1"] {
        let (status, headers, body) = get(&format!("{}{path}", server.base), Some("br")).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(header(&headers, header::CONTENT_TYPE).starts_with("text/html"));
        assert_eq!(
            header(&headers, header::CACHE_CONTROL),
            "no-cache",
            "{path}"
        );
        let html = if header(&headers, header::CONTENT_ENCODING) == "br" {
            unbrotli(&body)
        } else {
            body
        };
        assert!(String::from_utf8(html)
            .unwrap()
            .contains("<title>App</title>"));
    }
    // Last release's wasm, asked for by a page cached elsewhere: the app's page
    // answers, and is not kept for a year under the hashed name.
    let (status, headers, _) = get(
        &format!("{}/app-fedcba9876543210_bg.wasm", server.base),
        Some("br"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(header(&headers, header::CACHE_CONTROL), "no-cache");
    // Nor when the browser revalidates it (a 304 says nothing of its type).
    let modified = header(&headers, header::LAST_MODIFIED).to_owned();
    let (status, headers, _) = get_if_modified(
        &format!("{}/app-fedcba9876543210_bg.wasm", server.base),
        &modified,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    assert_eq!(header(&headers, header::CACHE_CONTROL), "no-cache");

    // The API is not a file: untouched.
    let (_, headers, _) = get(&format!("{}/v1/environment", server.base), Some("br")).await;
    assert_eq!(header(&headers, header::CONTENT_ENCODING), "");
}

#[tokio::test]
async fn the_hosted_pages_assets_go_out_compressed_and_cacheable() {
    let dir = tempfile::tempdir().unwrap();
    let portal = dir.path().join("portal");
    built(&portal);
    let mut settings = common::test_settings(dir.path());
    settings.hosted_pages.dir = Some(portal.clone());
    let server = TestServer::in_dir(dir, settings).await;

    served_compressed_and_cacheable(&format!("{}/__portal", server.base), &portal).await;

    let (status, _, _) = get(&format!("{}/__portal/nothing.js", server.base), Some("br")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // The page itself is made per request (it names where to return): never stored.
    let (status, headers, _) = get(&format!("{}/sign-in", server.base), Some("br")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(header(&headers, header::CACHE_CONTROL), "no-store");
}
