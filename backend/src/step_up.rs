//! Step-up for the app's own sensitive actions: the session's factors (`fva`) must
//! have been verified recently enough, or the answer is Clerk's `403
//! session_reverification_required`, which yew-clerk's `use_reverification` (and
//! clerk-js's `useReverification`) answer by asking "Verify it's you" and retrying.

use fapi_types::{ErrorEnvelope, ErrorMeta, ReverificationRequirement, SessionVerificationLevel};

use crate::{error::envelope, verify::Session};

/// The session's verification is too old for the action.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("a {level:?} verification within the last {after_minutes} minutes is required")]
pub struct StepUpRequired {
    pub level: SessionVerificationLevel,
    pub after_minutes: i64,
}

impl StepUpRequired {
    /// Clerk's body for it, with status 403.
    pub fn envelope(&self) -> (u16, ErrorEnvelope) {
        let meta = ErrorMeta {
            reverification: Some(ReverificationRequirement {
                level: self.level,
                after_minutes: self.after_minutes,
            }),
            ..ErrorMeta::default()
        };
        (
            403,
            envelope(
                "session_reverification_required",
                "Reverification required",
                "You need to provide additional verification to perform this operation",
                meta,
            ),
        )
    }
}

/// Whether `session` verified `level` within the last `minutes`, as Clerk counts it:
/// `second_factor` means the second factor, or the first for a user who has none;
/// `multi_factor` means both (the first alone for a user without a second).
///
/// ```
/// # use yew_clerk_backend::{step_up::require_recent, Session};
/// # use fapi_types::{SessionClaims, SessionVerificationLevel};
/// # let session = |fva| Session { user_id: "user_1".into(), session_id: "sess_1".into(),
/// #     claims: SessionClaims { sid: "sess_1".into(), sub: "user_1".into(), iss: "x".into(),
/// #     azp: None, exp: 0, iat: 0, nbf: 0, jti: None, v: Some(2), fva: Some(fva), sts: None } };
/// let level = SessionVerificationLevel::SecondFactor;
/// assert!(require_recent(&session([30, 2]), level, 10).is_ok());
/// assert!(require_recent(&session([30, 20]), level, 10).is_err());
/// // No second factor: the password counts.
/// assert!(require_recent(&session([3, -1]), level, 10).is_ok());
/// ```
pub fn require_recent(
    session: &Session,
    level: SessionVerificationLevel,
    minutes: i64,
) -> Result<(), StepUpRequired> {
    let (first, second) = session.factor_ages();
    let fresh = |age: Option<i64>| age.is_some_and(|m| m <= minutes);
    let has_second = session.claims.fva.is_some_and(|[_, s]| s >= 0);
    let ok = match level {
        SessionVerificationLevel::FirstFactor => fresh(first),
        SessionVerificationLevel::SecondFactor if has_second => fresh(second),
        SessionVerificationLevel::SecondFactor => fresh(first),
        SessionVerificationLevel::MultiFactor => fresh(first) && (!has_second || fresh(second)),
    };
    if ok {
        Ok(())
    } else {
        Err(StepUpRequired {
            level,
            after_minutes: minutes,
        })
    }
}
