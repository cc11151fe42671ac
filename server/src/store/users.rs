use sqlx::FromRow;

use crate::{db::Db, ids::now_ms};

#[derive(Debug, Clone, FromRow)]
pub struct UserRow {
    pub id: String,
    pub username: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub password_hash: Option<String>,
    pub primary_email_address_id: Option<String>,
    pub primary_phone_number_id: Option<String>,
    pub unsafe_metadata: String,
    pub failed_attempts: i64,
    pub locked_until: Option<i64>,
    pub last_sign_in_at: Option<i64>,
    pub password_last_updated_at: Option<i64>,
    pub mfa_enabled_at: Option<i64>,
    pub mfa_disabled_at: Option<i64>,
    /// The browser's language and IANA time zone at sign-up (`en-GB`, `Europe/London`).
    pub locale: Option<String>,
    pub timezone: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    /// Locked by an administrator (the dashboard) until one unlocks it.
    pub locked_by_admin_at: Option<i64>,
    /// An administrator requires two-step verification of this user (since then).
    pub mfa_required_at: Option<i64>,
    /// An administrator requires a new password: the `reset-password` session task.
    pub password_reset_required_at: Option<i64>,
    /// Banned through the Backend API: no sign-in until unbanned.
    pub banned_at: Option<i64>,
    /// Clerk's `public_metadata` and `private_metadata`: JSON objects the app's
    /// server writes (the browser reads only the public one).
    pub public_metadata: String,
    pub private_metadata: String,
}

/// The `locked_until` of an administrator's lock: no timed lockout outlasts it, and
/// every statement that admits an attempt already refuses until then.
pub const ADMIN_LOCK_UNTIL: i64 = 253_402_300_799_999; // 9999-12-31

impl UserRow {
    /// Locked by an administrator, or banned: no sign-in at all.
    pub fn admin_locked(&self) -> bool {
        self.locked_by_admin_at.is_some() || self.banned_at.is_some()
    }

    /// Seconds left of a lockout, if one is running.
    pub fn locked_for(&self, now: i64) -> Option<i64> {
        self.locked_until
            .filter(|until| *until > now)
            .map(|until| (until - now + 999) / 1000)
    }
}

/// Runs one change of user `id` and records `user.updated` with it, in one
/// transaction; how many rows it changed (none: no event).
async fn update_recorded<'q>(
    db: &Db,
    id: &str,
    query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
) -> Result<u64, sqlx::Error> {
    let mut tx = db.write.begin().await?;
    let changed = query.execute(&mut *tx).await?.rows_affected();
    if changed > 0 {
        super::webhook_events::record(db, &mut tx, super::webhook_events::USER_UPDATED, id).await?;
    }
    tx.commit().await?;
    Ok(changed)
}

const COLUMNS: &str = "id, username, first_name, last_name, password_hash, primary_email_address_id, primary_phone_number_id, unsafe_metadata, failed_attempts, locked_until, last_sign_in_at, password_last_updated_at, mfa_enabled_at, mfa_disabled_at, locale, timezone, created_at, updated_at, locked_by_admin_at, mfa_required_at, password_reset_required_at, banned_at, public_metadata, private_metadata";

pub async fn get(db: &Db, id: &str) -> Result<Option<UserRow>, sqlx::Error> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM users WHERE id = $1"))
        .bind(id)
        .fetch_optional(&db.read)
        .await
}

/// The account a sign-in identifier names: a verified email or phone, or a username.
pub async fn find_by_identifier(db: &Db, identifier: &str) -> Result<Option<UserRow>, sqlx::Error> {
    let by_ident: Option<String> = sqlx::query_scalar(
        "SELECT user_id FROM identifications WHERE value = $1 AND verified_at IS NOT NULL",
    )
    .bind(identifier)
    .fetch_optional(&db.read)
    .await?;
    match by_ident {
        Some(id) => get(db, &id).await,
        None => {
            sqlx::query_as(&format!("SELECT {COLUMNS} FROM users WHERE username = $1"))
                .bind(identifier)
                .fetch_optional(&db.read)
                .await
        }
    }
}

