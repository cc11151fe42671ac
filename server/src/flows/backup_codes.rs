//! Backup codes: ten of eight lowercase letters and digits (about 41 bits each, the
//! shape Clerk's have), shown once — when two-step verification first turns on, and
//! on regenerating — stored as an HMAC bound to the user under a key derived from
//! the secrets key file, so the database alone cannot check a guess; each good once.
//! A wrong one counts toward the account lockout like any second factor.

use rand::Rng;

use crate::{
    error::{ApiError, ApiResult},
    state::AppState,
    store::{self, users::UserRow},
};

use super::lockout;

/// Codes per set.
pub const COUNT: usize = 10;
/// Characters per code.
pub const LENGTH: usize = 8;
const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

fn hash(state: &AppState, user_id: &str, code: &str) -> String {
    state.backup_codes.hash(
        &format!("backup_code:{user_id}"),
        &code.trim().to_lowercase(),
    )
}

/// How sets made before the key moved out of the database were stored; they stay
/// good until they are used up or replaced.
fn legacy_hash(state: &AppState, user_id: &str, code: &str) -> String {
    state.codes.hash(
        &format!("backup_code:{user_id}"),
        &code.trim().to_lowercase(),
    )
}

/// A new set for the user, voiding the old one; the codes, to show once.
pub async fn regenerate(state: &AppState, user_id: &str) -> ApiResult<Vec<String>> {
    let mut rng = rand::rngs::OsRng;
    let codes: Vec<String> = (0..COUNT)
        .map(|_| {
            (0..LENGTH)
                .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
                .collect()
        })
        .collect();
    let hashes: Vec<String> = codes.iter().map(|c| hash(state, user_id, c)).collect();
    store::backup_codes::replace(&state.db, user_id, &hashes).await?;
    Ok(codes)
}

/// A second factor: one of the user's unused codes, counted toward the lockout.
pub async fn check(
    state: &AppState,
    user: &UserRow,
    source: &lockout::Source,
    code: &str,
) -> ApiResult<()> {
    let trimmed = code.trim();
    if trimmed.len() != LENGTH || !trimmed.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(ApiError::param_format_invalid(
            "code",
            "code must be one of your 8-character backup codes.",
        ));
    }
    if store::backup_codes::remaining(&state.db, &user.id).await? == 0 {
        return Err(ApiError::strategy_for_user_invalid());
    }
    let attempt = lockout::admit(state, user, source).await?;
    let hashes = [
        hash(state, &user.id, trimmed),
        legacy_hash(state, &user.id, trimmed),
    ];
    if store::backup_codes::consume(&state.db, &user.id, &hashes).await? {
        attempt.right(state, true).await
    } else {
        Err(attempt.wrong(ApiError::code_incorrect()))
    }
}
