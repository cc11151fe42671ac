//! Secrets the server must read back (authenticator-app keys) are sealed before they
//! reach the database: XChaCha20-Poly1305 with a random nonce, and the row they
//! belong to as associated data (a sealed value copied onto another user's row does
//! not open). The key lives outside the database — a file you manage, or one created
//! beside the database with owner-only permissions — so a copy of the database alone
//! reveals no secret.

use std::path::Path;

use base64::{engine::general_purpose::STANDARD_NO_PAD, Engine};
use chacha20poly1305::{
    aead::{Aead, KeyInit, Payload},
    XChaCha20Poly1305, XNonce,
};

/// Why a key could not be had, or a value could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum SecretBoxError {
    #[error("secret key file {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("secret key file {0} does not hold a 32-byte key")]
    BadKey(String),
    /// Wrong key, another row's value, or tampered with.
    #[error("a sealed secret did not open")]
    Open,
}

/// The sealing key.
#[derive(Clone)]
pub struct SecretBox {
    cipher: XChaCha20Poly1305,
    /// Keys for other purposes are derived from it (see [`SecretBox::subkey`]).
    key: [u8; 32],
}

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretBox(..)")
    }
}

const NONCE_BYTES: usize = 24;

impl SecretBox {
    pub fn new(key: &[u8; 32]) -> SecretBox {
        SecretBox {
            cipher: XChaCha20Poly1305::new(key.into()),
            key: *key,
        }
    }

    /// A key for `purpose`, derived from this one (HMAC-SHA256): what must not be
    /// checkable from a copy of the database alone (backup codes, administrators'
    /// credentials) is keyed outside it too, without a second file to manage.
    ///
    /// ```
    /// let b = fapi_server::secret_box::SecretBox::new(&[7; 32]);
    /// assert_eq!(b.subkey("backup-codes"), b.subkey("backup-codes"));
    /// assert_ne!(b.subkey("backup-codes"), b.subkey("admin"));
    /// ```
    pub fn subkey(&self, purpose: &str) -> [u8; 32] {
        use hmac::{Hmac, Mac};
        let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(&self.key)
            .expect("HMAC takes a key of any length");
        mac.update(b"fapi-server subkey: ");
        mac.update(purpose.as_bytes());
        mac.finalize().into_bytes().into()
    }

    /// The key in `path` (32 bytes, base64), created with owner-only permissions
    /// when it does not exist yet.
    pub fn from_file(path: &Path) -> Result<SecretBox, SecretBoxError> {
        let shown = path.display().to_string();
        let io = |source| SecretBoxError::Io {
            path: shown.clone(),
            source,
        };
        if !path.exists() {
            let mut key = [0u8; 32];
            rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut key);
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(io)?;
            }
            write_private(path, STANDARD_NO_PAD.encode(key).as_bytes()).map_err(io)?;
        }
        let text = std::fs::read_to_string(path).map_err(io)?;
        let bytes = STANDARD_NO_PAD
            .decode(text.trim().trim_end_matches('='))
            .map_err(|_| SecretBoxError::BadKey(shown.clone()))?;
        let key: [u8; 32] = bytes
            .try_into()
            .map_err(|_| SecretBoxError::BadKey(shown.clone()))?;
        Ok(SecretBox::new(&key))
    }

    /// `plaintext` sealed for the row `bound_to`: base64 of nonce and ciphertext.
    ///
    /// ```
    /// let b = fapi_server::secret_box::SecretBox::new(&[7; 32]);
    /// let sealed = b.seal(b"JBSWY3DPEHPK3PXP", "user_1");
    /// assert_eq!(b.open(&sealed, "user_1").unwrap(), b"JBSWY3DPEHPK3PXP");
    /// assert!(b.open(&sealed, "user_2").is_err());
    /// ```
    pub fn seal(&self, plaintext: &[u8], bound_to: &str) -> String {
        let mut nonce = [0u8; NONCE_BYTES];
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut nonce);
        let sealed = self
            .cipher
            .encrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: plaintext,
                    aad: bound_to.as_bytes(),
                },
            )
            .expect("XChaCha20-Poly1305 seals any length we store");
        let mut out = nonce.to_vec();
        out.extend(sealed);
        STANDARD_NO_PAD.encode(out)
    }

    /// Opens what [`SecretBox::seal`] sealed for the same row.
    pub fn open(&self, sealed: &str, bound_to: &str) -> Result<Vec<u8>, SecretBoxError> {
        let bytes = STANDARD_NO_PAD
            .decode(sealed)
            .map_err(|_| SecretBoxError::Open)?;
        if bytes.len() < NONCE_BYTES {
            return Err(SecretBoxError::Open);
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_BYTES);
        let nonce: [u8; NONCE_BYTES] = nonce.try_into().map_err(|_| SecretBoxError::Open)?;
        self.cipher
            .decrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: ciphertext,
                    aad: bound_to.as_bytes(),
                },
            )
            .map_err(|_| SecretBoxError::Open)
    }
}

#[cfg(unix)]
fn write_private(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    use std::{io::Write, os::unix::fs::OpenOptionsExt};
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(contents)?;
    file.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, contents)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_with_the_key_and_the_row_they_were_sealed_for() {
        let a = SecretBox::new(&[1; 32]);
        let sealed = a.seal(b"secret", "user_a");
        assert!(!sealed.contains("secret"));
        assert_eq!(a.open(&sealed, "user_a").unwrap(), b"secret");
        assert!(a.open(&sealed, "user_b").is_err(), "another row");
        assert!(
            SecretBox::new(&[2; 32]).open(&sealed, "user_a").is_err(),
            "another key"
        );
        let mut tampered = STANDARD_NO_PAD.decode(&sealed).unwrap();
        *tampered.last_mut().unwrap() ^= 1;
        assert!(a.open(&STANDARD_NO_PAD.encode(tampered), "user_a").is_err());
        assert!(a.open("not base64!", "user_a").is_err());
        assert_ne!(
            a.seal(b"secret", "user_a"),
            sealed,
            "a fresh nonce each time"
        );
    }

    #[test]
    fn the_key_file_is_created_once_private_and_then_reused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys").join("secrets.key");
        let first = SecretBox::from_file(&path).unwrap();
        let sealed = first.seal(b"x", "row");
        let again = SecretBox::from_file(&path).unwrap();
        assert_eq!(again.open(&sealed, "row").unwrap(), b"x");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::write(&path, "c2hvcnQ").unwrap();
        assert!(matches!(
            SecretBox::from_file(&path),
            Err(SecretBoxError::BadKey(_))
        ));
    }
}
