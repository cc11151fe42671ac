use sqlx::{Any, FromRow, Transaction};

use crate::{
    db::Db,
    ids::{new_id, now_ms},
};

#[derive(Debug, Clone, FromRow)]
pub struct SessionRow {
    pub id: String,
    pub client_id: String,
    pub user_id: String,
    pub status: String,
    pub expire_at: i64,
    pub abandon_at: i64,
    pub last_active_at: i64,
    pub first_factor_at: i64,
    pub second_factor_at: Option<i64>,
    pub user_agent: Option<String>,
    pub ip_address: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    /// The task a `pending` session waits on: `reset-password` or `setup-mfa`
    /// (`NULL`, from before tasks were recorded, is `setup-mfa`).
    pub task: Option<String>,
}

impl SessionRow {
    /// The task a pending session waits on, as Clerk names it.
    pub fn pending_task(&self) -> Option<&str> {
        (self.status == "pending").then(|| self.task.as_deref().unwrap_or(SETUP_MFA))
    }
    /// Signed in right now: active (or pending) and within both time limits.
    pub fn is_live(&self, now: i64) -> bool {
        matches!(self.status.as_str(), "active" | "pending")
            && now < self.expire_at
            && now < self.abandon_at
    }

    /// The status as the client sees it: a session past its time is `expired`.
    pub fn visible_status(&self, now: i64) -> &str {
        if matches!(self.status.as_str(), "active" | "pending") && !self.is_live(now) {
            "expired"
        } else {
            &self.status
        }
    }
}

/// What a new session is made from.
pub struct NewSession<'a> {
    pub client_id: &'a str,
    pub ip_address: Option<&'a str>,
    pub user_agent: Option<&'a str>,
    /// The first factor's strategy (`client.last_authentication_strategy`).
    pub strategy: &'a str,
    pub lifetime_ms: i64,
    pub idle_ms: i64,
    /// The task the session starts `pending` with ([`RESET_PASSWORD`] or
    /// [`SETUP_MFA`]); `None`: it starts active.
    pub task: Option<&'static str>,
}

/// Clerk's session task: set up a second factor.
pub const SETUP_MFA: &str = "setup-mfa";
/// Clerk's session task: choose a new password.
pub const RESET_PASSWORD: &str = "reset-password";

const COLUMNS: &str = "id, client_id, user_id, status, expire_at, abandon_at, last_active_at, first_factor_at, second_factor_at, user_agent, ip_address, created_at, updated_at, task";

pub(super) async fn insert(
    db: &Db,
    tx: &mut Transaction<'_, Any>,
    id: &str,
    user_id: &str,
    s: &NewSession<'_>,
    second_factor: bool,
) -> Result<(), sqlx::Error> {
    let now = now_ms();
    let abandon_at = now + s.lifetime_ms;
    sqlx::query(
        "INSERT INTO sessions (id, client_id, user_id, status, expire_at, abandon_at, last_active_at,
            first_factor_at, second_factor_at, user_agent, ip_address, created_at, updated_at, task)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
    )
    .bind(id)
    .bind(s.client_id)
    .bind(user_id)
    .bind(if s.task.is_some() { "pending" } else { "active" })
    .bind((now + s.idle_ms).min(abandon_at))
    .bind(abandon_at)
    .bind(now)
    .bind(now)
    .bind(second_factor.then_some(now))
    .bind(s.user_agent)
    .bind(s.ip_address)
    .bind(now)
    .bind(now)
    .bind(s.task)
    .execute(&mut **tx)
    .await?;
    super::webhook_events::record(db, tx, super::webhook_events::SESSION_CREATED, id).await?;
    // A session on this client: it is a known device for this user from now on.
    super::trusted_clients::trust(tx, s.client_id, user_id).await
}

/// A sign-in that finished: its session, and the client's new token.
pub struct Completed {
    pub session_id: String,
    /// Replaces the client's token (a token planted before sign-in is worthless after it).
    pub client_token: String,
}

