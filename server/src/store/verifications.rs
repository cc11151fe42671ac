//! Verifications and their codes. The race rules live here:
//! - each attempt first reserves one of the `max` tries with a conditional UPDATE, so
//!   however many wrong codes arrive at once, at most `max` are ever checked;
//! - a right code wins only by flipping `unverified` to `verified` in one UPDATE, so of
//!   many concurrent right submissions exactly one succeeds.

use sqlx::FromRow;

use crate::{
    db::Db,
    ids::{new_id, now_ms},
};

#[derive(Debug, Clone, FromRow)]
pub struct VerificationRow {
    pub id: String,
    pub strategy: String,
    pub target: Option<String>,
    pub code_hash: Option<String>,
    pub status: String,
    pub attempts: i64,
    pub expire_at: Option<i64>,
    pub verified_at: Option<i64>,
    pub created_at: i64,
    /// A passkey's challenge: the WebAuthn options the browser gets (Clerk's `nonce`).
    pub nonce: Option<String>,
    /// A provider's verification: where the browser goes to prove it.
    pub external_url: Option<String>,
    /// Why a provider's verification failed or was handed on (Clerk's error code).
    pub error_code: Option<String>,
    /// The identity a provider vouched for (JSON), until a sign-up takes it over.
    pub external_identity: Option<String>,
}

impl VerificationRow {
    /// The status as the client sees it (an unverified code past its time is `expired`).
    pub fn visible_status(&self, now: i64) -> &str {
        match (self.status.as_str(), self.expire_at) {
            ("unverified", Some(at)) if at <= now => "expired",
            (s, _) => s,
        }
    }
}

const COLUMNS: &str = "id, strategy, target, code_hash, status, attempts, expire_at, \
                       verified_at, created_at, nonce, external_url, error_code, external_identity";

pub async fn get(db: &Db, id: &str) -> Result<Option<VerificationRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM verifications WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(&db.read)
    .await
}

async fn get_fresh(db: &Db, id: &str) -> Result<Option<VerificationRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM verifications WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(&db.write)
    .await
}

/// A new code verification; the hash comes from [`crate::codes::CodeHasher`].
pub async fn create_code(
    db: &Db,
    id: &str,
    strategy: &str,
    target: &str,
    code_hash: &str,
    expire_at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO verifications (id, strategy, target, code_hash, status, attempts, expire_at, created_at)
         VALUES ($1, $2, $3, $4, 'unverified', 0, $5, $6)",
    )
    .bind(id)
    .bind(strategy)
    .bind(target)
    .bind(code_hash)
    .bind(expire_at)
    .bind(now_ms())
    .execute(&db.write)
    .await
    .map(|_| ())
}

/// A passkey verification: its challenge (`nonce`, the options the browser gets),
/// answered by [`passkey_verified`] or not at all.
pub async fn create_passkey(
    db: &Db,
    id: &str,
    nonce: &str,
    expire_at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO verifications (id, strategy, status, attempts, expire_at, nonce, created_at)
         VALUES ($1, 'passkey', 'unverified', 0, $2, $3, $4)",
    )
    .bind(id)
    .bind(expire_at)
    .bind(nonce)
    .bind(now_ms())
    .execute(&db.write)
    .await
    .map(|_| ())
}

/// A provider's verification (`oauth_google`, …): the browser goes to `url` to prove
/// it, and the provider's callback settles it with [`settle_external`].
pub async fn create_external(
    db: &Db,
    id: &str,
    strategy: &str,
    url: &str,
    expire_at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO verifications (id, strategy, status, attempts, expire_at, external_url, created_at)
         VALUES ($1, $2, 'unverified', 0, $3, $4, $5)",
    )
    .bind(id)
    .bind(strategy)
    .bind(expire_at)
    .bind(url)
    .bind(now_ms())
    .execute(&db.write)
    .await
    .map(|_| ())
}

