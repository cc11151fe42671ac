//! Which factor a sign-in step opens with, and what "use another method" offers.

use fapi_types::{SignInFactor, Strategy};

/// The second factor to start with, as Clerk's UI chooses: a passkey (the one factor
/// a phishing page cannot relay) where this browser can use it, an authenticator app,
/// else the default SMS phone, else (a new device's check) the primary email, else
/// any SMS phone, else the first offered.
///
/// ```
/// use yew_clerk::factors::starting_second_factor;
/// use yew_clerk::types::{SignInFactor, Strategy};
/// let phone = |id: &str, default| SignInFactor {
///     phone_number_id: Some(id.into()), default: Some(default),
///     ..SignInFactor::bare(Strategy::PhoneCode)
/// };
/// let offered = [SignInFactor::bare(Strategy::BackupCode), phone("idn_a", false), phone("idn_b", true)];
/// assert_eq!(starting_second_factor(&offered).unwrap().phone_number_id.as_deref(), Some("idn_b"));
/// ```
pub fn starting_second_factor(factors: &[SignInFactor]) -> Option<&SignInFactor> {
    usable_passkey(factors)
        .or_else(|| factors.iter().find(|f| f.strategy == Strategy::Totp))
        .or_else(|| {
            factors
                .iter()
                .find(|f| f.strategy == Strategy::PhoneCode && f.default == Some(true))
        })
        .or_else(|| {
            factors
                .iter()
                .find(|f| f.strategy == Strategy::EmailCode && f.primary == Some(true))
        })
        .or_else(|| factors.iter().find(|f| f.strategy == Strategy::PhoneCode))
        .or_else(|| factors.first())
}

/// A passkey among `factors`, when this browser can use one.
fn usable_passkey(factors: &[SignInFactor]) -> Option<&SignInFactor> {
    factors
        .iter()
        .find(|f| f.strategy == Strategy::Passkey && supported(&f.strategy))
}

/// The first factor to start with: a passkey where this browser can use one (as
/// Clerk's UI does), then the password when the account has one (and the instance
/// prefers passwords), else a code to the identifier that was typed.
pub fn starting_first_factor<'a>(
    factors: &'a [SignInFactor],
    identifier: Option<&str>,
    prefer_password: bool,
) -> Option<&'a SignInFactor> {
    if let Some(passkey) = usable_passkey(factors) {
        return Some(passkey);
    }
    let password = factors.iter().find(|f| f.strategy == Strategy::Password);
    let matching_code = factors.iter().find(|f| {
        matches!(f.strategy, Strategy::EmailCode | Strategy::PhoneCode)
            && identifier.is_some()
            && f.safe_identifier.as_deref() == identifier
    });
    let any_code = factors
        .iter()
        .find(|f| matches!(f.strategy, Strategy::EmailCode | Strategy::PhoneCode));
    if prefer_password {
        password.or(matching_code).or(any_code)
    } else {
        matching_code.or(any_code).or(password)
    }
}

/// "Forgot password?": the reset code to offer, to what was typed when the account
/// can reset there, else to the primary email, else the first reset offered.
///
/// ```
/// use yew_clerk::factors::password_reset_factor;
/// use yew_clerk::types::{SignInFactor, Strategy};
/// let reset = SignInFactor {
///     safe_identifier: Some("ada@example.com".into()),
///     ..SignInFactor::bare(Strategy::ResetPasswordEmailCode)
/// };
/// let offered = [SignInFactor::bare(Strategy::Password), reset.clone()];
/// assert_eq!(password_reset_factor(&offered, Some("ada@example.com")), Some(&reset));
/// assert_eq!(password_reset_factor(&offered[..1], None), None);
/// ```
pub fn password_reset_factor<'a>(
    factors: &'a [SignInFactor],
    identifier: Option<&str>,
) -> Option<&'a SignInFactor> {
    let mut resets = factors.iter().filter(|f| f.strategy.is_password_reset());
    let all: Vec<&SignInFactor> = resets.by_ref().collect();
    all.iter()
        .find(|f| identifier.is_some() && f.safe_identifier.as_deref() == identifier)
        .or_else(|| {
            all.iter()
                .find(|f| f.strategy == Strategy::ResetPasswordEmailCode && f.primary == Some(true))
        })
        .or(all.first())
        .copied()
}

/// Every offered factor the UI can handle, except the one in use.
pub fn alternatives<'a>(
    factors: &'a [SignInFactor],
    current: &SignInFactor,
) -> Vec<&'a SignInFactor> {
    factors
        .iter()
        .filter(|f| *f != current && supported(&f.strategy))
        .collect()
}

/// The strategies these components know how to step through (a passkey only where
/// this browser has WebAuthn).
pub fn supported(strategy: &Strategy) -> bool {
    match strategy {
        Strategy::Password
        | Strategy::EmailCode
        | Strategy::PhoneCode
        | Strategy::Totp
        | Strategy::BackupCode => true,
        Strategy::Passkey => crate::webauthn::supported(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(strategy: Strategy, who: &str) -> SignInFactor {
        SignInFactor {
            safe_identifier: Some(who.into()),
            ..SignInFactor::bare(strategy)
        }
    }

    #[test]
    fn totp_wins_then_the_default_phone() {
        let totp = SignInFactor::bare(Strategy::Totp);
        let phone = code(Strategy::PhoneCode, "+1******0100");
        assert_eq!(
            starting_second_factor(&[phone.clone(), totp.clone()]),
            Some(&totp)
        );
        assert_eq!(
            starting_second_factor(std::slice::from_ref(&phone)),
            Some(&phone)
        );
        assert_eq!(starting_second_factor(&[]), None);
    }

    #[test]
    fn the_password_comes_first_when_preferred() {
        let pw = SignInFactor::bare(Strategy::Password);
        let email = code(Strategy::EmailCode, "a@b.co");
        let factors = [email.clone(), pw.clone()];
        assert_eq!(
            starting_first_factor(&factors, Some("a@b.co"), true),
            Some(&pw)
        );
        assert_eq!(
            starting_first_factor(&factors, Some("a@b.co"), false),
            Some(&email)
        );
        assert_eq!(
            starting_first_factor(std::slice::from_ref(&email), None, true),
            Some(&email)
        );
    }

    #[test]
    fn alternatives_leave_out_the_current_and_the_unknown() {
        let pw = SignInFactor::bare(Strategy::Password);
        let email = code(Strategy::EmailCode, "a@b.co");
        let passkey = SignInFactor::bare(Strategy::Other("web3_metamask_signature".into()));
        let all = [pw.clone(), email.clone(), passkey];
        assert_eq!(alternatives(&all, &pw), vec![&email]);
    }
}
