//! Per-IP request limits (Clerk's system limits): GCRA buckets that refill evenly
//! over a 10-second window, answered with 429 and `Retry-After`; and the hourly
//! quotas on texts and emails sent.
//!
//! Counted in memory on SQLite (one process owns the file), and in the database on
//! PostgreSQL, where several instances behind a load balancer must count a client
//! once, not once per instance (`store::rate_limits`).

use std::{
    net::{IpAddr, Ipv6Addr},
    num::NonZeroU32,
    time::Duration,
};

use governor::{
    clock::{Clock, DefaultClock},
    DefaultDirectRateLimiter, DefaultKeyedRateLimiter, Quota, RateLimiter,
};

use crate::{
    config::{EmailProtection, Limits, SmsProtection},
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
    /// Any `prepare_*`: a request for a code to be sent.
    Prepare,
}

impl Bucket {
    const ALL: [Bucket; 11] = [
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
        Bucket::Prepare,
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
            Bucket::Prepare => limits.prepare_per_10s,
        }
    }
}

pub struct RateLimits {
    /// Indexed by `Bucket as usize`.
    buckets: [DefaultKeyedRateLimiter<IpAddr>; Bucket::ALL.len()],
    sms: SendQuotas,
    email: SendQuotas,
    /// One notice per address and hour (`once_an_hour`).
    notices: DefaultKeyedRateLimiter<String>,
    clock: DefaultClock,
    limits: Limits,
    /// Where the counts live when instances share the database.
    shared: Option<Db>,
}

const TEN_SECONDS_MS: i64 = 10_000;
const HOUR_MS: i64 = 3_600_000;

/// The share of a quota that anonymous requests may use: the rest is kept for
/// sends to people who have proven something (a right password, a live session),
/// so nobody who only knows a number or an address can use up its owner's texts
/// (or the instance's) for the hour.
fn anonymous_share(n: u32) -> u32 {
    (n * 3 / 5).max(1)
}

/// How many of one channel's messages an hour, by whom (security.md §6).
#[derive(Debug, Clone, Copy)]
struct QuotaLimits {
    per_target: u32,
    per_ip: u32,
    per_account: u32,
    per_hour: u32,
}

/// Hourly quotas on what one channel sends. Each is a bucket; the anonymous ones
/// hold [`anonymous_share`] of theirs.
struct SendQuotas {
    name: &'static str,
    limits: QuotaLimits,
    target: DefaultKeyedRateLimiter<String>,
    target_anonymous: DefaultKeyedRateLimiter<String>,
    ip: DefaultKeyedRateLimiter<IpAddr>,
    /// IPv6 by /48 as well: a home /56 holds 256 /64s.
    ip_block: DefaultKeyedRateLimiter<IpAddr>,
    account: DefaultKeyedRateLimiter<String>,
    instance: DefaultDirectRateLimiter,
    instance_anonymous: DefaultDirectRateLimiter,
}

impl SendQuotas {
    fn new(name: &'static str, limits: QuotaLimits) -> Self {
        SendQuotas {
            name,
            limits,
            target: RateLimiter::keyed(per_hour(limits.per_target)),
            target_anonymous: RateLimiter::keyed(per_hour(anonymous_share(limits.per_target))),
            ip: RateLimiter::keyed(per_hour(limits.per_ip)),
            ip_block: RateLimiter::keyed(per_hour(limits.per_ip.saturating_mul(4))),
            account: RateLimiter::keyed(per_hour(limits.per_account)),
            instance: RateLimiter::direct(per_hour(limits.per_hour)),
            instance_anonymous: RateLimiter::direct(per_hour(anonymous_share(limits.per_hour))),
        }
    }

    fn retain_recent(&self) {
        self.target.retain_recent();
        self.target_anonymous.retain_recent();
        self.ip.retain_recent();
        self.ip_block.retain_recent();
        self.account.retain_recent();
    }
}

/// The channel a message goes by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendChannel {
    Sms,
    Email,
}

/// Who asked for a message, for the hourly quotas.
pub struct SendRequest<'a> {
    pub channel: SendChannel,
    /// The number or address.
    pub to: &'a str,
    pub ip: Option<IpAddr>,
    /// The account asking, once it has proven something; `None` otherwise.
    pub account: Option<&'a str>,
    /// The owner asking for a message to their own verified number or address (after
    /// a right password, or from a live session). Anyone else uses only the
    /// anonymous share.
    pub owner: bool,
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

