use super::{http_client, DeliveryError, Message, SendFuture, SmsSender};
use crate::config::Twilio;

/// SMS through Twilio's Messages API (`POST /2010-04-01/Accounts/{sid}/Messages.json`).
pub struct TwilioSender {
    config: Twilio,
    http: reqwest::Client,
}

impl TwilioSender {
    pub fn new(config: Twilio) -> Result<Self, DeliveryError> {
        Ok(TwilioSender {
            config,
            http: http_client()?,
        })
    }

    async fn post(&self, message: &Message) -> Result<(), DeliveryError> {
        let url = format!(
            "{}/2010-04-01/Accounts/{}/Messages.json",
            self.config.base_url.trim_end_matches('/'),
            self.config.account_sid
        );
        let mut form = vec![("To", message.to.as_str()), ("Body", message.body.as_str())];
        if let Some(sid) = &self.config.messaging_service_sid {
            form.push(("MessagingServiceSid", sid));
        } else if let Some(from) = &self.config.from {
            form.push(("From", from));
        }
        let response = self
            .http
            .post(url)
            .basic_auth(&self.config.account_sid, Some(&self.config.auth_token))
            .form(&form)
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

impl SmsSender for TwilioSender {
    fn send_sms<'a>(&'a self, message: &'a Message) -> SendFuture<'a> {
        Box::pin(self.post(message))
    }
}
