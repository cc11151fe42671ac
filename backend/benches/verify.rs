//! Verifications per second on one thread: the crate's whole check (`Clerk::verify`,
//! key from the cache) next to jsonwebtoken's bare signature check, for ES256
//! (fapi-server) and RS256 (Clerk). `cargo bench -p yew-clerk-backend`.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use fapi_types::SessionClaims;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use yew_clerk_backend::{keys::Key, Clerk, Config};

const ISSUER: &str = "https://clerk.example.com";

fn claims() -> SessionClaims {
    let t = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    SessionClaims {
        sid: "sess_1".into(),
        sub: "user_1".into(),
        iss: ISSUER.into(),
        azp: Some("https://app.example.com".into()),
        exp: t + 3600,
        iat: t,
        nbf: t - 5,
        jti: None,
        v: Some(2),
        fva: Some([0, 0]),
        sts: None,
    }
}

/// Runs `f` for about a second; calls per second.
fn rate(mut f: impl FnMut()) -> f64 {
    for _ in 0..200 {
        f();
    }
    let start = Instant::now();
    let mut n = 0u64;
    while start.elapsed() < Duration::from_secs(1) {
        for _ in 0..100 {
            f();
        }
        n += 100;
    }
    n as f64 / start.elapsed().as_secs_f64()
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    for (name, alg, private, public) in [
        (
            "ES256",
            Algorithm::ES256,
            include_str!("../tests/keys/ec.pem"),
            include_str!("../tests/keys/ec.pub.pem"),
        ),
        (
            "RS256",
            Algorithm::RS256,
            include_str!("../tests/keys/rsa.pem"),
            include_str!("../tests/keys/rsa.pub.pem"),
        ),
    ] {
        let encoding = match alg {
            Algorithm::ES256 => EncodingKey::from_ec_pem(private.as_bytes()).unwrap(),
            _ => EncodingKey::from_rsa_pem(private.as_bytes()).unwrap(),
        };
        let token = jsonwebtoken::encode(&Header::new(alg), &claims(), &encoding).unwrap();
        let decoding = match alg {
            Algorithm::ES256 => DecodingKey::from_ec_pem(public.as_bytes()).unwrap(),
            _ => DecodingKey::from_rsa_pem(public.as_bytes()).unwrap(),
        };
        let mut validation = Validation::new(alg);
        validation.validate_aud = false;
        let raw = rate(|| {
            jsonwebtoken::decode::<SessionClaims>(&token, &decoding, &validation).unwrap();
        });
        let clerk = Clerk::new(Config::new(ISSUER).key(Key::from_pem(public).unwrap()));
        let whole = rate(|| {
            runtime.block_on(clerk.verify(&token)).unwrap();
        });
        println!(
            "{name}: Clerk::verify {whole:.0}/s, jsonwebtoken::decode {raw:.0}/s ({:.2}x)",
            whole / raw
        );
    }
}