/// Finishes a sign-in: moves it from `from` to `complete`, creates its session,
/// rotates the client's token and clears the account's lockout count, in one transaction (one write on the path every
/// sign-in waits on). `None` if another request finished it first.
pub async fn complete_sign_in(
    db: &Db,
    sign_in_id: &str,
    from: &str,
    user_id: &str,
    second_factor: bool,
    s: &NewSession<'_>,
) -> Result<Option<Completed>, sqlx::Error> {
    let now = now_ms();
    let session_id = new_id("sess");
    let mut tx = db.write.begin().await?;
    let moved = sqlx::query(
        "UPDATE sign_ins SET status = 'complete', created_session_id = $1, updated_at = $2 WHERE id = $3 AND status = $4",
    )
    .bind(&session_id)
    .bind(now)
    .bind(sign_in_id)
    .bind(from)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if !moved {
        return Ok(None);
    }
    insert(db, &mut tx, &session_id, user_id, s, second_factor).await?;
    let client_token = crate::ids::new_token();
    sqlx::query(&format!("UPDATE clients SET last_active_session_id = $1, last_authentication_strategy = $2, token_hash = $3, {} WHERE id = $5", super::clients::next_version("$4")))
        .bind(&session_id)
        .bind(s.strategy)
        .bind(crate::ids::token_hash(&client_token))
        .bind(now)
        .bind(s.client_id)
        .execute(&mut *tx)
        .await?;
    // Every factor passed: the lockout count starts again.
    sqlx::query("UPDATE users SET last_sign_in_at = $1, failed_attempts = 0, locked_until = NULL WHERE id = $2")
        .bind(now)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    db.recent.forget_all();
    Ok(Some(Completed {
        session_id,
        client_token,
    }))
}

/// A session by id; from the last second's reads when no write came since.
pub async fn get(db: &Db, id: &str) -> Result<Option<SessionRow>, sqlx::Error> {
    if let Some(row) = db.recent.get(&db.recent.sessions, id) {
        return Ok(Some(row));
    }
    let generation = db.recent.generation();
    let row: Option<SessionRow> =
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM sessions WHERE id = $1"))
            .bind(id)
            .fetch_optional(&db.read)
            .await?;
    if let Some(row) = &row {
        db.recent.sessions.put(id, row.clone(), generation);
    }
    Ok(row)
}

/// The sessions a client shows: all but removed ones.
pub async fn list_for_client(db: &Db, client_id: &str) -> Result<Vec<SessionRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM sessions WHERE client_id = $1 AND status <> 'removed' ORDER BY created_at, id"
    ))
    .bind(client_id)
    .fetch_all(&db.read)
    .await
}

/// A user's signed-in sessions on every device.
pub async fn list_active_for_user(db: &Db, user_id: &str) -> Result<Vec<SessionRow>, sqlx::Error> {
    let now = now_ms();
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM sessions WHERE user_id = $1 AND status IN ('active', 'pending')
         AND expire_at > $2 AND abandon_at > $3 ORDER BY last_active_at DESC, id"
    ))
    .bind(user_id)
    .bind(now)
    .bind(now)
    .fetch_all(&db.read)
    .await
}

/// Activity moves the idle deadline, never past the absolute one.
pub async fn touch(db: &Db, id: &str, idle_ms: i64) -> Result<(), sqlx::Error> {
    let now = now_ms();
    sqlx::query(
        "UPDATE sessions SET last_active_at = $1,
            expire_at = CASE WHEN $2 < abandon_at THEN $3 ELSE abandon_at END, updated_at = $4
         WHERE id = $5 AND status IN ('active', 'pending') AND expire_at > $6 AND abandon_at > $7",
    )
    .bind(now)
    .bind(now + idle_ms)
    .bind(now + idle_ms)
    .bind(now)
    .bind(id)
    .bind(now)
    .bind(now)
    .execute(&db.write)
    .await?;
    db.recent.forget_all();
    Ok(())
}

/// Ends a signed-in session with a final status (`ended`, `removed`, `revoked`); an
/// ended one may still be removed or revoked. Its event goes with it.
pub async fn finish(db: &Db, id: &str, status: &str) -> Result<(), sqlx::Error> {
    let mut tx = db.write.begin().await?;
    let ended: Vec<String> = sqlx::query_scalar(
        "UPDATE sessions SET status = $1, updated_at = $2
         WHERE id = $3 AND status IN ('active', 'pending', 'ended') AND status <> $4
         RETURNING id",
    )
    .bind(status)
    .bind(now_ms())
    .bind(id)
    .bind(status)
    .fetch_all(&mut *tx)
    .await?;
    record_each(db, &mut tx, status, &ended).await?;
    tx.commit().await?;
    db.recent.forget_all();
    Ok(())
}

