//! The dashboard as an administrator's browser uses it: plain forms, a cookie,
//! the form token read from the page.

use fapi_server::config::{Admin, Settings};
use reqwest::{header, redirect::Policy, StatusCode};

use super::TestServer;

pub const ADMIN_PASSWORD: &str = "a long admin password";

/// Configures the administrator `alice` (hashed once per test binary).
pub fn with_admin(s: &mut Settings) {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    s.dashboard.admins = vec![Admin {
        name: "alice".into(),
        password_hash: HASH
            .get_or_init(|| fapi_server::passwords::hash_now(ADMIN_PASSWORD))
            .clone(),
    }];
}

/// An administrator's browser: cookies kept, redirects not followed (so that
/// tests see them).
pub struct AdminBrowser {
    pub base: String,
    pub http: reqwest::Client,
}

pub struct Page {
    pub status: StatusCode,
    pub location: Option<String>,
    pub set_cookie: Option<String>,
    pub body: String,
}

impl AdminBrowser {
    pub fn new(server: &TestServer) -> AdminBrowser {
        AdminBrowser {
            base: server.base.clone(),
            http: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(Policy::none())
                .build()
                .unwrap(),
        }
    }

    pub async fn page(&self, r: reqwest::RequestBuilder) -> Page {
        let r = r.send().await.unwrap();
        let header = |name| {
            r.headers()
                .get(name)
                .map(|v: &header::HeaderValue| v.to_str().unwrap().to_owned())
        };
        Page {
            status: r.status(),
            location: header(header::LOCATION),
            set_cookie: header(header::SET_COOKIE),
            body: r.text().await.unwrap(),
        }
    }

    pub async fn get(&self, path: &str) -> Page {
        self.page(self.http.get(format!("{}{path}", self.base)))
            .await
    }

    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> Page {
        self.page(
            self.http
                .post(format!("{}{path}", self.base))
                .header(header::ORIGIN, &self.base)
                .form(form),
        )
        .await
    }

    pub async fn sign_in(&self, name: &str, password: &str) -> Page {
        self.post(
            "/dashboard/sign-in",
            &[("name", name), ("password", password)],
        )
        .await
    }

    /// The form token on a page this administrator can see.
    pub async fn csrf(&self) -> String {
        let page = self.get("/dashboard/settings").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let at = page
            .body
            .find("name=\"csrf\" value=\"")
            .expect("a form token")
            + 19;
        page.body[at..].split('"').next().unwrap().to_owned()
    }

    /// "Apply Changes" with these fields (checkboxes: present means ticked).
    pub async fn apply(&self, fields: &[(&str, &str)]) -> Page {
        let csrf = self.csrf().await;
        let mut form = vec![("csrf", csrf.as_str())];
        form.extend_from_slice(fields);
        self.post("/dashboard/settings", &form).await
    }

    pub async fn log(&self) -> String {
        self.get("/dashboard/log").await.body
    }
}

pub async fn signed_in_admin(server: &TestServer) -> AdminBrowser {
    let admin = AdminBrowser::new(server);
    let page = admin.sign_in("alice", ADMIN_PASSWORD).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    admin
}

/// The form as the settings page first shows it on a default instance.
pub const DEFAULTS: [(&str, &str); 11] = [
    ("application_name", "Test App"),
    ("identifiers.email_address", "required"),
    ("identifiers.phone_number", "off"),
    ("identifiers.username", "off"),
    ("identifiers.first_name", "optional"),
    ("identifiers.last_name", "optional"),
    ("password.min_length", ""),
    ("second_factors.phone_code", "on"),
    ("second_factors.totp", "on"),
    ("second_factors.backup_code", "on"),
    ("passkeys.enabled", "on"),
];

pub fn form_with<'a>(changes: &[(&'a str, Option<&'a str>)]) -> Vec<(&'a str, &'a str)> {
    let mut form: Vec<(&str, &str)> = DEFAULTS.to_vec();
    for (key, value) in changes {
        form.retain(|(k, _)| k != key);
        if let Some(v) = value {
            form.push((key, v));
        }
    }
    form
}
