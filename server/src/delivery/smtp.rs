use lettre::{
    message::header::ContentType, transport::smtp::authentication::Credentials, AsyncSmtpTransport,
    AsyncTransport, Tokio1Executor,
};

use super::{DeliveryError, EmailSender, Message, SendFuture};
use crate::config::{Smtp, SmtpTls};

/// Email through any SMTP relay.
pub struct SmtpSender {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: lettre::message::Mailbox,
}

impl SmtpSender {
    pub fn new(config: Smtp) -> Result<Self, DeliveryError> {
        let transport_err =
            |e: lettre::transport::smtp::Error| DeliveryError::Transport(e.to_string());
        let mut builder = match config.tls {
            SmtpTls::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&config.host)
                .map_err(transport_err)?,
            SmtpTls::Tls => {
                AsyncSmtpTransport::<Tokio1Executor>::relay(&config.host).map_err(transport_err)?
            }
            SmtpTls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&config.host),
        };
        if let Some(port) = config.port {
            builder = builder.port(port);
        }
        if let (Some(user), Some(password)) = (config.username, config.password) {
            builder = builder.credentials(Credentials::new(user, password));
        }
        let from = config
            .from
            .parse()
            .map_err(|e| DeliveryError::Transport(format!("smtp from address: {e}")))?;
        Ok(SmtpSender {
            transport: builder.build(),
            from,
        })
    }

    async fn deliver(&self, message: &Message) -> Result<(), DeliveryError> {
        let to = message
            .to
            .parse()
            .map_err(|e| DeliveryError::Transport(format!("recipient: {e}")))?;
        let email = lettre::Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(&message.subject)
            .header(ContentType::TEXT_PLAIN)
            .body(message.body.clone())
            .map_err(|e| DeliveryError::Transport(e.to_string()))?;
        self.transport
            .send(email)
            .await
            .map(|_| ())
            .map_err(|e| DeliveryError::Transport(e.to_string()))
    }
}

impl EmailSender for SmtpSender {
    fn send_email<'a>(&'a self, message: &'a Message) -> SendFuture<'a> {
        Box::pin(self.deliver(message))
    }
}
