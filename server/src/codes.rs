//! One-time codes: 6 digits from the OS generator, stored only as a keyed HMAC bound
//! to their verification, compared in constant time.

use hmac::{Hmac, Mac};
use rand::{rngs::OsRng, Rng};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// The code test-mode identifiers accept, as in Clerk.
pub const TEST_CODE: &str = "424242";

#[derive(Clone)]
pub struct CodeHasher {
    key: [u8; 32],
}

impl CodeHasher {
    pub fn new(key: [u8; 32]) -> Self {
        CodeHasher { key }
    }

    pub fn generate() -> String {
        format!("{:06}", OsRng.gen_range(0..1_000_000u32))
    }

    /// Binding the hash to the verification id means a code is only good where it was sent.
    pub fn hash(&self, verification_id: &str, code: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("any key length works");
        mac.update(verification_id.as_bytes());
        mac.update(b":");
        mac.update(code.trim().as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    pub fn matches(&self, verification_id: &str, code: &str, stored: &str) -> bool {
        let computed = self.hash(verification_id, code);
        computed.as_bytes().ct_eq(stored.as_bytes()).into()
    }
}

/// Clerk's fictional test numbers: +1 XXX 555-0100 to 555-0199.
pub fn is_test_phone(e164: &str) -> bool {
    let digits = e164.strip_prefix("+1").unwrap_or("");
    digits.len() == 10 && digits.bytes().all(|b| b.is_ascii_digit()) && &digits[3..8] == "55501"
}

/// Emails with a `+clerk_test` subaddress.
pub fn is_test_email(email: &str) -> bool {
    email
        .split('@')
        .next()
        .unwrap_or("")
        .contains("+clerk_test")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_six_digits_and_bound_to_their_verification() {
        let h = CodeHasher::new([7; 32]);
        let code = CodeHasher::generate();
        assert_eq!(code.len(), 6);
        assert!(code.bytes().all(|b| b.is_ascii_digit()));
        let stored = h.hash("ver_1", &code);
        assert!(h.matches("ver_1", &code, &stored));
        assert!(!h.matches("ver_2", &code, &stored));
        assert!(!stored.contains(&code));
    }

    #[test]
    fn test_identifiers_follow_clerk() {
        assert!(is_test_phone("+12015550100"));
        assert!(is_test_phone("+19995550199"));
        assert!(!is_test_phone("+12015550200"));
        assert!(!is_test_phone("+442015550100"));
        assert!(is_test_email("jane+clerk_test@example.com"));
        assert!(!is_test_email("jane@clerk_test.com"));
    }
}
