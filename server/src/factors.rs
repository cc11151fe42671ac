//! Which factors an account can use, given the instance settings. The sign-in JSON
//! lists them and the flows accept only them, from this one place.

use fapi_types::{SignInFactor, Strategy};

use crate::{
    config::Settings,
    db::Db,
    store::{
        self,
        identifications::{IdentificationRow, EMAIL, PHONE},
        users::UserRow,
    },
};

/// What an account has for a second factor besides codes to its addresses: an
/// authenticator app, passkeys. Each keeps working for its user even if the
/// instance stops offering new ones (a passkey while passkeys are on).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Devices {
    /// A verified authenticator app.
    pub totp: bool,
    /// At least one passkey.
    pub passkeys: bool,
}

impl Devices {
    pub async fn of(db: &Db, user_id: &str) -> Result<Devices, sqlx::Error> {
        Ok(Devices {
            totp: store::totps::enabled(db, user_id).await?,
            passkeys: !store::passkeys::list_verified(db, user_id)
                .await?
                .is_empty(),
        })
    }
}

/// `+1******0100`: enough to recognise your phone, not enough to learn someone's.
pub fn mask_phone(e164: &str) -> String {
    let chars: Vec<char> = e164.chars().collect();
    if chars.len() <= 6 {
        return e164.to_owned();
    }
    let head: String = chars[..2].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 6))
}

/// `j***@example.com`: which mailbox provider, not whose mailbox.
pub fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((name, domain)) => {
            let first: String = name.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".to_owned(),
    }
}

/// With enumeration protection: the first factors every identifier gets, known or
/// not — a password, and a code to what was typed (masked), under `ident_id` (the
/// real identification, or a stable decoy id for an unknown one).
pub fn protected_first_factors(identifier: &str, ident_id: &str) -> Vec<SignInFactor> {
    let mut out = vec![SignInFactor::bare(Strategy::Password)];
    if identifier.contains('@') {
        let email = SignInFactor {
            safe_identifier: Some(mask_email(identifier)),
            email_address_id: Some(ident_id.to_owned()),
            primary: Some(true),
            ..SignInFactor::bare(Strategy::EmailCode)
        };
        out.push(SignInFactor {
            strategy: Strategy::ResetPasswordEmailCode,
            ..email.clone()
        });
        out.insert(1, email);
    } else if identifier.starts_with('+') {
        let phone = SignInFactor {
            safe_identifier: Some(mask_phone(identifier)),
            phone_number_id: Some(ident_id.to_owned()),
            primary: Some(true),
            default: Some(false),
            ..SignInFactor::bare(Strategy::PhoneCode)
        };
        out.push(SignInFactor {
            strategy: Strategy::ResetPasswordPhoneCode,
            ..phone.clone()
        });
        out.insert(1, phone);
    }
    out
}

/// The id shown for a typed identifier under enumeration protection: its verified
/// identification's, or one derived from the identifier with the server's key (the
/// same every time, and the same shape, so nothing tells it apart).
pub fn protected_identifier_id(
    codes: &crate::codes::CodeHasher,
    identifier: &str,
    idents: &[IdentificationRow],
) -> String {
    idents
        .iter()
        .find(|i| i.verified() && i.value == identifier)
        .map(|i| i.id.clone())
        .unwrap_or_else(|| format!("idn_{}", &codes.hash("enumeration", identifier)[..27]))
}

/// `devices`: the user's app and passkeys (see [`second_factors_after`]).
pub fn first_factors(
    settings: &Settings,
    user: &UserRow,
    idents: &[IdentificationRow],
    devices: Devices,
) -> Vec<SignInFactor> {
    let mut out = Vec::new();
    if devices.passkeys && settings.passkeys.enabled {
        out.push(SignInFactor::bare(Strategy::Passkey));
    }
    if user.password_hash.is_some() {
        out.push(SignInFactor::bare(Strategy::Password));
    }
    let has_2fa = two_factor_enabled(settings, idents, devices);
    // "Forgot password?": a reset code to the same places a sign-in code goes, listed
    // after the sign-in factors as Clerk lists them.
    let mut resets = Vec::new();
    for i in idents.iter().filter(|i| i.verified()) {
        // An address or phone that is the account's only second factor cannot also be
        // the first, nor reset the password: one mailbox or SIM would be both.
        let only_second_factor =
            has_2fa && second_factors_after(settings, idents, Some(&i.value), devices).is_empty();
        if i.kind == EMAIL && settings.identifiers.email_address.on() && !only_second_factor {
            let email = SignInFactor {
                safe_identifier: Some(i.value.clone()),
                email_address_id: Some(i.id.clone()),
                primary: Some(user.primary_email_address_id.as_deref() == Some(&i.id)),
                ..SignInFactor::bare(Strategy::EmailCode)
            };
            resets.push(SignInFactor {
                strategy: Strategy::ResetPasswordEmailCode,
                ..email.clone()
            });
            out.push(email);
        }
        if i.kind == PHONE && settings.identifiers.phone_number.on() && !only_second_factor {
            let phone = SignInFactor {
                safe_identifier: Some(mask_phone(&i.value)),
                phone_number_id: Some(i.id.clone()),
                primary: Some(user.primary_phone_number_id.as_deref() == Some(&i.id)),
                default: Some(false),
                ..SignInFactor::bare(Strategy::PhoneCode)
            };
            resets.push(SignInFactor {
                strategy: Strategy::ResetPasswordPhoneCode,
                ..phone.clone()
            });
            out.push(phone);
        }
    }
    out.extend(resets);
    out
}

