use std::{
    collections::VecDeque,
    sync::{Arc, Mutex},
};

use serde::Serialize;

use super::{Channel, DeliveryError, EmailSender, Kind, Message, SendFuture, SmsSender};

/// Development delivery: logs each message and keeps the latest ones for `GET /dev/outbox`.
#[derive(Clone)]
pub struct Outbox {
    entries: Arc<Mutex<VecDeque<OutboxEntry>>>,
    capacity: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct OutboxEntry {
    pub kind: Kind,
    pub channel: Channel,
    pub to: String,
    pub body: String,
    pub code: String,
    pub sent_at: i64,
}

impl Outbox {
    pub fn new(capacity: usize) -> Self {
        Outbox {
            entries: Arc::new(Mutex::new(VecDeque::with_capacity(capacity))),
            capacity,
        }
    }

    /// Newest last.
    pub fn entries(&self) -> Vec<OutboxEntry> {
        self.entries
            .lock()
            .expect("outbox lock")
            .iter()
            .cloned()
            .collect()
    }

    fn record(&self, message: &Message) -> Result<(), DeliveryError> {
        tracing::info!(
            channel = ?message.channel,
            to = %message.to,
            code = %message.code,
            "outbox: {}",
            message.body
        );
        let mut entries = self.entries.lock().expect("outbox lock");
        if entries.len() == self.capacity {
            entries.pop_front();
        }
        entries.push_back(OutboxEntry {
            kind: message.kind,
            channel: message.channel,
            to: message.to.clone(),
            body: message.body.clone(),
            code: message.code.clone(),
            sent_at: crate::ids::now_ms(),
        });
        Ok(())
    }
}

impl SmsSender for Outbox {
    fn send_sms<'a>(&'a self, message: &'a Message) -> SendFuture<'a> {
        Box::pin(async move { self.record(message) })
    }
}

impl EmailSender for Outbox {
    fn send_email<'a>(&'a self, message: &'a Message) -> SendFuture<'a> {
        Box::pin(async move { self.record(message) })
    }
}
