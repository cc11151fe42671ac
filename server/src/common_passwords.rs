//! The 10,000 most common passwords (OWASP SecLists; `server/data/README.md` has
//! the source and licence), refused as new passwords: a blocklist is what NIST
//! 800-63B asks for instead of composition rules. Compared after NFC, ignoring case.

use std::{collections::HashSet, sync::LazyLock};

use unicode_normalization::UnicodeNormalization;

static LIST: &str = include_str!("../data/common-passwords.txt");

static COMMON: LazyLock<HashSet<String>> =
    LazyLock::new(|| LIST.lines().map(fold).filter(|p| !p.is_empty()).collect());

fn fold(password: &str) -> String {
    password.nfc().collect::<String>().to_lowercase()
}

/// Whether `password` is on the list (as typed: nothing is trimmed).
///
/// ```
/// assert!(fapi_server::common_passwords::is_common("Password"));
/// assert!(!fapi_server::common_passwords::is_common("correct horse battery staple"));
/// ```
pub fn is_common(password: &str) -> bool {
    COMMON.contains(&fold(password))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_whole_and_folded() {
        assert_eq!(
            COMMON.len(),
            LIST.lines().map(fold).collect::<HashSet<_>>().len()
        );
        assert!(COMMON.len() > 9_000, "{}", COMMON.len());
        assert!(is_common("123456") && is_common("QWERTY") && is_common("baseball"));
        // Spaces are part of a password: " qwerty" is another one.
        assert!(!is_common(" qwerty"));
    }
}
