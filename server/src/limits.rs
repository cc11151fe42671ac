//! Per-IP request limits (Clerk's system limits): GCRA buckets that refill evenly
//! over a 10-second window, answered with 429 and `Retry-After`.

use std::{net::IpAddr, num::NonZeroU32, time::Duration};

use governor::{
    clock::{Clock, DefaultClock},
    DefaultDirectRateLimiter, DefaultKeyedRateLimiter, Quota, RateLimiter,
};

use crate::{
    config::{Limits, SmsProtection},
    error::ApiError,
    http::client_ip,
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
}

impl Bucket {
    const ALL: [Bucket; 9] = [
        Bucket::CreateSignIn,
        Bucket::CreateSignUp,
        Bucket::CreateClient,
        Bucket::SignUpPassword,
        Bucket::SignInFirstFactor,
        Bucket::SignInSecondFactor,
        Bucket::SignUpVerification,
        Bucket::IdentificationVerification,
        Bucket::Reverification,
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
            | Bucket::Reverification => limits.attempts_per_10s,
        }
    }
}

pub struct RateLimits {
    /// Indexed by `Bucket as usize`.
    buckets: [DefaultKeyedRateLimiter<IpAddr>; Bucket::ALL.len()],
    sms: SmsQuotas,
    clock: DefaultClock,
}

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
    pub fn new(limits: &Limits, sms: &SmsProtection) -> Self {
        RateLimits {
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

    /// Takes one text from each hourly quota that applies, or says how long to wait.
    /// The instance-wide one is taken last and logged loudly: it is the breaker.
    pub fn check_sms(&self, request: &SmsRequest<'_>) -> Result<(), ApiError> {
        let wait = |not_until: governor::NotUntil<_>| {
            let wait = not_until.wait_time_from(self.clock.now());
            ApiError::too_many_requests(wait.as_secs_f64().ceil() as u64)
        };
        self.sms
            .number
            .check_key(&request.to.to_owned())
            .map_err(|n| {
                tracing::warn!(to = request.to, "hourly texts to this number used up");
                wait(n)
            })?;
        if let Some(ip) = request.ip {
            self.sms
                .ip
                .check_key(&client_ip::limit_key(ip))
                .map_err(|n| {
                    tracing::warn!(%ip, "hourly texts for this client used up");
                    wait(n)
                })?;
        }
        if let Some(account) = request.account {
            self.sms
                .account
                .check_key(&account.to_owned())
                .map_err(|n| {
                    tracing::warn!(user = account, "hourly texts for this account used up");
                    wait(n)
                })?;
        }
        self.sms.instance.check().map_err(|n| {
            tracing::error!(
                "the instance's hourly SMS budget is used up: nothing is sent until it refills"
            );
            wait(n)
        })
    }

    /// Takes one request from the bucket of this IP, or says how long to wait.
    pub fn check(&self, bucket: Bucket, ip: Option<IpAddr>) -> Result<(), ApiError> {
        let Some(ip) = ip else { return Ok(()) };
        self.buckets[bucket as usize]
            .check_key(&client_ip::limit_key(ip))
            .map_err(|not_until| {
                let wait = not_until.wait_time_from(self.clock.now());
                tracing::warn!(%ip, ?bucket, "rate limited");
                ApiError::too_many_requests(wait.as_secs_f64().ceil() as u64)
            })
    }

    /// Forgets idle IPs so memory stays bounded.
    pub fn prune(&self) {
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

    #[test]
    fn the_sixth_sign_in_in_ten_seconds_waits() {
        let limits = RateLimits::new(&Limits::default(), &SmsProtection::default());
        let ip: IpAddr = "10.0.0.1".parse().unwrap();
        for _ in 0..5 {
            limits.check(Bucket::CreateSignIn, Some(ip)).unwrap();
        }
        let e = limits.check(Bucket::CreateSignIn, Some(ip)).unwrap_err();
        assert_eq!(e.code, "too_many_requests");
        assert!(matches!(e.retry_after, Some(1..=2)));
        // Another action is untouched.
        for bucket in [Bucket::SignInFirstFactor, Bucket::SignInSecondFactor] {
            for _ in 0..3 {
                limits.check(bucket, Some(ip)).unwrap();
            }
            limits.check(bucket, Some(ip)).unwrap_err();
        }
        limits.check(Bucket::SignUpVerification, Some(ip)).unwrap();
        // Another IP is untouched.
        limits
            .check(Bucket::CreateSignIn, Some("10.0.0.2".parse().unwrap()))
            .unwrap();
    }

    #[test]
    fn texts_are_counted_per_number_client_account_and_instance() {
        let sms = SmsProtection {
            per_number_per_hour: 2,
            per_ip_per_hour: 3,
            per_account_per_hour: 2,
            per_hour: 6,
            ..SmsProtection::default()
        };
        let limits = RateLimits::new(&Limits::default(), &sms);
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        let ask = |to: &str, ip: Option<IpAddr>, account: Option<&str>| {
            limits.check_sms(&SmsRequest { to, ip, account })
        };
        // Per number.
        ask("+15550001", None, None).unwrap();
        ask("+15550001", None, None).unwrap();
        assert_eq!(
            ask("+15550001", None, None).unwrap_err().code,
            "too_many_requests"
        );
        // Per client: three, then no more.
        ask("+15550002", Some(ip), None).unwrap();
        ask("+15550003", Some(ip), None).unwrap();
        ask("+15550004", Some(ip), None).unwrap();
        assert!(ask("+15550008", Some(ip), None).is_err());
        // Per account.
        ask("+15550005", None, Some("user_a")).unwrap();
        assert!(ask("+15550006", None, Some("user_a")).is_err());
        // The instance: six went through; the next is refused whoever asks.
        assert!(ask("+15550007", None, None).is_err());
    }
}