/// What the provider said of a verification: `verified`, `failed` or `transferable`
/// (the person is proven but has no account yet), with Clerk's error code and the
/// identity. Only an unverified one is settled, once: `false` otherwise.
pub async fn settle_external(
    db: &Db,
    id: &str,
    status: &str,
    error_code: Option<&str>,
    identity: Option<&str>,
) -> Result<bool, sqlx::Error> {
    let now = now_ms();
    Ok(sqlx::query(
        "UPDATE verifications SET status = $1, error_code = $2, external_identity = $3,
             external_url = NULL, attempts = attempts + 1,
             verified_at = CASE WHEN $1 = 'failed' THEN NULL ELSE $4 END
         WHERE id = $5 AND status = 'unverified' AND external_url IS NOT NULL",
    )
    .bind(status)
    .bind(error_code)
    .bind(identity)
    .bind(now)
    .bind(id)
    .execute(&db.write)
    .await?
    .rows_affected()
        == 1)
}

/// A verification already done for `target`: an email address a provider vouched
/// for (`from_oauth_google`).
pub async fn create_verified_to(
    db: &Db,
    strategy: &str,
    target: &str,
) -> Result<String, sqlx::Error> {
    let id = new_id("ver");
    let now = now_ms();
    sqlx::query(
        "INSERT INTO verifications (id, strategy, target, status, attempts, verified_at, created_at)
         VALUES ($1, $2, $3, 'verified', 1, $4, $5)",
    )
    .bind(&id)
    .bind(strategy)
    .bind(target)
    .bind(now)
    .bind(now)
    .execute(&db.write)
    .await?;
    Ok(id)
}

/// Takes over a provider's `transferable` verification for a sign-up, once: its
/// identity (JSON), and the verification counts as verified from then on.
pub async fn take_transferable(db: &Db, id: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(
        "UPDATE verifications SET status = 'verified', error_code = NULL
         WHERE id = $1 AND status = 'transferable' AND external_identity IS NOT NULL
         RETURNING external_identity",
    )
    .bind(id)
    .fetch_optional(&db.write)
    .await
}

/// The passkey verification `id` is done; `false` when it was done already.
pub async fn passkey_verified(db: &Db, id: &str) -> Result<bool, sqlx::Error> {
    let now = now_ms();
    Ok(sqlx::query(
        "UPDATE verifications SET status = 'verified', attempts = attempts + 1, verified_at = $1
         WHERE id = $2 AND strategy = 'passkey' AND status = 'unverified'",
    )
    .bind(now)
    .bind(id)
    .execute(&db.write)
    .await?
    .rows_affected()
        == 1)
}

/// A verification that is already done (a password that was just checked).
pub async fn create_verified(db: &Db, strategy: &str) -> Result<String, sqlx::Error> {
    let id = new_id("ver");
    let now = now_ms();
    sqlx::query(
        "INSERT INTO verifications (id, strategy, status, attempts, verified_at, created_at)
         VALUES ($1, $2, 'verified', 1, $3, $4)",
    )
    .bind(&id)
    .bind(strategy)
    .bind(now)
    .bind(now)
    .execute(&db.write)
    .await?;
    Ok(id)
}

/// What an attempt came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Verified,
    /// A wrong code; `now_failed` when it used the last try.
    Incorrect {
        attempts: i64,
        now_failed: bool,
    },
    /// Too many wrong codes already: this verification is dead.
    Failed,
    Expired,
    AlreadyVerified,
    NotPrepared,
}

/// A try at a verification's code, counted before the code is compared.
pub enum Reserved {
    /// Counted as try number `attempts`; compare against `stored`, then [`settle`].
    /// `target` is where the code went.
    Try {
        attempts: i64,
        stored: String,
        target: Option<String>,
    },
    /// Nothing to compare: the verification is verified, failed, expired or absent.
    Done(Outcome),
}

