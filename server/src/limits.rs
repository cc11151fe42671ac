//! Per-IP request limits (Clerk's system limits): GCRA buckets that refill evenly
//! over a 10-second window, answered with 429 and `Retry-After`; and the hourly
//! SMS quotas.
//!
//! Counted in memory on SQLite (one process owns the file), and in the database on
//! PostgreSQL, where several instances behind a load balancer must count a client
//! once, not once per instance (`store::rate_limits`).

use std::{net::IpAddr, num::NonZeroU32, time::Duration};

use governor::{
    clock::{Clock, DefaultClock},
    DefaultDirectRateLimiter, DefaultKeyedRateLimiter, Quota, RateLimiter,
};

use crate::{
    config::{Limits, SmsProtection},
    db::Db,
    error::ApiError,
    http::client_ip,
    store,
};

/// One bucket per action, as Clerk keeps them: a client that verifies its email,
/// then a phone, then signs in with a mistyped code has used three actions, not one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bucket {
    CreateSignIn,
    CreateSignUp,
    /// A new client (`POST|PUT /v1/client`, `POST /v1/dev_browser`).
    CreateClient,
    /// `PATCH /v1/client/sign_ups/{id}` with a password (it runs Argon2).
    SignUpPassword,
    /// `POST /v1/client/sign_ins/{id}/attempt_first_factor`.
    SignInFirstFactor,
    /// `POST /v1/client/sign_ins/{id}/attempt_second_factor`.
    SignInSecondFactor,
    /// `POST /v1/client/sign_ups/{id}/attempt_verification`.
    SignUpVerification,
    /// `POST /v1/me/{email_addresses|phone_numbers}/{id}/attempt_verification`.
    IdentificationVerification,
    /// `POST /v1/client/sessions/{id}/verify/attempt_{first|second}_factor`.
    Reverification,
    /// `POST /dashboard/sign-in`: an administrator's password.
    DashboardSignIn,
}

impl Bucket {
    const ALL: [Bucket; 10] = [
        Bucket::CreateSignIn,
        Bucket::CreateSignUp,
        Bucket::CreateClient,
        Bucket::SignUpPassword,
        Bucket::SignInFirstFactor,
        Bucket::SignInSecondFactor,
        Bucket::SignUpVerification,
        Bucket::IdentificationVerification,
        Bucket::Reverification,
        Bucket::DashboardSignIn,
    ];

    fn per_ten_seconds(self, limits: &Limits) -> u32 {
        match self {
            Bucket::CreateSignIn => limits.sign_in_create_per_10s,
            Bucket::CreateSignUp => limits.sign_up_create_per_10s,
            Bucket::CreateClient => limits.client_create_per_10s,
            Bucket::SignUpPassword => limits.sign_up_password_per_10s,
            Bucket::SignInFirstFactor
            | Bucket::SignInSecondFactor
            | Bucket::SignUpVerification
            | Bucket::IdentificationVerification
            | Bucket::Reverification
            | Bucket::DashboardSignIn => limits.attempts_per_10s,
        }
    }
}

pub struct RateLimits {
    /// Indexed by `Bucket as usize`.
    buckets: [DefaultKeyedRateLimiter<IpAddr>; Bucket::ALL.len()],
    sms: SmsQuotas,
    clock: DefaultClock,
    limits: Limits,
    sms_limits: SmsProtection,
    /// Where the counts live when instances share the database.
    shared: Option<Db>,
}

const TEN_SECONDS_MS: i64 = 10_000;
const HOUR_MS: i64 = 3_600_000;

/// Hourly quotas on texts sent (security.md §6): per number, per client, per
/// account, and one for the whole instance.
struct SmsQuotas {
    number: DefaultKeyedRateLimiter<String>,
    ip: DefaultKeyedRateLimiter<IpAddr>,
    account: DefaultKeyedRateLimiter<String>,
    instance: DefaultDirectRateLimiter,
}

