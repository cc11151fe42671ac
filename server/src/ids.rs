//! Identifiers and secrets: secrets straight from the OS random generator, ids from
//! a CSPRNG it seeds.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use rand::{distributions::Alphanumeric, rngs::OsRng, Rng, RngCore};
use sha2::{Digest, Sha256};

/// A Clerk-style id: `user_2Zk…` (prefix + 27 base62 characters, ~160 bits).
///
/// From `rand`'s thread-local CSPRNG (ChaCha, seeded and reseeded from the OS):
/// sampling `OsRng` itself cost a system call per character, dozens per id, on the
/// path of every token mint (its `jti`).
pub fn new_id(prefix: &str) -> String {
    let tail: String = rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(27)
        .map(char::from)
        .collect();
    format!("{prefix}_{tail}")
}

/// A bearer secret of 256 bits (client tokens, dev browser tokens).
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Tokens are stored only as their SHA-256, so a database leak yields no live token.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub fn trace_id() -> String {
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Now, in unix milliseconds.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_carry_their_prefix_and_do_not_repeat() {
        let a = new_id("user");
        assert!(a.starts_with("user_") && a.len() == 32);
        assert_ne!(a, new_id("user"));
        assert_eq!(new_token().len(), 43);
        assert_eq!(token_hash("x").len(), 64);
    }
}