pub async fn username_taken(db: &Db, username: &str) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE username = $1")
        .bind(username)
        .fetch_one(&db.read)
        .await?;
    Ok(n > 0)
}

/// The answer to "may this account try a secret now?".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reservation {
    /// Counted as a failure until it is refunded; `count` includes it, and
    /// `locked_until` is set when it was the last try.
    Admitted {
        count: i64,
        locked_until: Option<i64>,
    },
    /// Locked until this time (unix ms).
    Locked { until: i64 },
}

/// Counts an attempt at a password or code *before* it is checked, in one
/// conditional statement, so a parallel burst is admitted at most `max` times. The
/// attempt that reaches `max` locks the account at once (until `lock_ms` from now),
/// so a crash between admitting and checking cannot leave it unlocked for ever or
/// locked for ever. An expired lock starts the count afresh.
pub async fn reserve_attempt(
    db: &Db,
    id: &str,
    max: u32,
    lock_ms: i64,
) -> Result<Reservation, sqlx::Error> {
    let now = now_ms();
    let counted: Option<(i64, Option<i64>)> = sqlx::query_as(
        "UPDATE users SET
            failed_attempts = CASE WHEN locked_until <= $1 THEN 1 ELSE failed_attempts + 1 END,
            locked_until = CASE
                WHEN (CASE WHEN locked_until <= $2 THEN 1 ELSE failed_attempts + 1 END) >= $3 THEN $4
                ELSE NULL END,
            updated_at = $5
         WHERE id = $6 AND (locked_until IS NULL OR locked_until <= $7)
         RETURNING failed_attempts, locked_until",
    )
    .bind(now)
    .bind(now)
    .bind(max as i64)
    .bind(now + lock_ms)
    .bind(now)
    .bind(id)
    .bind(now)
    .fetch_optional(&db.write)
    .await?;
    if let Some((count, locked_until)) = counted {
        return Ok(Reservation::Admitted {
            count,
            locked_until,
        });
    }
    let until: Option<Option<i64>> =
        sqlx::query_scalar("SELECT locked_until FROM users WHERE id = $1")
            .bind(id)
            .fetch_optional(&db.write)
            .await?;
    Ok(Reservation::Locked {
        until: until.flatten().unwrap_or(now),
    })
}

/// Takes back an admitted attempt that turned out right (a correct password with a
/// second factor still to come): it is not a failure, and a lock it set is lifted.
pub async fn refund_attempt(db: &Db, id: &str, max: u32) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE users SET
            failed_attempts = CASE WHEN failed_attempts > 0 THEN failed_attempts - 1 ELSE 0 END,
            locked_until = CASE WHEN failed_attempts - 1 >= $1 OR locked_by_admin_at IS NOT NULL
                THEN locked_until ELSE NULL END
         WHERE id = $2",
    )
    .bind(max as i64)
    .bind(id)
    .execute(&db.write)
    .await
    .map(|_| ())
}

/// A finished sign-in clears the count (and any lock).
pub async fn reset_failures(db: &Db, id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET failed_attempts = 0, locked_until = NULL WHERE id = $1 AND (failed_attempts > 0 OR locked_until IS NOT NULL) AND locked_by_admin_at IS NULL")
        .bind(id)
        .execute(&db.write)
        .await
        .map(|_| ())
}

pub async fn set_password(db: &Db, id: &str, hash: &str) -> Result<(), sqlx::Error> {
    let now = now_ms();
    update_recorded(db, id, sqlx::query("UPDATE users SET password_hash = $1, password_last_updated_at = $2, updated_at = $3 WHERE id = $4")
        .bind(hash)
        .bind(now)
        .bind(now)
        .bind(id))
        .await
        .map(|_| ())
}