/// The `session.*` event of each session a statement just ended with `status`, in
/// its transaction: only the sessions the statement itself changed, so a racing
/// sign-out and revoke never both tell.
async fn record_each(
    db: &Db,
    tx: &mut Transaction<'_, Any>,
    status: &str,
    ids: &[String],
) -> Result<(), sqlx::Error> {
    let event = super::webhook_events::session_finished(status);
    for id in ids {
        super::webhook_events::record(db, tx, event, id).await?;
    }
    Ok(())
}

/// Signs a client out everywhere it is signed in.
pub async fn finish_all_for_client(
    db: &Db,
    client_id: &str,
    status: &str,
) -> Result<(), sqlx::Error> {
    let mut tx = db.write.begin().await?;
    let ended: Vec<String> = sqlx::query_scalar(
        "UPDATE sessions SET status = $1, updated_at = $2
         WHERE client_id = $3 AND status IN ('active', 'pending') RETURNING id",
    )
    .bind(status)
    .bind(now_ms())
    .bind(client_id)
    .fetch_all(&mut *tx)
    .await?;
    record_each(db, &mut tx, status, &ended).await?;
    tx.commit().await?;
    db.recent.forget_all();
    Ok(())
}

/// Revokes a user's other sessions (after a password change).
pub async fn revoke_others(db: &Db, user_id: &str, keep: &str) -> Result<(), sqlx::Error> {
    let mut tx = db.write.begin().await?;
    let revoked: Vec<String> = sqlx::query_scalar(
        "UPDATE sessions SET status = 'revoked', updated_at = $1
         WHERE user_id = $2 AND id <> $3 AND status IN ('active', 'pending') RETURNING id",
    )
    .bind(now_ms())
    .bind(user_id)
    .bind(keep)
    .fetch_all(&mut *tx)
    .await?;
    record_each(db, &mut tx, "revoked", &revoked).await?;
    tx.commit().await?;
    db.recent.forget_all();
    Ok(())
}

/// Counts a second factor the user just set up as verified for the session that set
/// it up: proving it again at once would only be a chore.
pub async fn mark_second_factor(db: &Db, id: &str) -> Result<(), sqlx::Error> {
    let now = now_ms();
    let mut tx = db.write.begin().await?;
    sqlx::query("UPDATE sessions SET second_factor_at = $1, updated_at = $2 WHERE id = $3")
        .bind(now)
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    // The `setup-mfa` task is done: every session of the user waiting on it turns active.
    sqlx::query(
        "UPDATE sessions SET status = 'active', task = NULL, updated_at = $1
         WHERE user_id = (SELECT user_id FROM sessions WHERE id = $2) AND status = 'pending'
           AND (task IS NULL OR task = 'setup-mfa')",
    )
    .bind(now)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    db.recent.forget_all();
    Ok(())
}

/// Revokes every live session of a user (an administrator signed them out);
/// returns how many.
pub async fn revoke_all_for_user(db: &Db, user_id: &str) -> Result<u64, sqlx::Error> {
    let mut tx = db.write.begin().await?;
    let revoked: Vec<String> = sqlx::query_scalar(
        "UPDATE sessions SET status = 'revoked', updated_at = $1
         WHERE user_id = $2 AND status IN ('active', 'pending') RETURNING id",
    )
    .bind(now_ms())
    .bind(user_id)
    .fetch_all(&mut *tx)
    .await?;
    record_each(db, &mut tx, "revoked", &revoked).await?;
    tx.commit().await?;
    db.recent.forget_all();
    Ok(revoked.len() as u64)
}

/// The `reset-password` task is done: each session of the user waiting on it goes on
/// to `next` (`Some(SETUP_MFA)`: a second factor is still to be set up) or turns
/// active.
pub async fn finish_reset_password_task(
    db: &Db,
    user_id: &str,
    next: Option<&'static str>,
) -> Result<(), sqlx::Error> {
    let now = now_ms();
    let sql = if next.is_some() {
        "UPDATE sessions SET task = $1, updated_at = $2
         WHERE user_id = $3 AND status = 'pending' AND task = 'reset-password'"
    } else {
        "UPDATE sessions SET status = 'active', task = $1, updated_at = $2
         WHERE user_id = $3 AND status = 'pending' AND task = 'reset-password'"
    };
    sqlx::query(sql)
        .bind(next)
        .bind(now)
        .bind(user_id)
        .execute(&db.write)
        .await?;
    db.recent.forget_all();
    Ok(())
}

