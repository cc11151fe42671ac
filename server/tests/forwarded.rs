//! Behind a proxy, the per-IP limits key on the address the proxy saw, not on what
//! the client wrote into `X-Forwarded-For`; IPv6 clients share their /64
//! (security issue, item 14).

use crate::common;

use common::{TestServer, ORIGIN};
use reqwest::StatusCode;

async fn create_sign_in(server: &TestServer, forwarded_for: &str) -> StatusCode {
    reqwest::Client::new()
        .post(format!("{}/v1/client/sign_ins", server.base))
        .header("origin", ORIGIN)
        .header("x-forwarded-for", forwarded_for)
        .form(&[("identifier", "nobody@example.com")])
        .send()
        .await
        .unwrap()
        .status()
}

async fn behind_a_proxy() -> TestServer {
    TestServer::with(|s| {
        s.limits = fapi_server::config::Limits::default();
        s.trust_forwarded_for = true;
        s.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
    })
    .await
}

/// Anyone who reaches the instance past the proxy writes whatever address they like
/// into `X-Forwarded-For`: it is read only from a configured proxy's connection.
#[tokio::test]
async fn the_header_of_a_peer_that_is_no_proxy_is_ignored() {
    let server = TestServer::with(|s| {
        s.limits = fapi_server::config::Limits::default();
        s.trust_forwarded_for = true;
        s.trusted_proxies = vec!["10.0.0.0/8".parse().unwrap()];
    })
    .await;
    for i in 0..5 {
        let status = create_sign_in(&server, &format!("198.51.100.{i}")).await;
        assert_ne!(status, StatusCode::TOO_MANY_REQUESTS);
    }
    let status = create_sign_in(&server, "198.51.100.200").await;
    assert_eq!(
        status,
        StatusCode::TOO_MANY_REQUESTS,
        "a new address per request bought fresh limits"
    );
}

#[test]
fn trusting_the_header_needs_the_proxies_named() {
    let mut s = fapi_server::config::Settings {
        trust_forwarded_for: true,
        ..Default::default()
    };
    let e = s.validate().unwrap_err().to_string();
    assert!(e.contains("trusted_proxies"), "{e}");
    s.trusted_proxies = vec!["10.0.0.0/8".parse().unwrap()];
    s.validate().unwrap();
}

#[tokio::test]
async fn a_spoofed_leftmost_address_buys_no_fresh_limit() {
    let server = behind_a_proxy().await;
    // The client writes anything; the proxy appends what it saw: 198.51.100.7.
    for i in 0..5 {
        let status = create_sign_in(&server, &format!("203.0.113.{i}, 198.51.100.7")).await;
        assert_ne!(status, StatusCode::TOO_MANY_REQUESTS);
    }
    let status = create_sign_in(&server, "203.0.113.99, 198.51.100.7").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    // Another client behind the same proxy has its own.
    let status = create_sign_in(&server, "198.51.100.8").await;
    assert_ne!(status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn addresses_of_one_ipv6_64_share_a_limit() {
    let server = behind_a_proxy().await;
    for i in 1..=5 {
        let status = create_sign_in(&server, &format!("2001:db8:7:7::{i:x}")).await;
        assert_ne!(status, StatusCode::TOO_MANY_REQUESTS);
    }
    let status = create_sign_in(&server, "2001:db8:7:7:ffff::1").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let status = create_sign_in(&server, "2001:db8:7:8::1").await;
    assert_ne!(status, StatusCode::TOO_MANY_REQUESTS);
}