/// Replaces the stored hash after a rehash on sign-in (same password, stronger params).
pub async fn upgrade_password_hash(db: &Db, id: &str, hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(hash)
        .bind(id)
        .execute(&db.write)
        .await
        .map(|_| ())
}

pub struct ProfileChange<'a> {
    pub first_name: Option<&'a str>,
    pub last_name: Option<&'a str>,
    pub username: Option<&'a str>,
    pub primary_email_address_id: Option<&'a str>,
    pub primary_phone_number_id: Option<&'a str>,
}

pub async fn update_profile(db: &Db, id: &str, c: ProfileChange<'_>) -> Result<(), sqlx::Error> {
    update_recorded(
        db,
        id,
        sqlx::query(
            "UPDATE users SET
            first_name = COALESCE($1, first_name),
            last_name = COALESCE($2, last_name),
            username = COALESCE($3, username),
            primary_email_address_id = COALESCE($4, primary_email_address_id),
            primary_phone_number_id = COALESCE($5, primary_phone_number_id),
            updated_at = $6
         WHERE id = $7",
        )
        .bind(c.first_name)
        .bind(c.last_name)
        .bind(c.username)
        .bind(c.primary_email_address_id)
        .bind(c.primary_phone_number_id)
        .bind(now_ms())
        .bind(id),
    )
    .await
    .map(|_| ())
}

/// Replaces the user's `unsafe_metadata` with what `change` makes of the stored
/// JSON, in one transaction that locks the row before reading it: two changes at
/// once run one after the other, and neither loses the other's keys. An error from
/// `change` stores nothing. `Ok(false)`: no such user.
pub async fn change_unsafe_metadata<E: From<sqlx::Error>>(
    db: &Db,
    id: &str,
    change: impl FnOnce(&str) -> Result<String, E>,
) -> Result<bool, E> {
    change_metadata(db, id, Metadata::Unsafe, change).await
}

/// Which of a user's three metadata objects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metadata {
    Unsafe,
    Public,
    Private,
}

impl Metadata {
    fn column(self) -> &'static str {
        match self {
            Metadata::Unsafe => "unsafe_metadata",
            Metadata::Public => "public_metadata",
            Metadata::Private => "private_metadata",
        }
    }
}

/// Changes several of the user's metadata objects at once, in one transaction that
/// holds the row: `change` makes each new value from the stored one, and an error
/// from any of them stores nothing. One `user.updated`. `Ok(false)`: no such user.
pub async fn change_metadata_all<E: From<sqlx::Error>>(
    db: &Db,
    id: &str,
    which: &[Metadata],
    mut change: impl FnMut(Metadata, &str) -> Result<String, E>,
) -> Result<bool, E> {
    let mut tx = db.write.begin().await?;
    // A write first, so PostgreSQL holds the row (and returns its latest values).
    let stored: Option<(String, String, String)> = sqlx::query_as(
        "UPDATE users SET updated_at = $1 WHERE id = $2
         RETURNING unsafe_metadata, public_metadata, private_metadata",
    )
    .bind(now_ms())
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((unsafe_, public, private)) = stored else {
        return Ok(false);
    };
    let mut changed = Vec::with_capacity(which.len());
    for &w in which {
        let before = match w {
            Metadata::Unsafe => &unsafe_,
            Metadata::Public => &public,
            Metadata::Private => &private,
        };
        changed.push((w, change(w, before)?));
    }
    for (w, value) in changed {
        sqlx::query(&format!(
            "UPDATE users SET {} = $1 WHERE id = $2",
            w.column()
        ))
        .bind(value)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    }
    super::webhook_events::record(db, &mut tx, super::webhook_events::USER_UPDATED, id).await?;
    tx.commit().await?;
    Ok(true)
}