/// The second factors: a passkey, then an authenticator app (as Clerk picks it),
/// then the phones, the default one first, then the email addresses reserved for it.
pub fn second_factors(
    settings: &Settings,
    idents: &[IdentificationRow],
    devices: Devices,
) -> Vec<SignInFactor> {
    second_factors_after(settings, idents, None, devices)
}

/// The second factors left once a first factor was a code to `first_target` (a
/// phone or an email address): never the same one again. A passkey comes first,
/// as the one a phishing page cannot relay.
pub fn second_factors_after(
    settings: &Settings,
    idents: &[IdentificationRow],
    first_target: Option<&str>,
    devices: Devices,
) -> Vec<SignInFactor> {
    let mut out = Vec::new();
    if devices.passkeys && settings.passkeys.enabled {
        out.push(SignInFactor::bare(Strategy::Passkey));
    }
    if devices.totp {
        out.push(SignInFactor::bare(Strategy::Totp));
    }
    let usable =
        |i: &&IdentificationRow| i.is_second_factor() && Some(i.value.as_str()) != first_target;
    let emails = idents
        .iter()
        .filter(|i| i.kind == EMAIL && settings.second_factors.email_code)
        .filter(usable)
        .map(|e| SignInFactor {
            safe_identifier: Some(mask_email(&e.value)),
            email_address_id: Some(e.id.clone()),
            default: Some(false),
            ..SignInFactor::bare(Strategy::EmailCode)
        });
    if !settings.second_factors.phone_code {
        out.extend(emails);
        return out;
    }
    let mut phones: Vec<&IdentificationRow> = idents
        .iter()
        .filter(|i| i.kind == PHONE)
        .filter(usable)
        .collect();
    phones.sort_by_key(|i| !i.default_second_factor);
    let no_default = !phones.iter().any(|p| p.default_second_factor);
    out.extend(phones.iter().enumerate().map(|(n, p)| SignInFactor {
        strategy: Strategy::PhoneCode,
        safe_identifier: Some(mask_phone(&p.value)),
        phone_number_id: Some(p.id.clone()),
        default: Some(p.default_second_factor || (no_default && n == 0)),
        ..SignInFactor::bare(Strategy::PhoneCode)
    }));
    out.extend(emails);
    out
}

/// Device Trust: the codes that prove a new client belongs to the user — to each
/// verified email address (the primary one first), then each verified phone.
pub fn client_trust_factors(user: &UserRow, idents: &[IdentificationRow]) -> Vec<SignInFactor> {
    let mut emails: Vec<&IdentificationRow> = idents
        .iter()
        .filter(|i| i.kind == EMAIL && i.verified())
        .collect();
    emails.sort_by_key(|i| user.primary_email_address_id.as_deref() != Some(&i.id));
    let phones = idents.iter().filter(|i| i.kind == PHONE && i.verified());
    emails
        .into_iter()
        .map(|i| SignInFactor {
            safe_identifier: Some(i.value.clone()),
            email_address_id: Some(i.id.clone()),
            primary: Some(user.primary_email_address_id.as_deref() == Some(&i.id)),
            ..SignInFactor::bare(Strategy::EmailCode)
        })
        .chain(phones.map(|i| SignInFactor {
            safe_identifier: Some(mask_phone(&i.value)),
            phone_number_id: Some(i.id.clone()),
            default: Some(false),
            ..SignInFactor::bare(Strategy::PhoneCode)
        }))
        .collect()
}

/// Two-step verification is on when a second factor exists.
pub fn two_factor_enabled(
    settings: &Settings,
    idents: &[IdentificationRow],
    devices: Devices,
) -> bool {
    !second_factors(settings, idents, devices).is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_are_masked_to_their_last_four_digits() {
        assert_eq!(mask_phone("+12015550100"), "+1******0100");
        assert_eq!(mask_phone("+4412"), "+4412");
    }
}
