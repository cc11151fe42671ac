use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::{http_client, DeliveryError, EmailSender, Message, SendFuture, SmsSender};
use crate::config::Webhook;

/// POSTs `{kind, channel, to, subject, body, code}` as JSON to your endpoint. With a secret,
/// `X-Fapi-Signature: sha256=<hex HMAC of the body>` lets the endpoint trust it.
pub struct WebhookSender {
    config: Webhook,
    http: reqwest::Client,
}

impl WebhookSender {
    pub fn new(config: Webhook) -> Result<Self, DeliveryError> {
        Ok(WebhookSender {
            config,
            http: http_client()?,
        })
    }

    async fn post(&self, message: &Message) -> Result<(), DeliveryError> {
        let body = serde_json::to_vec(message).expect("message serialises");
        let mut request = self
            .http
            .post(&self.config.url)
            .header("content-type", "application/json");
        if let Some(secret) = &self.config.secret {
            let mut mac =
                Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
            mac.update(&body);
            request = request.header(
                "x-fapi-signature",
                format!("sha256={}", hex::encode(mac.finalize().into_bytes())),
            );
        }
        let response = request
            .body(body)
            .send()
            .await
            .map_err(|e| DeliveryError::Transport(e.to_string()))?;
        let status = response.status();
        if status.is_success() {
            Ok(())
        } else {
            Err(DeliveryError::Rejected {
                status: status.as_u16(),
                body: response.text().await.unwrap_or_default(),
            })
        }
    }
}

impl SmsSender for WebhookSender {
    fn send_sms<'a>(&'a self, message: &'a Message) -> SendFuture<'a> {
        Box::pin(self.post(message))
    }
}

impl EmailSender for WebhookSender {
    fn send_email<'a>(&'a self, message: &'a Message) -> SendFuture<'a> {
        Box::pin(self.post(message))
    }
}