/// [`change_unsafe_metadata`] for any of the three.
pub async fn change_metadata<E: From<sqlx::Error>>(
    db: &Db,
    id: &str,
    which: Metadata,
    change: impl FnOnce(&str) -> Result<String, E>,
) -> Result<bool, E> {
    let column = which.column();
    let mut tx = db.write.begin().await?;
    // A write first, so PostgreSQL holds the row (and returns its latest value).
    let stored: Option<String> = sqlx::query_scalar(&format!(
        "UPDATE users SET updated_at = $1 WHERE id = $2 RETURNING {column}"
    ))
    .bind(now_ms())
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(stored) = stored else {
        return Ok(false);
    };
    let changed = change(&stored)?;
    sqlx::query(&format!("UPDATE users SET {column} = $1 WHERE id = $2"))
        .bind(changed)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    super::webhook_events::record(db, &mut tx, super::webhook_events::USER_UPDATED, id).await?;
    tx.commit().await?;
    Ok(true)
}

pub async fn touch_sign_in(db: &Db, id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET last_sign_in_at = $1 WHERE id = $2")
        .bind(now_ms())
        .bind(id)
        .execute(&db.write)
        .await
        .map(|_| ())
}

/// Records when second-factor protection turned on or off.
pub async fn mark_mfa(db: &Db, id: &str, enabled: bool) -> Result<(), sqlx::Error> {
    let sql = if enabled {
        "UPDATE users SET mfa_enabled_at = $1, updated_at = $2 WHERE id = $3"
    } else {
        "UPDATE users SET mfa_disabled_at = $1, updated_at = $2 WHERE id = $3"
    };
    let now = now_ms();
    update_recorded(db, id, sqlx::query(sql).bind(now).bind(now).bind(id))
        .await
        .map(|_| ())
}

/// Clears a primary id that pointed at a removed identification.
pub async fn clear_primary(db: &Db, id: &str, identification_id: &str) -> Result<(), sqlx::Error> {
    update_recorded(db, id, sqlx::query(
        "UPDATE users SET
            primary_email_address_id = CASE WHEN primary_email_address_id = $1 THEN NULL ELSE primary_email_address_id END,
            primary_phone_number_id = CASE WHEN primary_phone_number_id = $2 THEN NULL ELSE primary_phone_number_id END
         WHERE id = $3 AND (primary_email_address_id = $4 OR primary_phone_number_id = $5)",
    )
    .bind(identification_id)
    .bind(identification_id)
    .bind(id)
    .bind(identification_id)
    .bind(identification_id))
        .await
        .map(|_| ())
}

/// An administrator's lock: no sign-in until [`admin_unlock`]. `false`: no such user.
pub async fn admin_lock(db: &Db, id: &str) -> Result<bool, sqlx::Error> {
    let now = now_ms();
    Ok(update_recorded(db, id, sqlx::query(
        "UPDATE users SET locked_by_admin_at = $1, locked_until = $2, updated_at = $3 WHERE id = $4",
    )
    .bind(now)
    .bind(ADMIN_LOCK_UNTIL)
    .bind(now)
    .bind(id)).await?
        == 1)
}

/// Bans (`true`) or unbans the account. A ban holds the attempt-admitting lock as an
/// administrator's lock does, and outlasts an unlock. `false`: no such user.
pub async fn set_banned(db: &Db, id: &str, banned: bool) -> Result<bool, sqlx::Error> {
    let now = now_ms();
    let sql = if banned {
        "UPDATE users SET locked_until = $1, updated_at = $2, banned_at = COALESCE(banned_at, $3)
         WHERE id = $4"
    } else {
        "UPDATE users SET locked_until = CASE WHEN locked_by_admin_at IS NULL THEN NULL ELSE $1 END,
            updated_at = $2, banned_at = NULL WHERE id = $3"
    };
    let mut query = sqlx::query(sql).bind(ADMIN_LOCK_UNTIL).bind(now);
    if banned {
        query = query.bind(now);
    }
    Ok(update_recorded(db, id, query.bind(id)).await? == 1)
}

