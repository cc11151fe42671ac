//! Codes reach real providers: a webhook, Twilio's Messages API and an SMTP relay, each
//! played by a loopback server that records what it received (the only fakes here:
//! third parties we cannot reach from a test). A request only queues its message: a
//! worker delivers it, so no answer waits for a provider, and a refused send is tried
//! again.

use crate::common;

use std::sync::{Arc, Mutex};

use axum::{
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode, Uri},
    routing::post,
    Router,
};
use common::{Browser, Mode, TestServer};
use fapi_server::config::{EmailDelivery, SmsDelivery, Smtp, SmtpTls, Twilio, Webhook};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    net::TcpListener,
};

#[derive(Clone, Debug)]
struct Recorded {
    path: String,
    headers: HeaderMap,
    body: Bytes,
}

#[derive(Clone, Default)]
struct Recorder {
    requests: Arc<Mutex<Vec<Recorded>>>,
    status: Arc<Mutex<Option<StatusCode>>>,
    /// When set, the provider answers only once a permit is added.
    hold: Arc<Mutex<Option<Arc<tokio::sync::Semaphore>>>>,
}

/// Waits (up to 10 s) until `done` holds: the worker delivers after the answer.
async fn eventually(what: &str, done: impl Fn() -> bool) {
    for _ in 0..200 {
        if done() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("not within 10 s: {what}");
}

/// An HTTP server on loopback that records every POST and answers 201 (or as told).
async fn http_fake() -> (String, Recorder) {
    let recorder = Recorder::default();
    async fn record(
        State(r): State<Recorder>,
        uri: Uri,
        headers: HeaderMap,
        body: Bytes,
    ) -> StatusCode {
        r.requests.lock().unwrap().push(Recorded {
            path: uri.path().to_owned(),
            headers,
            body,
        });
        let hold = r.hold.lock().unwrap().clone();
        if let Some(hold) = hold {
            hold.acquire().await.unwrap().forget();
        }
        r.status.lock().unwrap().unwrap_or(StatusCode::CREATED)
    }
    let app = Router::new()
        .fallback(post(record))
        .with_state(recorder.clone());
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (base, recorder)
}

/// A minimal SMTP relay on loopback that keeps each message's envelope and data.
async fn smtp_sink() -> (u16, Arc<Mutex<Vec<(Vec<String>, String)>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let mails = Arc::new(Mutex::new(Vec::new()));
    let store = mails.clone();
    tokio::spawn(async move {
        loop {
            let (socket, _) = listener.accept().await.unwrap();
            let store = store.clone();
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                write.write_all(b"220 sink ESMTP\r\n").await.unwrap();
                let mut envelope = Vec::new();
                while let Ok(Some(line)) = lines.next_line().await {
                    let upper = line.to_ascii_uppercase();
                    if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                        write
                            .write_all(b"250-sink\r\n250 8BITMIME\r\n")
                            .await
                            .unwrap();
                    } else if upper.starts_with("MAIL FROM") || upper.starts_with("RCPT TO") {
                        envelope.push(line.clone());
                        write.write_all(b"250 OK\r\n").await.unwrap();
                    } else if upper == "DATA" {
                        write.write_all(b"354 go ahead\r\n").await.unwrap();
                        let mut data = String::new();
                        while let Ok(Some(l)) = lines.next_line().await {
                            if l == "." {
                                break;
                            }
                            data.push_str(&l);
                            data.push('\n');
                        }
                        store
                            .lock()
                            .unwrap()
                            .push((std::mem::take(&mut envelope), data));
                        write.write_all(b"250 queued\r\n").await.unwrap();
                    } else if upper == "QUIT" {
                        write.write_all(b"221 bye\r\n").await.unwrap();
                        break;
                    } else {
                        write.write_all(b"250 OK\r\n").await.unwrap();
                    }
                }
            });
        }
    });
    (port, mails)
}

/// A server whose SMS go to a plain webhook at `url`.
async fn with_sms_webhook(url: &str) -> TestServer {
    let url = url.to_owned();
    TestServer::with(move |s| s.delivery.sms = SmsDelivery::Webhook(Webhook { url, secret: None }))
        .await
}

/// Signs up (test email) and asks for a code to a real (non-test) phone.
async fn send_phone_code(server: &TestServer, phone: &str) -> common::Resp {
    let b = Browser::new(&server.base, Mode::Cookie);
    b.sign_up(server, "deliver+clerk_test@example.com", "Del")
        .await;
    let v = b
        .post("/v1/me/phone_numbers", &[("phone_number", phone)])
        .await
        .ok();
    let id = v["response"]["id"].as_str().unwrap().to_owned();
    b.post(
        &format!("/v1/me/phone_numbers/{id}/prepare_verification"),
        &[("strategy", "phone_code")],
    )
    .await
}

