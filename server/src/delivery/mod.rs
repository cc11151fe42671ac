//! Delivery of codes, one trait per channel, so a provider is a small adapter.
//!
//! Test-mode identifiers never reach a provider: their code is fixed and nothing is sent.

mod outbox;
mod smtp;
mod twilio;
mod webhook;

use std::{future::Future, pin::Pin, sync::Arc};

use serde::{Deserialize, Serialize};

pub use outbox::{Outbox, OutboxEntry};
pub use smtp::SmtpSender;
pub use twilio::TwilioSender;
pub use webhook::WebhookSender;

use crate::config::{EmailDelivery, Settings, SmsDelivery};

pub type SendFuture<'a> = Pin<Box<dyn Future<Output = Result<(), DeliveryError>> + Send + 'a>>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    Sms,
    Email,
}

/// What a message is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Carries a verification code.
    Code,
    /// Tells the owner about a change to their account (no code: `code` is empty).
    Notice,
}

/// One message: a code, or a notice to the owner.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Message {
    pub kind: Kind,
    pub channel: Channel,
    pub to: String,
    pub subject: String,
    pub body: String,
    pub code: String,
}

#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    #[error("provider answered {status}: {body}")]
    Rejected { status: u16, body: String },
    #[error("provider unreachable: {0}")]
    Transport(String),
}

/// Sends text messages.
pub trait SmsSender: Send + Sync {
    fn send_sms<'a>(&'a self, message: &'a Message) -> SendFuture<'a>;
}

/// Sends emails.
pub trait EmailSender: Send + Sync {
    fn send_email<'a>(&'a self, message: &'a Message) -> SendFuture<'a>;
}

/// The configured senders plus the development outbox.
#[derive(Clone)]
pub struct Delivery {
    pub sms: Arc<dyn SmsSender>,
    pub email: Arc<dyn EmailSender>,
    pub outbox: Outbox,
    /// Which channels go to the in-memory outbox (development): nothing to wait for.
    in_memory: [bool; 2],
}

impl Delivery {
    pub fn from_settings(settings: &Settings) -> Result<Delivery, DeliveryError> {
        let outbox = Outbox::new(100);
        let sms: Arc<dyn SmsSender> = match &settings.delivery.sms {
            SmsDelivery::Outbox => Arc::new(outbox.clone()),
            SmsDelivery::Webhook(w) => Arc::new(WebhookSender::new(w.clone())?),
            SmsDelivery::Twilio(t) => Arc::new(TwilioSender::new(t.clone())?),
        };
        let email: Arc<dyn EmailSender> = match &settings.delivery.email {
            EmailDelivery::Outbox => Arc::new(outbox.clone()),
            EmailDelivery::Webhook(w) => Arc::new(WebhookSender::new(w.clone())?),
            EmailDelivery::Smtp(s) => Arc::new(SmtpSender::new(s.clone())?),
        };
        let in_memory = [
            matches!(settings.delivery.sms, SmsDelivery::Outbox),
            matches!(settings.delivery.email, EmailDelivery::Outbox),
        ];
        Ok(Delivery {
            sms,
            email,
            outbox,
            in_memory,
        })
    }

    /// Whether `channel` delivers to the development outbox, in memory and at once
    /// (no provider's time to keep out of a request).
    pub fn is_in_memory(&self, channel: Channel) -> bool {
        match channel {
            Channel::Sms => self.in_memory[0],
            Channel::Email => self.in_memory[1],
        }
    }

    pub async fn send(&self, message: &Message) -> Result<(), DeliveryError> {
        match message.channel {
            Channel::Sms => self.sms.send_sms(message).await,
            Channel::Email => self.email.send_email(message).await,
        }
    }
}

/// What a code is for, as its message says: a code that resets a password must not
/// read like a routine sign-in code, so an owner who did not ask knows what is at stake.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Verify,
    ResetPassword,
    /// Opens or completes an account recovery (`flows::account_recovery`).
    Recovery,
}

impl Purpose {
    /// The purpose of a code sent for `strategy`.
    pub fn of(strategy: &str) -> Purpose {
        if strategy.starts_with("reset_password_") {
            Purpose::ResetPassword
        } else if strategy == "recovery_email_code" {
            Purpose::Recovery
        } else {
            Purpose::Verify
        }
    }
}

/// The text of a code message.
pub fn compose(channel: Channel, app: &str, to: &str, code: &str, purpose: Purpose) -> Message {
    let (body, subject) = match (channel, purpose) {
        (Channel::Sms, Purpose::Verify) => (
            format!("{code} is your {app} verification code. It expires in 10 minutes. Never share it."),
            format!("{code} is your {app} verification code"),
        ),
        (Channel::Email, Purpose::Verify) => (
            format!(
                "Your {app} verification code is {code}.\n\nIt expires in 10 minutes. If you did not ask for it, you can ignore this email; never share the code with anyone."
            ),
            format!("{code} is your {app} verification code"),
        ),
        (Channel::Sms, Purpose::ResetPassword) => (
            format!("{code} is your {app} password reset code. It expires in 10 minutes. Never share it."),
            format!("{code} is your {app} password reset code"),
        ),
        (Channel::Email, Purpose::Recovery) => (
            format!(
                "Someone signed in with your {app} password and said they lost access to their two-step verification. Your account recovery code is {code}.\n\nIt expires in 10 minutes. If it was not you, do not share it: whoever asked knows your password, so change it now."
            ),
            format!("{code} is your {app} account recovery code"),
        ),
        // Recovery codes only go by email.
        (Channel::Sms, Purpose::Recovery) => (
            format!("{code} is your {app} account recovery code. Never share it."),
            format!("{code} is your {app} account recovery code"),
        ),
        (Channel::Email, Purpose::ResetPassword) => (
            format!(
                "Someone asked to reset the password of your {app} account. Your password reset code is {code}.\n\nIt expires in 10 minutes. If you did not ask for it, ignore this email: your password stays as it is. Never share the code with anyone."
            ),
            format!("{code} is your {app} password reset code"),
        ),
    };
    Message {
        kind: Kind::Code,
        channel,
        to: to.to_owned(),
        subject,
        body,
        code: code.to_owned(),
    }
}

pub(crate) fn http_client() -> Result<reqwest::Client, DeliveryError> {
    reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(10))
        .build()
        .map_err(|e| DeliveryError::Transport(e.to_string()))
}