/// Lifts an administrator's lock and any timed lockout, and forgets failed tries
/// (a ban stays, and its lock with it).
pub async fn admin_unlock(db: &Db, id: &str) -> Result<bool, sqlx::Error> {
    Ok(update_recorded(
        db,
        id,
        sqlx::query(
            "UPDATE users SET locked_by_admin_at = NULL, failed_attempts = 0,
            locked_until = CASE WHEN banned_at IS NULL THEN NULL ELSE locked_until END,
            updated_at = $1 WHERE id = $2",
        )
        .bind(now_ms())
        .bind(id),
    )
    .await?
        == 1)
}

/// One page of users whose id, username, name, email or phone contains `query`
/// (any case), newest first, and how many match in all.
pub async fn search(
    db: &Db,
    query: &str,
    limit: i64,
    offset: i64,
) -> Result<(Vec<UserRow>, i64), sqlx::Error> {
    let escaped = query
        .trim()
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    let pattern = format!("%{escaped}%");
    const MATCHES: &str = "($1 = '%%'
        OR lower(u.id) LIKE $1 ESCAPE '\\'
        OR lower(COALESCE(u.username, '')) LIKE $1 ESCAPE '\\'
        OR lower(COALESCE(u.first_name, '') || ' ' || COALESCE(u.last_name, '')) LIKE $1 ESCAPE '\\'
        OR EXISTS (SELECT 1 FROM identifications i
                   WHERE i.user_id = u.id AND lower(i.value) LIKE $1 ESCAPE '\\'))";
    let columns = COLUMNS
        .split(", ")
        .map(|c| format!("u.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let rows = sqlx::query_as(&format!(
        "SELECT {columns} FROM users u WHERE {MATCHES}
         ORDER BY u.created_at DESC, u.id LIMIT $2 OFFSET $3"
    ))
    .bind(&pattern)
    .bind(limit)
    .bind(offset)
    .fetch_all(&db.read)
    .await?;
    let total: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM users u WHERE {MATCHES}"))
        .bind(&pattern)
        .fetch_one(&db.read)
        .await?;
    Ok((rows, total))
}

/// Which users a Backend API listing wants: each filter given narrows it.
#[derive(Debug, Default)]
pub struct Filter {
    /// Any of these ids.
    pub user_ids: Vec<String>,
    /// Any of these email addresses (exact, any case).
    pub email_addresses: Vec<String>,
    /// Any of these phone numbers (exact, E.164).
    pub phone_numbers: Vec<String>,
    /// Any of these usernames.
    pub usernames: Vec<String>,
    /// Contained in the id, username, name, email or phone (any case).
    pub query: Option<String>,
    /// Oldest first; newest first when `false`.
    pub oldest_first: bool,
}