/// Who asked for a text, for the hourly quotas.
pub struct SmsRequest<'a> {
    pub to: &'a str,
    pub ip: Option<IpAddr>,
    pub account: Option<&'a str>,
}

fn per_hour(n: u32) -> Quota {
    Quota::per_hour(NonZeroU32::new(n.max(1)).expect("positive"))
}

fn per_ten_seconds(n: u32) -> Quota {
    let n = NonZeroU32::new(n.max(1)).expect("positive");
    Quota::with_period(Duration::from_secs(10) / n.get())
        .expect("non-zero period")
        .allow_burst(n)
}

impl RateLimits {
    /// `shared`: count in this database instead of in memory.
    pub fn new(limits: &Limits, sms: &SmsProtection, shared: Option<Db>) -> Self {
        RateLimits {
            limits: limits.clone(),
            sms_limits: sms.clone(),
            shared,
            buckets: Bucket::ALL
                .map(|bucket| RateLimiter::keyed(per_ten_seconds(bucket.per_ten_seconds(limits)))),
            sms: SmsQuotas {
                number: RateLimiter::keyed(per_hour(sms.per_number_per_hour)),
                ip: RateLimiter::keyed(per_hour(sms.per_ip_per_hour)),
                account: RateLimiter::keyed(per_hour(sms.per_account_per_hour)),
                instance: RateLimiter::direct(per_hour(sms.per_hour)),
            },
            clock: DefaultClock::default(),
        }
    }

    /// Takes one from `key`'s bucket: in the database when shared, else from
    /// `memory`. `Err(seconds to wait)` when it is empty.
    async fn take(
        &self,
        key: impl FnOnce() -> String,
        limit: u32,
        period_ms: i64,
        memory: impl FnOnce() -> Result<(), governor::NotUntil<governor::clock::QuantaInstant>>,
    ) -> Result<Result<(), u64>, ApiError> {
        let wait_ms = match &self.shared {
            Some(db) => store::rate_limits::take(db, &key(), limit, period_ms)
                .await?
                .err()
                .map(|ms| ms as u64),
            None => memory()
                .err()
                .map(|not_until| not_until.wait_time_from(self.clock.now()).as_millis() as u64),
        };
        Ok(match wait_ms {
            Some(ms) => Err(ms.div_ceil(1000).max(1)),
            None => Ok(()),
        })
    }

    /// Takes one text from each hourly quota that applies, or says how long to wait.
    /// The instance-wide one is taken last and logged loudly: it is the breaker.
    pub async fn check_sms(&self, request: &SmsRequest<'_>) -> Result<(), ApiError> {
        let sms = &self.sms_limits;
        let to = request.to.to_owned();
        if let Err(wait) = self
            .take(
                || format!("sms-number:{to}"),
                sms.per_number_per_hour,
                HOUR_MS,
                || self.sms.number.check_key(&to),
            )
            .await?
        {
            tracing::warn!(to = request.to, "hourly texts to this number used up");
            return Err(ApiError::too_many_requests(wait));
        }
        if let Some(ip) = request.ip {
            let key = client_ip::limit_key(ip);
            if let Err(wait) = self
                .take(
                    || format!("sms-ip:{key}"),
                    sms.per_ip_per_hour,
                    HOUR_MS,
                    || self.sms.ip.check_key(&key),
                )
                .await?
            {
                tracing::warn!(%ip, "hourly texts for this client used up");
                return Err(ApiError::too_many_requests(wait));
            }
        }
        if let Some(account) = request.account {
            let account = account.to_owned();
            if let Err(wait) = self
                .take(
                    || format!("sms-account:{account}"),
                    sms.per_account_per_hour,
                    HOUR_MS,
                    || self.sms.account.check_key(&account),
                )
                .await?
            {
                tracing::warn!(user = account, "hourly texts for this account used up");
                return Err(ApiError::too_many_requests(wait));
            }
        }
        if let Err(wait) = self
            .take(
                || "sms-instance".to_owned(),
                sms.per_hour,
                HOUR_MS,
                || self.sms.instance.check(),
            )
            .await?
        {
            tracing::error!(
                "the instance's hourly SMS budget is used up: nothing is sent until it refills"
            );
            return Err(ApiError::too_many_requests(wait));
        }
        Ok(())
    }