/// Counts a try at a verification's code, in one conditional statement, so a
/// parallel burst gets no more than `max_attempts` comparisons.
pub async fn reserve(db: &Db, id: &str, max_attempts: u32) -> Result<Reserved, sqlx::Error> {
    let now = now_ms();
    let Some(row) = get_fresh(db, id).await? else {
        return Ok(Reserved::Done(Outcome::NotPrepared));
    };
    match row.status.as_str() {
        "verified" => return Ok(Reserved::Done(Outcome::AlreadyVerified)),
        "failed" => return Ok(Reserved::Done(Outcome::Failed)),
        _ => {}
    }
    let Some(stored) = row.code_hash else {
        return Ok(Reserved::Done(Outcome::NotPrepared));
    };
    if row.expire_at.is_some_and(|at| at <= now) {
        return Ok(Reserved::Done(Outcome::Expired));
    }
    let reserved: Option<i64> = sqlx::query_scalar(
        "UPDATE verifications SET attempts = attempts + 1
         WHERE id = $1 AND status = 'unverified' AND attempts < $2 RETURNING attempts",
    )
    .bind(id)
    .bind(max_attempts as i64)
    .fetch_optional(&db.write)
    .await?;
    let Some(attempts) = reserved else {
        // Out of tries, or someone else just verified it. Failing the verification
        // is left to the last counted try (`settle`): it may still be in flight,
        // and may be the right code.
        let status: Option<String> =
            sqlx::query_scalar("SELECT status FROM verifications WHERE id = $1")
                .bind(id)
                .fetch_optional(&db.write)
                .await?;
        if status.as_deref() == Some("verified") {
            return Ok(Reserved::Done(Outcome::AlreadyVerified));
        }
        return Ok(Reserved::Done(Outcome::Failed));
    };
    Ok(Reserved::Try {
        attempts,
        stored,
        target: row.target,
    })
}

/// Records how a counted try went: the first right one verifies (exactly one, under
/// any concurrency); the last wrong one fails the verification.
pub async fn settle(
    db: &Db,
    id: &str,
    attempts: i64,
    max_attempts: u32,
    matched: bool,
) -> Result<Outcome, sqlx::Error> {
    if matched {
        let won = sqlx::query(
            "UPDATE verifications SET status = 'verified', verified_at = $1 WHERE id = $2 AND status = 'unverified'",
        )
        .bind(now_ms())
        .bind(id)
        .execute(&db.write)
        .await?
        .rows_affected()
            == 1;
        return Ok(if won {
            Outcome::Verified
        } else {
            Outcome::AlreadyVerified
        });
    }
    let now_failed = attempts >= max_attempts as i64;
    if now_failed {
        fail(db, id).await?;
    }
    Ok(Outcome::Incorrect {
        attempts,
        now_failed,
    })
}

async fn fail(db: &Db, id: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE verifications SET status = 'failed' WHERE id = $1 AND status = 'unverified'",
    )
    .bind(id)
    .execute(&db.write)
    .await
    .map(|_| ())
}

/// Claims the right to send a code to `key` now; returns the seconds to wait otherwise.
/// One statement, so two simultaneous prepares cannot both send.
pub async fn claim_send(
    db: &Db,
    key: &str,
    cooldown_ms: i64,
) -> Result<Result<i64, u64>, sqlx::Error> {
    let now = now_ms();
    let claimed = sqlx::query(
        "INSERT INTO code_sends (target, last_sent_at) VALUES ($1, $2)
         ON CONFLICT (target) DO UPDATE SET last_sent_at = excluded.last_sent_at
         WHERE code_sends.last_sent_at <= $3",
    )
    .bind(key)
    .bind(now)
    .bind(now - cooldown_ms)
    .execute(&db.write)
    .await?
    .rows_affected()
        == 1;
    if claimed {
        return Ok(Ok(now));
    }
    let last: i64 = sqlx::query_scalar("SELECT last_sent_at FROM code_sends WHERE target = $1")
        .bind(key)
        .fetch_one(&db.write)
        .await?;
    let wait_ms = (last + cooldown_ms - now).max(1);
    Ok(Err(((wait_ms + 999) / 1000) as u64))
}

/// Gives the claim back when the send failed, so the user may retry at once.
pub async fn release_send(db: &Db, key: &str, claimed_at: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE code_sends SET last_sent_at = 0 WHERE target = $1 AND last_sent_at = $2")
        .bind(key)
        .bind(claimed_at)
        .execute(&db.write)
        .await
        .map(|_| ())
}

/// Whether the verification `id` (if any) was prepared for `strategy`: a code
/// answers only the kind that was sent.
pub async fn prepared_for(db: &Db, id: Option<&str>, strategy: &str) -> Result<bool, sqlx::Error> {
    let Some(id) = id else {
        return Ok(false);
    };
    Ok(get(db, id).await?.is_some_and(|v| v.strategy == strategy))
}