/// One page of the users `filter` wants, and how many it wants in all.
pub async fn list(
    db: &Db,
    filter: &Filter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<UserRow>, i64), sqlx::Error> {
    // Every placeholder is used once, numbered as it is pushed.
    let mut clauses = Vec::new();
    let mut binds: Vec<String> = Vec::new();
    let mut any_of = |clauses: &mut Vec<String>, template: &str, values: Vec<String>| {
        if values.is_empty() {
            return;
        }
        let start = binds.len();
        let list = (1..=values.len())
            .map(|n| format!("${}", start + n))
            .collect::<Vec<_>>()
            .join(", ");
        clauses.push(template.replace("{}", &list));
        binds.extend(values);
    };
    any_of(&mut clauses, "u.id IN ({})", filter.user_ids.clone());
    any_of(
        &mut clauses,
        "EXISTS (SELECT 1 FROM identifications i WHERE i.user_id = u.id
            AND i.kind = 'email_address' AND lower(i.value) IN ({}))",
        filter
            .email_addresses
            .iter()
            .map(|e| e.trim().to_lowercase())
            .collect(),
    );
    any_of(
        &mut clauses,
        "EXISTS (SELECT 1 FROM identifications i WHERE i.user_id = u.id
            AND i.kind = 'phone_number' AND i.value IN ({}))",
        filter
            .phone_numbers
            .iter()
            .map(|p| p.trim().to_owned())
            .collect(),
    );
    any_of(
        &mut clauses,
        "lower(COALESCE(u.username, '')) IN ({})",
        filter
            .usernames
            .iter()
            .map(|u| u.trim().to_lowercase())
            .collect(),
    );
    if let Some(query) = filter
        .query
        .as_deref()
        .map(str::trim)
        .filter(|q| !q.is_empty())
    {
        let escaped = query
            .to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        let pattern = format!("%{escaped}%");
        let n = binds.len();
        clauses.push(format!(
            "(lower(u.id) LIKE ${a} ESCAPE '\\'
              OR lower(COALESCE(u.username, '')) LIKE ${b} ESCAPE '\\'
              OR lower(COALESCE(u.first_name, '') || ' ' || COALESCE(u.last_name, '')) LIKE ${c} ESCAPE '\\'
              OR EXISTS (SELECT 1 FROM identifications i
                         WHERE i.user_id = u.id AND lower(i.value) LIKE ${d} ESCAPE '\\'))",
            a = n + 1,
            b = n + 2,
            c = n + 3,
            d = n + 4
        ));
        binds.extend(std::iter::repeat_n(pattern, 4));
    }
    let matches = if clauses.is_empty() {
        "1 = 1".to_owned()
    } else {
        clauses.join(" AND ")
    };
    let order = if filter.oldest_first { "ASC" } else { "DESC" };
    let columns = COLUMNS
        .split(", ")
        .map(|c| format!("u.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT {columns} FROM users u WHERE {matches}
         ORDER BY u.created_at {order}, u.id {order} LIMIT ${} OFFSET ${}",
        binds.len() + 1,
        binds.len() + 2
    );
    let mut query = sqlx::query_as(&sql);
    for value in &binds {
        query = query.bind(value);
    }
    let rows = query.bind(limit).bind(offset).fetch_all(&db.read).await?;
    let count_sql = format!("SELECT COUNT(*) FROM users u WHERE {matches}");
    let mut count = sqlx::query_scalar(&count_sql);
    for value in &binds {
        count = count.bind(value);
    }
    let total: i64 = count.fetch_one(&db.read).await?;
    Ok((rows, total))
}