fn digits_in(text: &str) -> String {
    text.split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn sms_goes_to_the_webhook_signed() {
    let (base, recorder) = http_fake().await;
    let server = TestServer::with(|s| {
        s.delivery.sms = SmsDelivery::Webhook(Webhook {
            url: format!("{base}/hooks/sms"),
            secret: Some("whsec_test".into()),
        })
    })
    .await;
    send_phone_code(&server, "+14155554001").await.ok();
    eventually("the webhook is called", || {
        !recorder.requests.lock().unwrap().is_empty()
    })
    .await;
    let requests = recorder.requests.lock().unwrap().clone();
    assert_eq!(requests.len(), 1);
    let r = &requests[0];
    assert_eq!(r.path, "/hooks/sms");
    let body: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(body["channel"], "sms");
    assert_eq!(body["to"], "+14155554001");
    let code = body["code"].as_str().unwrap();
    assert_eq!(code.len(), 6);
    assert!(body["body"].as_str().unwrap().contains(code));
    let mut mac = Hmac::<Sha256>::new_from_slice(b"whsec_test").unwrap();
    mac.update(&r.body);
    let expected = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
    assert_eq!(r.headers["x-fapi-signature"], expected.as_str());
}

#[tokio::test]
async fn sms_goes_through_twilio_messages_api() {
    let (base, recorder) = http_fake().await;
    let server = TestServer::with(|s| {
        s.delivery.sms = SmsDelivery::Twilio(Twilio {
            account_sid: "AC123".into(),
            auth_token: "tok".into(),
            from: Some("+15005550006".into()),
            messaging_service_sid: None,
            base_url: base.clone(),
        })
    })
    .await;
    send_phone_code(&server, "+14155554002").await.ok();
    eventually("Twilio is called", || {
        !recorder.requests.lock().unwrap().is_empty()
    })
    .await;
    let requests = recorder.requests.lock().unwrap().clone();
    assert_eq!(requests.len(), 1);
    let r = &requests[0];
    assert_eq!(r.path, "/2010-04-01/Accounts/AC123/Messages.json");
    use base64::Engine;
    let basic = base64::engine::general_purpose::STANDARD.encode("AC123:tok");
    assert_eq!(
        r.headers["authorization"],
        format!("Basic {basic}").as_str()
    );
    let form: Vec<(String, String)> = form_urlencoded::parse(&r.body).into_owned().collect();
    let get = |k: &str| {
        form.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap()
    };
    assert_eq!(get("To"), "+14155554002");
    assert_eq!(get("From"), "+15005550006");
    assert_eq!(digits_in(&get("Body")).len(), 6);
}

/// A provider that refuses is asked again (after 1 s, then longer): the request was
/// answered at once, and the code the second try carries works.
#[tokio::test]
async fn a_refused_send_is_tried_again_in_the_background() {
    let (base, recorder) = http_fake().await;
    *recorder.status.lock().unwrap() = Some(StatusCode::INTERNAL_SERVER_ERROR);
    let server = with_sms_webhook(&base).await;
    let b = Browser::new(&server.base, Mode::Cookie);
    b.sign_up(&server, "retry+clerk_test@example.com", "Re")
        .await;
    let v = b
        .post("/v1/me/phone_numbers", &[("phone_number", "+14155554003")])
        .await
        .ok();
    let id = v["response"]["id"].as_str().unwrap().to_owned();
    b.post(
        &format!("/v1/me/phone_numbers/{id}/prepare_verification"),
        &[("strategy", "phone_code")],
    )
    .await
    .ok();
    eventually("the first try", || {
        recorder.requests.lock().unwrap().len() == 1
    })
    .await;
    *recorder.status.lock().unwrap() = None;
    eventually("the second try", || {
        recorder.requests.lock().unwrap().len() == 2
    })
    .await;
    let body: serde_json::Value =
        serde_json::from_slice(&recorder.requests.lock().unwrap()[1].body).unwrap();
    let code = body["code"].as_str().unwrap().to_owned();
    let v = b
        .post(
            &format!("/v1/me/phone_numbers/{id}/attempt_verification"),
            &[("code", &code)],
        )
        .await
        .ok();
    assert_eq!(v["response"]["verification"]["status"], "verified");
    // Delivered: it is not sent a third time.
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    assert_eq!(recorder.requests.lock().unwrap().len(), 2);
}

/// No answer waits for a provider: a code for a real address used to be answered only
/// once the provider had taken it (300 ms against 11 ms for an enumeration-protection
/// decoy, which sends nothing). Here the provider holds every message until released;
/// the answers come first, and the messages then go out.
#[tokio::test]
async fn answers_do_not_wait_for_the_provider() {
    let (base, recorder) = http_fake().await;
    let hold = Arc::new(tokio::sync::Semaphore::new(0));
    *recorder.hold.lock().unwrap() = Some(hold.clone());
    let server = TestServer::with(|s| {
        s.enumeration_protection = true;
        s.delivery.email = EmailDelivery::Webhook(Webhook {
            url: format!("{base}/hooks/email"),
            secret: None,
        });
    })
    .await;
    let mut answers = Vec::new();
    for identifier in ["held@example.com", "also-held@example.com"] {
        let b = Browser::new(&server.base, Mode::Cookie);
        let r = tokio::time::timeout(
            std::time::Duration::from_secs(5),
            b.post(
                "/v1/client/sign_ups",
                &[("email_address", identifier), ("strategy", "email_code")],
            ),
        )
        .await
        .expect("answered while the provider holds the message");
        answers.push(r.status.as_u16());
    }
    assert_eq!(answers, [200, 200]);
    eventually("the provider is reached", || {
        !recorder.requests.lock().unwrap().is_empty()
    })
    .await;
    hold.add_permits(10);
    let delivered: Vec<String> = recorder
        .requests
        .lock()
        .unwrap()
        .iter()
        .map(|r| serde_json::from_slice::<serde_json::Value>(&r.body).unwrap()["to"].to_string())
        .collect();
    assert!(
        delivered.iter().any(|to| to.contains("held@example.com")),
        "{delivered:?}"
    );
}

#[tokio::test]
async fn email_goes_through_smtp() {
    let (port, mails) = smtp_sink().await;
    let server = TestServer::with(|s| {
        s.delivery.email = EmailDelivery::Smtp(Smtp {
            host: "127.0.0.1".into(),
            port: Some(port),
            tls: SmtpTls::None,
            username: None,
            password: None,
            from: "Test App <no-reply@example.com>".into(),
        })
    })
    .await;
    let b = Browser::new(&server.base, Mode::Cookie);
    let id = b.start_sign_up("mail@example.com", &[]).await;
    eventually("the mail arrives", || !mails.lock().unwrap().is_empty()).await;
    let (envelope, data) = mails.lock().unwrap()[0].clone();
    assert!(
        envelope.iter().any(|l| l.contains("<mail@example.com>")),
        "{envelope:?}"
    );
    assert!(data.contains("Subject: "));
    let code = digits_in(data.split("\n\n").nth(1).unwrap_or(&data));
    assert_eq!(code.len(), 6, "{data}");
    let v = b.finish_sign_up(&id, &code).await.ok();
    assert_eq!(v["response"]["status"], "complete");
}

#[tokio::test]
async fn test_mode_numbers_take_424242_and_send_nothing() {
    let (base, recorder) = http_fake().await;
    let server = with_sms_webhook(&base).await;
    let b = Browser::new(&server.base, Mode::Cookie);
    b.sign_up(&server, "tm+clerk_test@example.com", "Tm").await;
    let v = b
        .post(
            "/v1/me/phone_numbers",
            &[("phone_number", "+1 (201) 555-0100")],
        )
        .await
        .ok();
    assert_eq!(v["response"]["phone_number"], "+12015550100");
    let id = v["response"]["id"].as_str().unwrap().to_owned();
    b.post(
        &format!("/v1/me/phone_numbers/{id}/prepare_verification"),
        &[("strategy", "phone_code")],
    )
    .await
    .ok();
    let v = b
        .post(
            &format!("/v1/me/phone_numbers/{id}/attempt_verification"),
            &[("code", "424242")],
        )
        .await
        .ok();
    assert_eq!(v["response"]["verification"]["status"], "verified");
    assert!(
        recorder.requests.lock().unwrap().is_empty(),
        "nothing was sent"
    );
}

#[tokio::test]
async fn production_ignores_test_mode() {
    let server = TestServer::with(|s| {
        s.environment = fapi_server::config::Environment::Production;
        s.frontend_api_url = "https://clerk.example.com".into();
        s.allowed_origins = vec![common::ORIGIN.into()];
        common::production_passkeys(s);
    })
    .await;
    let b = Browser::new(&server.base, Mode::Cookie);
    let id = b.start_sign_up("prod+clerk_test@example.com", &[]).await;
    b.finish_sign_up(&id, "424242")
        .await
        .err(422, "form_code_incorrect");
}
