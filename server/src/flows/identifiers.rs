//! Normal forms of what people type: lower-case emails, E.164 phones.

use crate::error::{ApiError, ApiResult};

pub fn email(param: &str, raw: &str) -> ApiResult<String> {
    let email = raw.trim().to_lowercase();
    let valid = email.len() <= 254
        && !email.contains(char::is_whitespace)
        && match email.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
            }
            None => false,
        };
    if valid {
        Ok(email)
    } else {
        Err(ApiError::param_format_invalid(
            param,
            format!("{param} must be a valid email address."),
        ))
    }
}

/// Accepts `+1 (201) 555-0100` and gives `+12015550100`.
pub fn phone(param: &str, raw: &str) -> ApiResult<String> {
    let compact: String = raw
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '(' | ')' | '.'))
        .collect();
    let digits = compact.strip_prefix('+').unwrap_or("");
    if digits.len() >= 8
        && digits.len() <= 15
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0')
    {
        Ok(compact)
    } else {
        Err(ApiError::param_format_invalid(
            param,
            format!(
                "{param} must be a valid phone number according to E.164 international standard."
            ),
        ))
    }
}

pub fn username(param: &str, raw: &str) -> ApiResult<String> {
    let name = raw.trim().to_lowercase();
    let valid = (4..=64).contains(&name.chars().count())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.');
    if valid {
        Ok(name)
    } else {
        Err(ApiError::param_format_invalid(
            param,
            format!("{param} must be 4 to 64 letters, digits, '_', '-' or '.'."),
        ))
    }
}

/// The longest identifier anyone signs in with (an email address at most 320).
pub const IDENTIFIER_MAX_CHARS: usize = 320;

/// Clerk's limit on a first or last name.
pub const NAME_MAX_CHARS: usize = 256;

/// What a sign-in identifier looks like: an email, a phone, or a username. Longer than
/// any of them can be is refused (it would be stored under enumeration protection).
pub fn sign_in_identifier(raw: &str) -> ApiResult<String> {
    let t = raw.trim();
    if t.chars().count() > IDENTIFIER_MAX_CHARS {
        return Err(ApiError::param_format_invalid(
            "identifier",
            format!("identifier must be at most {IDENTIFIER_MAX_CHARS} characters."),
        ));
    }
    Ok(if t.contains('@') {
        t.to_lowercase()
    } else if t.starts_with('+') {
        phone("identifier", t).unwrap_or_else(|_| t.to_owned())
    } else {
        t.to_lowercase()
    })
}

/// A first or last name, trimmed: at most [`NAME_MAX_CHARS`], no control characters
/// (a name is shown in emails, the dashboard and every answer about the user).
pub fn name<'a>(param: &str, raw: &'a str) -> ApiResult<&'a str> {
    let name = raw.trim();
    if name.chars().count() > NAME_MAX_CHARS {
        return Err(ApiError::param_format_invalid(
            param,
            format!("{param} must be at most {NAME_MAX_CHARS} characters."),
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(ApiError::param_format_invalid(
            param,
            format!("{param} must not contain control characters."),
        ));
    }
    Ok(name)
}

/// A BCP 47 language tag as browsers give it (`en`, `en-GB`, `zh-Hant-TW`).
pub fn locale(param: &str, raw: &str) -> Result<String, ApiError> {
    let t = raw.trim();
    let well_formed = (2..=35).contains(&t.len())
        && t.split('-').all(|part| {
            (1..=8).contains(&part.len()) && part.bytes().all(|b| b.is_ascii_alphanumeric())
        });
    if well_formed {
        Ok(t.to_owned())
    } else {
        Err(ApiError::param_format_invalid(
            param,
            format!("{param} must be a language tag such as en-GB."),
        ))
    }
}

/// An IANA time zone name as `Intl` gives it (`Europe/London`, `America/Argentina/Salta`, `UTC`).
pub fn time_zone(param: &str, raw: &str) -> Result<String, ApiError> {
    let t = raw.trim();
    let well_formed = (1..=64).contains(&t.len())
        && t.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'_' | b'-' | b'+'));
    if well_formed {
        Ok(t.to_owned())
    } else {
        Err(ApiError::param_format_invalid(
            param,
            format!("{param} must be a time zone name such as Europe/London."),
        ))
    }
}

/// What an authenticator app or a passkey lists the account as: the primary email, else phone, else username.
pub async fn account_label(
    state: &crate::state::AppState,
    user: &crate::store::users::UserRow,
) -> Result<String, sqlx::Error> {
    let idents = crate::store::identifications::list_for_user(&state.db, &user.id).await?;
    let primary = |id: &Option<String>| {
        idents
            .iter()
            .find(|i| Some(&i.id) == id.as_ref())
            .map(|i| i.value.clone())
    };
    Ok(primary(&user.primary_email_address_id)
        .or_else(|| primary(&user.primary_phone_number_id))
        .or_else(|| user.username.clone())
        .unwrap_or_else(|| user.id.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_normalised() {
        assert_eq!(
            email("e", " Jane@Example.COM ").unwrap(),
            "jane@example.com"
        );
        assert!(email("e", "jane@example").is_err());
        assert!(email("e", "jane example@x.io").is_err());
        assert_eq!(phone("p", "+1 (201) 555-0100").unwrap(), "+12015550100");
        assert!(phone("p", "2015550100").is_err());
        assert!(phone("p", "+1").is_err());
        assert_eq!(
            sign_in_identifier("+1 201 555 0100").unwrap(),
            "+12015550100"
        );
        assert!(sign_in_identifier(&"a".repeat(321)).is_err());
        assert_eq!(name("first_name", "  Ada ").unwrap(), "Ada");
        assert!(name("first_name", &"é".repeat(256)).is_ok());
        assert!(name("first_name", &"é".repeat(257)).is_err());
        assert!(name("first_name", "Ada\u{0}").is_err());
    }

    #[test]
    fn locales_and_time_zones_are_checked() {
        assert_eq!(locale("l", "en-GB").unwrap(), "en-GB");
        assert!(locale("l", "zh-Hant-TW").is_ok());
        assert!(locale("l", "en GB").is_err());
        assert!(locale("l", "<script>").is_err());
        assert_eq!(
            time_zone("t", "America/Argentina/Salta").unwrap(),
            "America/Argentina/Salta"
        );
        assert!(time_zone("t", "Etc/GMT+5").is_ok());
        assert!(time_zone("t", "Europe/London; DROP").is_err());
    }
}