/// The `setup-mfa` task no longer applies (an administrator stopped requiring it):
/// the user's sessions waiting on it turn active.
pub async fn drop_setup_mfa_task(db: &Db, user_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE sessions SET status = 'active', task = NULL, updated_at = $1
         WHERE user_id = $2 AND status = 'pending' AND (task IS NULL OR task = 'setup-mfa')",
    )
    .bind(now_ms())
    .bind(user_id)
    .execute(&db.write)
    .await?;
    db.recent.forget_all();
    Ok(())
}

/// A session status a Backend API listing filters on (as the client sees it: a
/// session past its time is `expired`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Active,
    Pending,
    Expired,
    Ended,
    Removed,
    Revoked,
}

impl Status {
    pub fn parse(value: &str) -> Option<Status> {
        Some(match value {
            "active" => Status::Active,
            "pending" => Status::Pending,
            "expired" => Status::Expired,
            "ended" => Status::Ended,
            "removed" => Status::Removed,
            "revoked" => Status::Revoked,
            _ => return None,
        })
    }
}

/// One page of a user's (or a client's) sessions, newest first, and how many there
/// are in all.
pub async fn list_for_backend(
    db: &Db,
    user_id: Option<&str>,
    client_id: Option<&str>,
    status: Option<Status>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<SessionRow>, i64), sqlx::Error> {
    let now = now_ms();
    // Placeholders numbered as they are pushed; each bound once.
    let mut clauses = Vec::new();
    let mut texts: Vec<String> = Vec::new();
    let mut numbers: Vec<i64> = Vec::new();
    let mut n = 0;
    let mut next = || {
        n += 1;
        format!("${n}")
    };
    if let Some(user_id) = user_id {
        clauses.push(format!("user_id = {}", next()));
        texts.push(user_id.to_owned());
    }
    if let Some(client_id) = client_id {
        clauses.push(format!("client_id = {}", next()));
        texts.push(client_id.to_owned());
    }
    let live = |status: &str, next: &mut dyn FnMut() -> String| {
        format!(
            "(status = '{status}' AND expire_at > {} AND abandon_at > {})",
            next(),
            next()
        )
    };
    match status {
        Some(Status::Active) => {
            clauses.push(live("active", &mut next));
            numbers.extend([now, now]);
        }
        Some(Status::Pending) => {
            clauses.push(live("pending", &mut next));
            numbers.extend([now, now]);
        }
        Some(Status::Expired) => {
            clauses.push(format!(
                "(status = 'expired' OR (status IN ('active', 'pending')
                   AND (expire_at <= {} OR abandon_at <= {})))",
                next(),
                next()
            ));
            numbers.extend([now, now]);
        }
        Some(Status::Ended) => clauses.push("status = 'ended'".into()),
        Some(Status::Removed) => clauses.push("status = 'removed'".into()),
        Some(Status::Revoked) => clauses.push("status = 'revoked'".into()),
        None => {}
    }
    let matches = if clauses.is_empty() {
        "1 = 1".to_owned()
    } else {
        clauses.join(" AND ")
    };
    let (limit_at, offset_at) = (next(), next());
    let sql = format!(
        "SELECT {COLUMNS} FROM sessions WHERE {matches}
         ORDER BY created_at DESC, id DESC LIMIT {limit_at} OFFSET {offset_at}"
    );
    let mut query = sqlx::query_as(&sql);
    for text in &texts {
        query = query.bind(text);
    }
    for number in &numbers {
        query = query.bind(*number);
    }
    let rows = query.bind(limit).bind(offset).fetch_all(&db.read).await?;
    let count_sql = format!("SELECT COUNT(*) FROM sessions WHERE {matches}");
    let mut count = sqlx::query_scalar(&count_sql);
    for text in &texts {
        count = count.bind(text);
    }
    for number in &numbers {
        count = count.bind(*number);
    }
    let total: i64 = count.fetch_one(&db.read).await?;
    Ok((rows, total))
}
