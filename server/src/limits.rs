//! Per-IP request limits (Clerk's system limits): GCRA buckets that refill evenly
//! over a 10-second window, answered with 429 and `Retry-After`.

use std::{net::IpAddr, num::NonZeroU32, time::Duration};

use governor::{
    clock::{Clock, DefaultClock},
    DefaultKeyedRateLimiter, Quota, RateLimiter,
};

use crate::{config::Limits, error::ApiError};

#[derive(Debug, Clone, Copy)]
pub enum Bucket {
    CreateSignIn,
    CreateSignUp,
    /// `attempt_first_factor`, `attempt_second_factor`, `attempt_verification`.
    Attempt,
}

pub struct RateLimits {
    create_sign_in: DefaultKeyedRateLimiter<IpAddr>,
    create_sign_up: DefaultKeyedRateLimiter<IpAddr>,
    attempt: DefaultKeyedRateLimiter<IpAddr>,
    clock: DefaultClock,
}

fn per_ten_seconds(n: u32) -> Quota {
    let n = NonZeroU32::new(n.max(1)).expect("positive");
    Quota::with_period(Duration::from_secs(10) / n.get())
        .expect("non-zero period")
        .allow_burst(n)
}

impl RateLimits {
    pub fn new(limits: &Limits) -> Self {
        RateLimits {
            create_sign_in: RateLimiter::keyed(per_ten_seconds(limits.sign_in_create_per_10s)),
            create_sign_up: RateLimiter::keyed(per_ten_seconds(limits.sign_up_create_per_10s)),
            attempt: RateLimiter::keyed(per_ten_seconds(limits.attempts_per_10s)),
            clock: DefaultClock::default(),
        }
    }

    /// Takes one request from the bucket of this IP, or says how long to wait.
    pub fn check(&self, bucket: Bucket, ip: Option<IpAddr>) -> Result<(), ApiError> {
        let Some(ip) = ip else { return Ok(()) };
        let limiter = match bucket {
            Bucket::CreateSignIn => &self.create_sign_in,
            Bucket::CreateSignUp => &self.create_sign_up,
            Bucket::Attempt => &self.attempt,
        };
        limiter.check_key(&ip).map_err(|not_until| {
            let wait = not_until.wait_time_from(self.clock.now());
            tracing::warn!(%ip, ?bucket, "rate limited");
            ApiError::too_many_requests(wait.as_secs_f64().ceil() as u64)
        })
    }

    /// Forgets idle IPs so memory stays bounded.
    pub fn prune(&self) {
        self.create_sign_in.retain_recent();
        self.create_sign_up.retain_recent();
        self.attempt.retain_recent();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sixth_sign_in_in_ten_seconds_waits() {
        let limits = RateLimits::new(&Limits::default());
        let ip: IpAddr = "10.0.0.1".parse().unwrap();
        for _ in 0..5 {
            limits.check(Bucket::CreateSignIn, Some(ip)).unwrap();
        }
        let e = limits.check(Bucket::CreateSignIn, Some(ip)).unwrap_err();
        assert_eq!(e.code, "too_many_requests");
        assert!(matches!(e.retry_after, Some(1..=2)));
        // Another IP is untouched.
        limits
            .check(Bucket::CreateSignIn, Some("10.0.0.2".parse().unwrap()))
            .unwrap();
    }
}
