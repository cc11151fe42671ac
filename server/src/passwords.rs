//! Password hashing: Argon2id with OWASP's minimum (m=19 MiB, t=2, p=1), run on the
//! blocking pool but never more hashes at once than cores, so a burst of sign-ins
//! queues instead of exhausting memory.

use std::sync::Arc;

use argon2::{
    password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Algorithm, Argon2, Params, Version,
};
use tokio::sync::Semaphore;
use unicode_normalization::UnicodeNormalization;

#[derive(Clone)]
pub struct Passwords {
    permits: Arc<Semaphore>,
    dummy_hash: Arc<String>,
}

/// The result of checking a password.
#[derive(Debug, PartialEq, Eq)]
pub enum Checked {
    Wrong,
    Right,
    /// Right, but stored with weaker parameters than today's: store this new hash.
    RightRehashed(String),
}

fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, Some(32)).expect("valid argon2 params");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// NIST 800-63B-4: normalise to NFC so that the same password typed on two systems matches.
fn normalize(password: &str) -> String {
    password.nfc().collect()
}

/// Hashes at once, on this thread (for tools; servers use [`Passwords::hash`]).
pub fn hash_now(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(normalize(password).as_bytes(), &salt)
        .expect("argon2 hashing cannot fail with valid params")
        .to_string()
}

fn check_now(password: &str, stored: &str) -> Checked {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return Checked::Wrong;
    };
    let normalized = normalize(password);
    if argon2()
        .verify_password(normalized.as_bytes(), &parsed)
        .is_err()
    {
        return Checked::Wrong;
    }
    let current = argon2();
    let weaker = parsed.algorithm.as_str() != "argon2id"
        || Params::try_from(&parsed)
            .map(|p| {
                p.m_cost() < current.params().m_cost() || p.t_cost() < current.params().t_cost()
            })
            .unwrap_or(true);
    if weaker {
        Checked::RightRehashed(hash_now(password))
    } else {
        Checked::Right
    }
}

impl Passwords {
    pub fn new() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Passwords {
            permits: Arc::new(Semaphore::new(cores)),
            dummy_hash: Arc::new(hash_now("dummy password for unknown accounts")),
        }
    }

    async fn run<T: Send + 'static>(&self, f: impl FnOnce() -> T + Send + 'static) -> T {
        let _permit = self
            .permits
            .acquire()
            .await
            .expect("semaphore never closed");
        tokio::task::spawn_blocking(f)
            .await
            .expect("hashing task does not panic")
    }

    pub async fn hash(&self, password: &str) -> String {
        let password = password.to_owned();
        self.run(move || hash_now(&password)).await
    }

    /// Checks against the stored hash; with `None` (unknown account or no password)
    /// it still spends the time of a real check, so timing tells nothing.
    pub async fn check(&self, password: &str, stored: Option<&str>) -> Checked {
        let password = password.to_owned();
        let (stored, real) = match stored {
            Some(s) => (s.to_owned(), true),
            None => (self.dummy_hash.as_str().to_owned(), false),
        };
        let result = self.run(move || check_now(&password, &stored)).await;
        if real {
            result
        } else {
            Checked::Wrong
        }
    }
}

impl Default for Passwords {
    fn default() -> Self {
        Self::new()
    }
}

/// Length in code points, as NIST counts it.
pub fn length(password: &str) -> u32 {
    normalize(password).chars().count() as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_are_phc_argon2id_and_verify_whole_passwords() {
        let p = Passwords::new();
        let h = p.hash("correct horse battery staple").await;
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert_eq!(
            p.check("correct horse battery staple", Some(&h)).await,
            Checked::Right
        );
        assert_eq!(
            p.check("correct horse battery staplex", Some(&h)).await,
            Checked::Wrong
        );
        assert_eq!(
            p.check("correct horse battery staple", None).await,
            Checked::Wrong
        );
    }

    #[tokio::test]
    async fn nfc_and_nfd_forms_verify_alike() {
        let p = Passwords::new();
        let h = p.hash("pa\u{00fc}ssw\u{00f6}rd-long-enough").await;
        assert_eq!(
            p.check("pau\u{0308}sswo\u{0308}rd-long-enough", Some(&h))
                .await,
            Checked::Right
        );
        assert_eq!(length("\u{00fc}".repeat(8).as_str()), 8);
        assert_eq!(length("u\u{0308}"), 1);
    }

    #[tokio::test]
    async fn weaker_hashes_are_upgraded_on_success() {
        let weak = {
            let params = Params::new(8 * 1024, 1, 1, None).unwrap();
            let a = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
            a.hash_password(b"an old long password", &SaltString::generate(&mut OsRng))
                .unwrap()
                .to_string()
        };
        let p = Passwords::new();
        match p.check("an old long password", Some(&weak)).await {
            Checked::RightRehashed(new) => assert!(new.contains("m=19456,t=2")),
            other => panic!("expected a rehash, got {other:?}"),
        }
    }
}
