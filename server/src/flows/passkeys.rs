//! Passkeys (WebAuthn) with webauthn-rs: the ceremonies' options in Clerk's shape
//! (the W3C JSON options as a string, in a verification's `nonce`) and the checks of
//! the browser's answers (`public_key_credential`, a JSON string). The relying party
//! is `[passkeys]`; the state of a ceremony stays on the server until its one answer.

use std::time::Duration;

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use webauthn_rs::prelude::{
    AuthenticationResult, DiscoverableAuthentication, Passkey, PasskeyAuthentication,
    PasskeyRegistration, PublicKeyCredential, RegisterPublicKeyCredential, Url, Uuid, Webauthn,
    WebauthnBuilder, WebauthnError,
};

use crate::{
    error::ApiError,
    flows::lockout::{self, Source},
    http::Identity,
    ids::{new_id, now_ms},
    state::AppState,
    store::{
        self,
        passkey_challenges::Purpose,
        passkeys::{PasskeyRow, VerifyError},
        sessions::SessionRow,
        users::UserRow,
    },
};

/// How long the browser's dialog may take, and so how long a challenge lives.
const TIMEOUT: Duration = Duration::from_secs(300);

/// Why a passkey ceremony failed, in Clerk's codes.
#[derive(Debug, thiserror::Error)]
pub enum PasskeyError {
    /// Off in the settings.
    #[error("passkeys are off")]
    Off,
    /// No challenge to answer (never made, already answered, or expired).
    #[error("no live challenge")]
    NoChallenge,
    /// The answer is not a credential in WebAuthn's JSON.
    #[error("not a public key credential: {0}")]
    Malformed(String),
    /// A credential this server does not know: signs in no one.
    #[error("an unknown credential")]
    NotRegistered,
    /// The credential is someone's already.
    #[error("the credential is already registered")]
    Taken,
    /// The signature, origin, relying party, user verification or counter is wrong.
    #[error("the passkey's answer did not check: {0}")]
    Refused(WebauthnError),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

impl From<PasskeyError> for ApiError {
    fn from(e: PasskeyError) -> ApiError {
        use axum::http::StatusCode;
        match e {
            PasskeyError::Off => ApiError::no_second_factors("passkey"),
            PasskeyError::NoChallenge => ApiError::new(
                StatusCode::BAD_REQUEST,
                "passkey_invalid_verification",
                "Invalid verification",
                "This passkey verification contains no live challenge: start again.",
            ),
            PasskeyError::Malformed(_) => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "passkey_invalid_public_key_credential",
                "Invalid passkey",
                "The passkey's answer could not be read.",
            ),
            PasskeyError::Taken => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "passkey_already_exists",
                "Passkey already exists",
                "This passkey is already registered.",
            ),
            // An unknown credential and a failed check look alike: nothing to learn.
            PasskeyError::NotRegistered | PasskeyError::Refused(_) => ApiError::new(
                StatusCode::BAD_REQUEST,
                "passkey_authentication_failure",
                "Passkey verification failed",
                "The passkey could not be verified.",
            ),
            PasskeyError::Db(e) => e.into(),
        }
    }
}

/// The relying party in force. In development with no origins set: `localhost` on
/// any port, where a page under `trunk serve` runs.
pub fn relying_party(state: &AppState) -> Result<Webauthn, PasskeyError> {
    let settings = state.settings();
    let production = !settings.is_development();
    let (rp_id, origins) = settings
        .passkeys
        .relying_party(production)
        .ok()
        .flatten()
        .ok_or(PasskeyError::Off)?;
    let refused = |e: WebauthnError| {
        tracing::error!(error = %e, "the passkeys' relying party");
        PasskeyError::Off
    };
    let (first, any_port) = match origins.first() {
        Some(first) => (first.clone(), false),
        None => (
            Url::parse(&format!("http://{rp_id}")).map_err(|_| PasskeyError::Off)?,
            true,
        ),
    };
    let mut builder = WebauthnBuilder::new(&rp_id, &first)
        .map_err(refused)?
        .rp_name(&settings.application_name)
        .allow_any_port(any_port)
        .timeout(TIMEOUT);
    for origin in origins.iter().skip(1) {
        builder = builder.append_allowed_origin(origin);
    }
    builder.build().map_err(refused)
}

/// A credential id as the passkeys table keeps it.
fn credential_key(id: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(id)
}

fn credential_of(row: &PasskeyRow) -> Option<Passkey> {
    serde_json::from_str(row.credential.as_deref()?).ok()
}