/// Deletes an account and everything of it, in one transaction: its sessions (and
/// their step-up verifications), email addresses and phone numbers, authenticator
/// app, backup codes, sign-ins (finished or not) and the sign-up that made it, the
/// code verifications they point at, the devices it trusted and its lockout
/// counters. Clients stay (the browser is not the user's alone), no longer pointing
/// at any of it. `Ok(false)`: no such user (deleted meanwhile).
pub async fn delete_account(db: &Db, id: &str) -> Result<bool, sqlx::Error> {
    let now = now_ms();
    let mut tx = db.write.begin().await?;
    // Each statement with how many placeholders it binds to the user's id (as
    // everywhere in the store, a placeholder is used once).
    let statements: [(&str, usize); 12] = [
        (
            "DELETE FROM verifications WHERE
                id IN (SELECT verification_id FROM identifications WHERE user_id = $1)
                OR id IN (SELECT first_factor_verification_id FROM sign_ins WHERE user_id = $2)
                OR id IN (SELECT second_factor_verification_id FROM sign_ins WHERE user_id = $3)
                OR id IN (SELECT email_verification_id FROM sign_ups WHERE created_user_id = $4)
                OR id IN (SELECT phone_verification_id FROM sign_ups WHERE created_user_id = $5)
                OR id IN (SELECT v.first_factor_verification_id FROM session_verifications v
                          JOIN sessions s ON s.id = v.session_id WHERE s.user_id = $6)
                OR id IN (SELECT v.second_factor_verification_id FROM session_verifications v
                          JOIN sessions s ON s.id = v.session_id WHERE s.user_id = $7)",
            7,
        ),
        (
            "DELETE FROM session_verifications
             WHERE session_id IN (SELECT id FROM sessions WHERE user_id = $1)",
            1,
        ),
        ("DELETE FROM sign_ins WHERE user_id = $1", 1),
        ("DELETE FROM sign_ups WHERE created_user_id = $1", 1),
        ("DELETE FROM trusted_clients WHERE user_id = $1", 1),
        ("DELETE FROM remembered_devices WHERE user_id = $1", 1),
        ("DELETE FROM account_recoveries WHERE user_id = $1", 1),
        ("DELETE FROM backup_codes WHERE user_id = $1", 1),
        ("DELETE FROM totps WHERE user_id = $1", 1),
        ("DELETE FROM passkeys WHERE user_id = $1", 1),
        ("DELETE FROM identifications WHERE user_id = $1", 1),
        ("DELETE FROM sessions WHERE user_id = $1", 1),
    ];
    // The clients first let go of what is about to go (a sign-in or sign-up in
    // progress elsewhere, the active session).
    let detached = format!(
        "UPDATE clients SET
            last_active_session_id = CASE WHEN last_active_session_id IN
                (SELECT id FROM sessions WHERE user_id = $1) THEN NULL ELSE last_active_session_id END,
            sign_in_id = CASE WHEN sign_in_id IN
                (SELECT id FROM sign_ins WHERE user_id = $2) THEN NULL ELSE sign_in_id END,
            sign_up_id = CASE WHEN sign_up_id IN
                (SELECT id FROM sign_ups WHERE created_user_id = $3) THEN NULL ELSE sign_up_id END,
            {}
         WHERE last_active_session_id IN (SELECT id FROM sessions WHERE user_id = $5)
            OR sign_in_id IN (SELECT id FROM sign_ins WHERE user_id = $6)
            OR sign_up_id IN (SELECT id FROM sign_ups WHERE created_user_id = $7)",
        super::clients::next_version("$4")
    );
    sqlx::query(&detached)
        .bind(id)
        .bind(id)
        .bind(id)
        .bind(now)
        .bind(id)
        .bind(id)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    for (sql, times) in statements {
        let mut query = sqlx::query(sql);
        for _ in 0..times {
            query = query.bind(id);
        }
        query.execute(&mut *tx).await?;
    }
    let lockout = format!("lockout:{id}:");
    // As `target_failures::clear_prefix`: the account's own counters, no wildcards.
    sqlx::query("DELETE FROM target_failures WHERE substr(target, 1, length($1)) = $2")
        .bind(&lockout)
        .bind(&lockout)
        .execute(&mut *tx)
        .await?;
    let deleted = sqlx::query("DELETE FROM users WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected()
        == 1;
    if deleted {
        super::webhook_events::record(db, &mut tx, super::webhook_events::USER_DELETED, id).await?;
    }
    tx.commit().await?;
    db.recent.forget_all();
    Ok(deleted)
}

/// An administrator's requirement of one user, kept as the time it was made.
#[derive(Debug, Clone, Copy)]
pub enum Requirement {
    /// Two-step verification (`mfa_required_at`).
    Mfa,
    /// A new password: the `reset-password` task (`password_reset_required_at`).
    NewPassword,
}

/// Makes (or drops) `requirement` of one user; whether the row changed.
pub async fn set_required(
    db: &Db,
    id: &str,
    requirement: Requirement,
    required: bool,
) -> Result<bool, sqlx::Error> {
    // A column from this fixed set, never from input.
    let column = match requirement {
        Requirement::Mfa => "mfa_required_at",
        Requirement::NewPassword => "password_reset_required_at",
    };
    let sql = if required {
        format!(
            "UPDATE users SET {column} = $1, updated_at = $1 WHERE id = $2 AND {column} IS NULL"
        )
    } else {
        format!(
            "UPDATE users SET {column} = NULL, updated_at = $1 WHERE id = $2 AND {column} IS NOT NULL"
        )
    };
    Ok(update_recorded(db, id, sqlx::query(&sql).bind(now_ms()).bind(id)).await? == 1)
}