/// The /48 of an IPv6 address; `None` for IPv4 (one address is one client).
fn block_of(ip: IpAddr) -> Option<IpAddr> {
    match client_ip::limit_key(ip) {
        IpAddr::V6(v6) => {
            let s = v6.segments();
            Some(IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], 0, 0, 0, 0, 0)))
        }
        IpAddr::V4(_) => None,
    }
}

impl RateLimits {
    /// `shared`: count in this database instead of in memory.
    pub fn new(
        limits: &Limits,
        sms: &SmsProtection,
        email: &EmailProtection,
        shared: Option<Db>,
    ) -> Self {
        RateLimits {
            limits: limits.clone(),
            shared,
            buckets: Bucket::ALL
                .map(|bucket| RateLimiter::keyed(per_ten_seconds(bucket.per_ten_seconds(limits)))),
            sms: SendQuotas::new(
                "sms",
                QuotaLimits {
                    per_target: sms.per_number_per_hour,
                    per_ip: sms.per_ip_per_hour,
                    per_account: sms.per_account_per_hour,
                    per_hour: sms.per_hour,
                },
            ),
            email: SendQuotas::new(
                "email",
                QuotaLimits {
                    per_target: email.per_address_per_hour,
                    per_ip: email.per_ip_per_hour,
                    per_account: email.per_account_per_hour,
                    per_hour: email.per_hour,
                },
            ),
            notices: RateLimiter::keyed(per_hour(1)),
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

    /// Takes one message from each hourly quota that applies, or says how long to
    /// wait. The requester's own quotas are taken first, so a request they refuse
    /// spends nothing of the number's or address's; the instance-wide one (the
    /// breaker) last, and logged loudly. Anyone but the owner takes from the anonymous
    /// share of the target's and the instance's quotas too.
    pub async fn check_send(&self, request: &SendRequest<'_>) -> Result<(), ApiError> {
        let q = match request.channel {
            SendChannel::Sms => &self.sms,
            SendChannel::Email => &self.email,
        };
        let l = q.limits;
        let name = q.name;
        let refused = |wait: u64, what: &str| {
            tracing::warn!(channel = name, to = request.to, ip = ?request.ip, "{what}");
            ApiError::too_many_requests(wait)
        };
        if let Some(ip) = request.ip {
            let key = client_ip::limit_key(ip);
            if let Err(wait) = self
                .take(
                    || format!("{name}-ip:{key}"),
                    l.per_ip,
                    HOUR_MS,
                    || q.ip.check_key(&key),
                )
                .await?
            {
                return Err(refused(wait, "hourly messages for this client used up"));
            }
            if let Some(block) = block_of(ip) {
                if let Err(wait) = self
                    .take(
                        || format!("{name}-ip-block:{block}"),
                        l.per_ip.saturating_mul(4),
                        HOUR_MS,
                        || q.ip_block.check_key(&block),
                    )
                    .await?
                {
                    return Err(refused(wait, "hourly messages for this /48 used up"));
                }
            }
        }
        let to = request.to.to_owned();
        if !request.owner {
            if let Err(wait) = self
                .take(
                    || format!("{name}-target-anonymous:{to}"),
                    anonymous_share(l.per_target),
                    HOUR_MS,
                    || q.target_anonymous.check_key(&to),
                )
                .await?
            {
                return Err(refused(
                    wait,
                    "hourly anonymous messages to this target used up",
                ));
            }
        }
        if let Err(wait) = self
            .take(
                || format!("{name}-target:{to}"),
                l.per_target,
                HOUR_MS,
                || q.target.check_key(&to),
            )
            .await?
        {
            return Err(refused(wait, "hourly messages to this target used up"));
        }
        if let Some(account) = request.account {
            let account = account.to_owned();
            if let Err(wait) = self
                .take(
                    || format!("{name}-account:{account}"),
                    l.per_account,
                    HOUR_MS,
                    || q.account.check_key(&account),
                )
                .await?
            {
                return Err(refused(wait, "hourly messages for this account used up"));
            }
        }
        if !request.owner {
            if let Err(wait) = self
                .take(
                    || format!("{name}-instance-anonymous"),
                    anonymous_share(l.per_hour),
                    HOUR_MS,
                    || q.instance_anonymous.check(),
                )
                .await?
            {
                tracing::error!(
                    channel = name,
                    "the instance's hourly budget for anonymous requests is used up: \
                     only signed-in and second-factor messages go out until it refills"
                );
                return Err(ApiError::too_many_requests(wait));
            }
        }
        if let Err(wait) = self
            .take(
                || format!("{name}-instance"),
                l.per_hour,
                HOUR_MS,
                || q.instance.check(),
            )
            .await?
        {
            tracing::error!(
                channel = name,
                "the instance's hourly budget is used up: nothing is sent until it refills"
            );
            return Err(ApiError::too_many_requests(wait));
        }
        Ok(())
    }

    /// Whether `key` (a notice to one address) may go out: once an hour.
    pub async fn once_an_hour(&self, key: &str) -> Result<bool, ApiError> {
        let owned = key.to_owned();
        Ok(self
            .take(
                || format!("notice:{owned}"),
                1,
                HOUR_MS,
                || self.notices.check_key(&owned),
            )
            .await?
            .is_ok())
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
        self.sms.retain_recent();
        self.email.retain_recent();
        self.notices.retain_recent();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_sixth_sign_in_in_ten_seconds_waits() {
        let limits = RateLimits::new(
            &Limits::default(),
            &SmsProtection::default(),
            &EmailProtection::default(),
            None,
        );
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

    fn sms_request<'a>(
        to: &'a str,
        ip: Option<IpAddr>,
        account: Option<&'a str>,
        owner: bool,
    ) -> SendRequest<'a> {
        SendRequest {
            channel: SendChannel::Sms,
            to,
            ip,
            account,
            owner,
        }
    }

    #[tokio::test]
    async fn texts_are_counted_per_number_client_and_account() {
        let sms = SmsProtection {
            per_number_per_hour: 5,
            per_ip_per_hour: 4,
            per_account_per_hour: 2,
            ..SmsProtection::default()
        };
        let limits = RateLimits::new(&Limits::default(), &sms, &EmailProtection::default(), None);
        let ask = |r: SendRequest<'static>| {
            let limits = &limits;
            async move { limits.check_send(&r).await }
        };
        // Per number: anyone gets three of its five, its owner the rest.
        for _ in 0..3 {
            ask(sms_request("+15550001", None, None, false))
                .await
                .unwrap();
        }
        let e = ask(sms_request("+15550001", None, None, false))
            .await
            .unwrap_err();
        assert_eq!(e.code, "too_many_requests");
        for _ in 0..2 {
            ask(sms_request("+15550001", None, Some("user_a"), true))
                .await
                .unwrap();
        }
        assert!(ask(sms_request("+15550001", None, Some("user_b"), true))
            .await
            .is_err());
        // Per account: user_a asked twice, so no more, to its own number or not.
        assert!(ask(sms_request("+15550002", None, Some("user_a"), true))
            .await
            .is_err());
        assert!(ask(sms_request("+15550002", None, Some("user_a"), false))
            .await
            .is_err());
        // Per client: four, then no more; a refusal there spends no number's text.
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        for to in ["+15550003", "+15550004", "+15550005", "+15550006"] {
            ask(sms_request(to, Some(ip), None, false)).await.unwrap();
        }
        assert!(ask(sms_request("+15550007", Some(ip), None, false))
            .await
            .is_err());
        for _ in 0..3 {
            ask(sms_request("+15550007", None, None, false))
                .await
                .unwrap();
        }
    }

    #[tokio::test]
    async fn the_instance_keeps_room_for_owners() {
        let sms = SmsProtection {
            per_hour: 10,
            ..SmsProtection::default()
        };
        let limits = RateLimits::new(&Limits::default(), &sms, &EmailProtection::default(), None);
        let numbers: Vec<String> = (0..20).map(|n| format!("+155500{n:02}")).collect();
        let mut anonymous = 0;
        for to in &numbers {
            if limits
                .check_send(&sms_request(to, None, None, false))
                .await
                .is_ok()
            {
                anonymous += 1;
            }
        }
        assert_eq!(anonymous, 6, "anyone may use six of the ten");
        for to in &numbers[..4] {
            limits
                .check_send(&sms_request(to, None, Some("owner"), true))
                .await
                .unwrap();
        }
        assert!(limits
            .check_send(&sms_request("+15559999", None, Some("owner2"), true))
            .await
            .is_err());
    }

    #[tokio::test]
    async fn ipv6_clients_also_share_their_48() {
        let sms = SmsProtection {
            per_ip_per_hour: 1,
            ..SmsProtection::default()
        };
        let limits = RateLimits::new(&Limits::default(), &sms, &EmailProtection::default(), None);
        let mut sent = 0;
        for subnet in 0..10u16 {
            let ip: IpAddr = format!("2001:db8:7:{subnet:x}::1").parse().unwrap();
            let to = format!("+1555001{subnet}");
            let request = SendRequest {
                channel: SendChannel::Sms,
                to: &to,
                ip: Some(ip),
                account: None,
                owner: false,
            };
            if limits.check_send(&request).await.is_ok() {
                sent += 1;
            }
        }
        assert_eq!(sent, 4, "one per /64, four per /48");
    }
}