/// Starts adding the passkey `passkey` for `user`: the creation options for the
/// verification's `nonce`. Discoverable (resident) keys and user verification are
/// required, attestation is `none`, and the user's passkeys are excluded.
pub async fn start_registration(
    state: &AppState,
    user: &UserRow,
    passkey: &PasskeyRow,
    label: &str,
) -> Result<String, PasskeyError> {
    let webauthn = relying_party(state)?;
    let handle = store::passkeys::webauthn_user_id(&state.db, &user.id).await?;
    let handle = Uuid::parse_str(&handle).map_err(|e| PasskeyError::Malformed(e.to_string()))?;
    let existing = store::passkeys::list_verified(&state.db, &user.id)
        .await?
        .iter()
        .filter_map(credential_of)
        .map(|p| p.cred_id().clone())
        .collect();
    let (challenge, registration) = webauthn
        .start_passkey_registration(handle, label, label, Some(existing))
        .map_err(PasskeyError::Refused)?;
    let mut options = serde_json::to_value(&challenge.public_key)
        .map_err(|e| PasskeyError::Malformed(e.to_string()))?;
    // webauthn-rs asks for no resident key; a passkey that signs in without a
    // typed identifier needs one.
    options["authenticatorSelection"]["residentKey"] = "required".into();
    options["authenticatorSelection"]["requireResidentKey"] = true.into();
    keep(state, Purpose::Registration, &passkey.id, &registration).await?;
    Ok(options.to_string())
}

/// Checks the browser's answer to the passkey's challenge and keeps its credential.
pub async fn finish_registration(
    state: &AppState,
    passkey: &PasskeyRow,
    public_key_credential: &str,
) -> Result<(), PasskeyError> {
    let webauthn = relying_party(state)?;
    let registration: PasskeyRegistration =
        taken(state, Purpose::Registration, &passkey.id).await?;
    let answer: RegisterPublicKeyCredential = serde_json::from_str(public_key_credential)
        .map_err(|e| PasskeyError::Malformed(e.to_string()))?;
    let credential = webauthn
        .finish_passkey_registration(&answer, &registration)
        .map_err(PasskeyError::Refused)?;
    let json =
        serde_json::to_string(&credential).map_err(|e| PasskeyError::Malformed(e.to_string()))?;
    match store::passkeys::verify(
        &state.db,
        &passkey.id,
        &credential_key(credential.cred_id()),
        &json,
    )
    .await
    {
        Ok(true) => Ok(()),
        Ok(false) => Err(PasskeyError::NoChallenge),
        Err(VerifyError::Taken) => Err(PasskeyError::Taken),
        Err(VerifyError::Db(e)) => Err(e.into()),
    }
}

/// Starts a sign-in with a passkey for `owner` (a sign-in's verification, or a
/// session's): the request options for the verification's `nonce`. With `user`,
/// that user's passkeys are offered; without (or when the user has none, which must
/// not show), any discoverable one, for a sign-in with no identifier typed.
pub async fn start_authentication(
    state: &AppState,
    purpose: Purpose,
    owner: &str,
    user: Option<&str>,
) -> Result<String, PasskeyError> {
    let webauthn = relying_party(state)?;
    let passkeys: Vec<Passkey> = match user {
        Some(user) => store::passkeys::list_verified(&state.db, user)
            .await?
            .iter()
            .filter_map(credential_of)
            .collect(),
        None => Vec::new(),
    };
    let challenge = if passkeys.is_empty() {
        let (challenge, ceremony) = webauthn
            .start_discoverable_authentication()
            .map_err(PasskeyError::Refused)?;
        keep(state, purpose, owner, &Ceremony::Discoverable(ceremony)).await?;
        challenge
    } else {
        let (challenge, ceremony) = webauthn
            .start_passkey_authentication(&passkeys)
            .map_err(PasskeyError::Refused)?;
        keep(state, purpose, owner, &Ceremony::Known(ceremony)).await?;
        challenge
    };
    // clerk-js decides the mediation itself: only the options go in the nonce.
    serde_json::to_string(&challenge.public_key).map_err(|e| PasskeyError::Malformed(e.to_string()))
}

/// How long a challenge may be answered, in milliseconds.
pub fn challenge_lifetime_ms() -> i64 {
    TIMEOUT.as_millis() as i64
}

/// A sign-in ceremony: for a known user's passkeys, or for any discoverable one.
#[derive(serde::Serialize, serde::Deserialize)]
enum Ceremony {
    Known(PasskeyAuthentication),
    Discoverable(DiscoverableAuthentication),
}