    /// Takes one request from the bucket of this IP, or says how long to wait.
    pub async fn check(&self, bucket: Bucket, ip: Option<IpAddr>) -> Result<(), ApiError> {
        let Some(ip) = ip else { return Ok(()) };
        let key = client_ip::limit_key(ip);
        let taken = self
            .take(
                || format!("{bucket:?}:{key}"),
                bucket.per_ten_seconds(&self.limits),
                TEN_SECONDS_MS,
                || self.buckets[bucket as usize].check_key(&key),
            )
            .await?;
        taken.map_err(|wait| {
            tracing::warn!(%ip, ?bucket, "rate limited");
            ApiError::too_many_requests(wait)
        })
    }

    /// Forgets idle IPs so memory (or the shared table) stays bounded.
    pub async fn prune(&self) {
        if let Some(db) = &self.shared {
            if let Err(e) = store::rate_limits::prune(db).await {
                tracing::warn!(error = %e, "pruning rate limits failed");
            }
        }
        for bucket in &self.buckets {
            bucket.retain_recent();
        }
        self.sms.number.retain_recent();
        self.sms.ip.retain_recent();
        self.sms.account.retain_recent();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_sixth_sign_in_in_ten_seconds_waits() {
        let limits = RateLimits::new(&Limits::default(), &SmsProtection::default(), None);
        let ip: IpAddr = "10.0.0.1".parse().unwrap();
        for _ in 0..5 {
            limits.check(Bucket::CreateSignIn, Some(ip)).await.unwrap();
        }
        let e = limits
            .check(Bucket::CreateSignIn, Some(ip))
            .await
            .unwrap_err();
        assert_eq!(e.code, "too_many_requests");
        assert!(matches!(e.retry_after, Some(1..=2)));
        // Another action is untouched.
        for bucket in [Bucket::SignInFirstFactor, Bucket::SignInSecondFactor] {
            for _ in 0..3 {
                limits.check(bucket, Some(ip)).await.unwrap();
            }
            limits.check(bucket, Some(ip)).await.unwrap_err();
        }
        limits
            .check(Bucket::SignUpVerification, Some(ip))
            .await
            .unwrap();
        // Another IP is untouched.
        limits
            .check(Bucket::CreateSignIn, Some("10.0.0.2".parse().unwrap()))
            .await
            .unwrap();
    }

    #[tokio::test]
    async fn texts_are_counted_per_number_client_account_and_instance() {
        let sms = SmsProtection {
            per_number_per_hour: 2,
            per_ip_per_hour: 3,
            per_account_per_hour: 2,
            per_hour: 6,
            ..SmsProtection::default()
        };
        let limits = RateLimits::new(&Limits::default(), &sms, None);
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        let ask = |to: &'static str, ip: Option<IpAddr>, account: Option<&'static str>| {
            let limits = &limits;
            async move { limits.check_sms(&SmsRequest { to, ip, account }).await }
        };
        // Per number.
        ask("+15550001", None, None).await.unwrap();
        ask("+15550001", None, None).await.unwrap();
        assert_eq!(
            ask("+15550001", None, None).await.unwrap_err().code,
            "too_many_requests"
        );
        // Per client: three, then no more.
        ask("+15550002", Some(ip), None).await.unwrap();
        ask("+15550003", Some(ip), None).await.unwrap();
        ask("+15550004", Some(ip), None).await.unwrap();
        assert!(ask("+15550008", Some(ip), None).await.is_err());
        // Per account.
        ask("+15550005", None, Some("user_a")).await.unwrap();
        assert!(ask("+15550006", None, Some("user_a")).await.is_err());
        // The instance: six went through; the next is refused whoever asks.
        assert!(ask("+15550007", None, None).await.is_err());
    }
}
