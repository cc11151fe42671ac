//! Authenticator-app codes: TOTP (RFC 6238) over HOTP (RFC 4226), as every
//! authenticator app computes them — HMAC-SHA1, 6 digits, 30-second steps. A code
//! is accepted for the current step and one either side (clock drift), and a step
//! once used is never accepted again for that user (a code seen over a shoulder or
//! phished is worth nothing after its owner used it).

use hmac::{Hmac, Mac};
use sha1::Sha1;
use subtle::ConstantTimeEq;

/// Digits of a code.
pub const DIGITS: u32 = 6;
/// Seconds per step.
pub const STEP_SECONDS: u64 = 30;
/// 160-bit secrets, as RFC 4226 recommends.
pub const SECRET_BYTES: usize = 20;

/// A fresh secret from the OS RNG.
pub fn generate_secret() -> [u8; SECRET_BYTES] {
    let mut secret = [0u8; SECRET_BYTES];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut secret);
    secret
}

/// The secret as authenticator apps take it typed in: base32, no padding.
pub fn encode_secret(secret: &[u8]) -> String {
    data_encoding::BASE32_NOPAD.encode(secret)
}

/// The secret from its base32 text (what [`encode_secret`] gives).
pub fn decode_secret(text: &str) -> Option<Vec<u8>> {
    data_encoding::BASE32_NOPAD
        .decode(text.trim().trim_end_matches('=').as_bytes())
        .ok()
}

/// The `otpauth://totp/` URI a QR code carries (Google Authenticator's key URI
/// format): the label is `issuer:account`, percent-encoded.
///
/// ```
/// let uri = fapi_server::totp::otpauth_uri("Acme Inc", "ada@example.com", b"12345678901234567890");
/// assert_eq!(
///     uri,
///     "otpauth://totp/Acme%20Inc:ada%40example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Acme%20Inc&algorithm=SHA1&digits=6&period=30"
/// );
/// ```
pub fn otpauth_uri(issuer: &str, account: &str, secret: &[u8]) -> String {
    use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
    /// Everything but RFC 3986's unreserved characters.
    const RESERVED: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~');
    let enc = |s: &str| utf8_percent_encode(s, RESERVED).to_string();
    format!(
        "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}",
        enc(issuer),
        enc(account),
        encode_secret(secret),
        enc(issuer)
    )
}

/// RFC 4226 HOTP: the code for `counter`, `digits` long.
pub fn hotp(secret: &[u8], counter: u64, digits: u32) -> String {
    let mut mac = Hmac::<Sha1>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(&counter.to_be_bytes());
    let hash = mac.finalize().into_bytes();
    let offset = (hash[hash.len() - 1] & 0x0f) as usize;
    let binary = u32::from_be_bytes([
        hash[offset] & 0x7f,
        hash[offset + 1],
        hash[offset + 2],
        hash[offset + 3],
    ]);
    let code = binary % 10u32.pow(digits);
    format!("{code:0width$}", width = digits as usize)
}

/// The step a unix time falls in.
pub fn step_at(unix_seconds: u64) -> u64 {
    unix_seconds / STEP_SECONDS
}

/// The code an app shows at `unix_seconds`.
pub fn code_at(secret: &[u8], unix_seconds: u64) -> String {
    hotp(secret, step_at(unix_seconds), DIGITS)
}

/// Checks `code` at `unix_seconds`: the step it belongs to (T-1, T or T+1) when it
/// is right and that step is later than `last_used_step`, else `None`. Every
/// candidate is compared in constant time.
pub fn verify(
    secret: &[u8],
    code: &str,
    unix_seconds: u64,
    last_used_step: Option<u64>,
) -> Option<u64> {
    let code = code.trim();
    if code.len() != DIGITS as usize || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let now = step_at(unix_seconds);
    let mut matched = None;
    for step in now.saturating_sub(1)..=now + 1 {
        let expected = hotp(secret, step, DIGITS);
        let same: bool = expected.as_bytes().ct_eq(code.as_bytes()).into();
        if same && last_used_step.is_none_or(|last| step > last) {
            matched = Some(step);
        }
    }
    matched
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The key of RFC 4226 appendix D and RFC 6238 appendix B (SHA-1).
    const KEY: &[u8] = b"12345678901234567890";

    #[test]
    fn rfc_4226_hotp_vectors() {
        let expected = [
            "755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583",
            "399871", "520489",
        ];
        for (counter, code) in expected.iter().enumerate() {
            assert_eq!(hotp(KEY, counter as u64, 6), *code, "counter {counter}");
        }
    }

    #[test]
    fn rfc_6238_totp_vectors_sha1() {
        let expected = [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ];
        for (time, code) in expected {
            assert_eq!(hotp(KEY, step_at(time), 8), code, "time {time}");
        }
    }

    #[test]
    fn one_step_of_drift_either_way_and_no_more() {
        let now = 1_700_000_000;
        for (offset, accepted) in [
            (-60i64, false),
            (-30, true),
            (0, true),
            (30, true),
            (60, false),
        ] {
            let code = code_at(KEY, (now as i64 + offset) as u64);
            assert_eq!(
                verify(KEY, &code, now, None).is_some(),
                accepted,
                "offset {offset}"
            );
        }
    }

    #[test]
    fn a_used_step_is_never_accepted_again() {
        let now = 1_700_000_000;
        let code = code_at(KEY, now);
        let step = verify(KEY, &code, now, None).expect("right code");
        assert_eq!(verify(KEY, &code, now, Some(step)), None, "replay");
        assert_eq!(
            verify(KEY, &code, now + 29, Some(step)),
            None,
            "replay later"
        );
        // The previous step's code after the current one was used: also refused.
        let earlier = code_at(KEY, now - 30);
        assert_eq!(verify(KEY, &earlier, now, Some(step)), None);
        // The next step is still good.
        let next = code_at(KEY, now + 30);
        assert_eq!(verify(KEY, &next, now + 30, Some(step)), Some(step + 1));
    }

    #[test]
    fn malformed_codes_are_refused() {
        let now = 1_700_000_000;
        for code in ["", "12345", "1234567", "abcdef", "12 345"] {
            assert_eq!(verify(KEY, code, now, None), None, "{code:?}");
        }
        let spaced = format!(" {} ", code_at(KEY, now));
        assert!(
            verify(KEY, &spaced, now, None).is_some(),
            "surrounding blanks are trimmed"
        );
    }

    #[test]
    fn secrets_are_160_bits_and_encode_as_authenticator_apps_read_them() {
        let a = generate_secret();
        assert_ne!(a, generate_secret());
        assert_eq!(encode_secret(KEY), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assert_eq!(encode_secret(&a).len(), 32);
        assert_eq!(decode_secret(&encode_secret(&a)).unwrap(), a);
    }
}