/// Who answers a passkey challenge, for the account lockout: a caller (a sign-in),
/// or a signed-in session (a step-up).
pub enum Answerer<'a> {
    Caller(&'a Identity),
    Session(&'a SessionRow),
}

/// Checks `answer` to the challenge of a sign-in's or a step-up's `verification`
/// (which must have been prepared for a passkey), and uses the verification up: the
/// account whose passkey answered. With `expected`, only that account's passkey
/// counts; any other fails as a wrong answer does.
pub async fn answer_challenge(
    state: &AppState,
    purpose: Purpose,
    verification: Option<&str>,
    answer: &str,
    answerer: Answerer<'_>,
    expected: Option<&str>,
) -> Result<String, ApiError> {
    let verification = verification.ok_or_else(ApiError::verification_missing)?;
    if !store::verifications::prepared_for(&state.db, Some(verification), "passkey").await? {
        return Err(ApiError::verification_missing());
    }
    let owner = finish_authentication(state, purpose, verification, answer, answerer).await?;
    if expected.is_some_and(|u| u != owner) {
        return Err(PasskeyError::NotRegistered.into());
    }
    if !store::verifications::passkey_verified(&state.db, verification).await? {
        return Err(ApiError::verification_missing());
    }
    Ok(owner)
}

/// Checks the browser's answer to `owner`'s challenge; the user it signs in (and,
/// when one was named at the start, only that user's passkeys count). A known
/// credential whose answer fails counts as a wrong secret of its account, with the
/// same lockout as a password or a code; an unknown one looks the same and counts
/// against the caller's rate limit only (there is no account to count it against).
pub async fn finish_authentication(
    state: &AppState,
    purpose: Purpose,
    owner: &str,
    public_key_credential: &str,
    answerer: Answerer<'_>,
) -> Result<String, ApiError> {
    let webauthn = relying_party(state)?;
    let ceremony: Ceremony = taken(state, purpose, owner).await?;
    let answer: PublicKeyCredential = serde_json::from_str(public_key_credential)
        .map_err(|e| PasskeyError::Malformed(e.to_string()))?;
    let row =
        store::passkeys::by_credential_id(&state.db, &credential_key(answer.get_credential_id()))
            .await
            .map_err(PasskeyError::from)?
            .ok_or(PasskeyError::NotRegistered)?;
    let mut credential = credential_of(&row).ok_or(PasskeyError::NotRegistered)?;
    let account = store::users::get(&state.db, &row.user_id)
        .await
        .map_err(PasskeyError::from)?
        .ok_or(PasskeyError::NotRegistered)?;
    let source = match answerer {
        Answerer::Caller(identity) => Source::of(state, identity, Some(&account.id)).await?,
        Answerer::Session(session) => Source::session(session),
    };
    let attempt = lockout::admit(state, &account, &source).await?;
    let result: Result<AuthenticationResult, PasskeyError> = match ceremony {
        Ceremony::Known(ceremony) => webauthn
            .finish_passkey_authentication(&answer, &ceremony)
            .map_err(PasskeyError::Refused),
        Ceremony::Discoverable(ceremony) => {
            // The handle the authenticator returns must be the owner's.
            match webauthn.identify_discoverable_authentication(&answer) {
                Err(e) => Err(PasskeyError::Refused(e)),
                Ok((handle, _)) => {
                    let holder =
                        store::passkeys::user_by_webauthn_id(&state.db, &handle.to_string())
                            .await
                            .map_err(PasskeyError::from)?;
                    if holder.as_deref() == Some(row.user_id.as_str()) {
                        webauthn
                            .finish_discoverable_authentication_v2(&answer, ceremony, &credential)
                            .map_err(PasskeyError::Refused)
                    } else {
                        Err(PasskeyError::NotRegistered)
                    }
                }
            }
        }
    };
    let result = match result {
        Ok(result) => result,
        Err(e) => {
            if let PasskeyError::Refused(WebauthnError::CredentialPossibleCompromise) = e {
                // The counter went backwards: two authenticators share this credential.
                // Administrators see it in their log, beside the server's own.
                tracing::warn!(passkey = %row.id, user = %row.user_id, "a passkey's signature counter went backwards: a cloned authenticator?");
                store::admin_audit::record(
                    &state.db,
                    store::admin_audit::Entry {
                        admin: "(fapi-server)",
                        ip: "",
                        action: "passkey counter went backwards",
                        target: &row.user_id,
                        detail: &format!(
                            "passkey {} refused: its signature counter did not rise (a cloned authenticator?)",
                            row.id
                        ),
                    },
                )
                .await
                .map_err(PasskeyError::from)?;
            }
            return Err(attempt.wrong(e.into()));
        }
    };
    attempt.right(state, true).await?;
    let changed = credential.update_credential(&result) == Some(true);
    let json = changed
        .then(|| serde_json::to_string(&credential).ok())
        .flatten();
    store::passkeys::used(&state.db, &row.id, json.as_deref())
        .await
        .map_err(PasskeyError::from)?;
    Ok(row.user_id)
}

async fn keep<T: serde::Serialize>(
    state: &AppState,
    purpose: Purpose,
    owner: &str,
    ceremony: &T,
) -> Result<(), PasskeyError> {
    let json =
        serde_json::to_string(ceremony).map_err(|e| PasskeyError::Malformed(e.to_string()))?;
    let expires_at = now_ms() + TIMEOUT.as_millis() as i64;
    store::passkey_challenges::put(
        &state.db,
        &new_id("pkch"),
        purpose,
        owner,
        &json,
        expires_at,
    )
    .await?;
    Ok(())
}

async fn taken<T: serde::de::DeserializeOwned>(
    state: &AppState,
    purpose: Purpose,
    owner: &str,
) -> Result<T, PasskeyError> {
    let json = store::passkey_challenges::take(&state.db, purpose, owner)
        .await?
        .ok_or(PasskeyError::NoChallenge)?;
    serde_json::from_str(&json).map_err(|_| PasskeyError::NoChallenge)
}
