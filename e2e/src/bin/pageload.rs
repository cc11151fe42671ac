//! `cargo xtask pageload`: how soon a sign-in form can be used after the page is
//! asked for, ours against Clerk's own, in headless Chromium.
//!
//! Each page is loaded cold (a new browser: empty cache, nothing stored) `RUNS`
//! times, on the desktop as it is and with Lighthouse's mobile profile (slow 4G:
//! 150 ms round trips, 1.6 Mbit/s down, 750 kbit/s up; the CPU 4x slower), through
//! the Chrome DevTools Protocol. "Usable" is the first frame in which the identifier
//! field is on screen and enabled; the bytes are what crossed the network until
//! then. Ours is also loaded as a returning visitor would (the HTTP cache emptied,
//! what the page stored kept), where the page starts the API's first requests itself.
//!
//! A benchmark, not a test: it prints medians and ratios and fails only when a page
//! does not come up.
//!
//! Reads `WEBDRIVER_URL`, `PAGELOAD_MINIMAL_URL`, `PAGELOAD_DEMO_URL`,
//! `PAGELOAD_CLERK_URL` (optional) and `PAGELOAD_RUNS` (default 5).

use e2e::{env, Page};
use serde_json::{json, Value};

/// Records when the identifier field is first usable, checked every frame.
const PROBE: &str = r#"
(() => {
  const usable = () => {
    const field = document.querySelector('input[name="identifier"]');
    if (!field || field.disabled) return false;
    const box = field.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && getComputedStyle(field).visibility !== "hidden";
  };
  const tick = () => {
    if (usable()) window.__usableAt = performance.now();
    else requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})();
"#;

/// Bytes that arrived before the field was usable (all same-origin: sizes visible).
const BYTES: &str = r#"
const until = window.__usableAt;
return performance.getEntriesByType("navigation")
  .concat(performance.getEntriesByType("resource"))
  .filter((e) => e.responseEnd <= until)
  .reduce((sum, e) => sum + e.transferSize, 0);
"#;

#[derive(Clone, Copy)]
enum Profile {
    Desktop,
    Mobile,
}

impl Profile {
    fn name(self) -> &'static str {
        match self {
            Profile::Desktop => "desktop, no throttling",
            Profile::Mobile => "mobile: slow 4G, CPU 4x",
        }
    }
}

struct Load {
    ms: f64,
    bytes: u64,
}

async fn cdp(page: &Page, cmd: &str, params: Value) -> Value {
    page.cdp(cmd, params).await
}

/// A browser on `url`'s origin with `profile` applied and the probe installed.
async fn browser(url: &str, profile: Profile) -> Page {
    let page = Page::at(url).await;
    cdp(&page, "Network.enable", json!({})).await;
    if let Profile::Mobile = profile {
        cdp(
            &page,
            "Network.emulateNetworkConditions",
            json!({
                "offline": false,
                "latency": 150,
                "downloadThroughput": 1638.4 * 1024.0 / 8.0,
                "uploadThroughput": 750.0 * 1024.0 / 8.0,
            }),
        )
        .await;
        cdp(
            &page,
            "Emulation.setCPUThrottlingRate",
            json!({ "rate": 4 }),
        )
        .await;
    }
    cdp(
        &page,
        "Page.addScriptToEvaluateOnNewDocument",
        json!({ "source": PROBE }),
    )
    .await;
    page
}

/// Loads `url` and waits until its form is usable.
async fn load(page: &Page, url: &str) -> Load {
    page.c.goto(url).await.unwrap();
    let started = std::time::Instant::now();
    loop {
        let at = page
            .c
            .execute("return window.__usableAt ?? null;", vec![])
            .await
            .unwrap();
        if let Some(ms) = at.as_f64() {
            let bytes = page.c.execute(BYTES, vec![]).await.unwrap();
            return Load {
                ms,
                bytes: bytes.as_u64().unwrap_or_default(),
            };
        }
        let error = page
            .c
            .execute("return window.clerkLoadError ?? null;", vec![])
            .await
            .unwrap();
        assert!(error.is_null(), "{url}: {error}");
        assert!(
            started.elapsed() < std::time::Duration::from_secs(60),
            "{url}: no usable sign-in form after 60 s"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

async fn cold(url: &str, profile: Profile) -> Load {
    let page = browser(url, profile).await;
    let result = load(&page, url).await;
    page.c.close().await.unwrap();
    result
}

/// Once to fill what the page keeps, then again with the HTTP cache emptied; with
/// `early` false, the record of the first requests is dropped in between (the page
/// then starts none: what the early start is worth, all else equal).
async fn returning(url: &str, profile: Profile, early: bool) -> Load {
    let page = browser(url, profile).await;
    load(&page, url).await;
    // Let the first visit's own requests finish and its record be written.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    if !early {
        page.c
            .execute("localStorage.removeItem('__clerk_early');", vec![])
            .await
            .unwrap();
    }
    cdp(&page, "Network.clearBrowserCache", json!({})).await;
    page.c.goto("about:blank").await.unwrap();
    let result = load(&page, url).await;
    page.c.close().await.unwrap();
    result
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

struct Row {
    what: &'static str,
    ms: f64,
    bytes: f64,
}

/// How a page is loaded: a new browser, or a returning one (with or without the
/// early start).
#[derive(Clone, Copy)]
enum Visit {
    Cold,
    Returning { early: bool },
}

async fn measure(
    what: &'static str,
    url: &str,
    profile: Profile,
    runs: usize,
    visit: Visit,
) -> Row {
    let mut ms = Vec::new();
    let mut bytes = Vec::new();
    for _ in 0..runs {
        let l = match visit {
            Visit::Cold => cold(url, profile).await,
            Visit::Returning { early } => returning(url, profile, early).await,
        };
        ms.push(l.ms);
        bytes.push(l.bytes as f64);
    }
    Row {
        what,
        ms: median(ms),
        bytes: median(bytes),
    }
}

#[tokio::main]
async fn main() {
    let runs: usize = std::env::var("PAGELOAD_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    let minimal = env("PAGELOAD_MINIMAL_URL");
    let split = env("PAGELOAD_MINIMAL_SPLIT_URL");
    let demo = env("PAGELOAD_DEMO_URL");
    let clerk = std::env::var("PAGELOAD_CLERK_URL").ok();
    println!("time until the sign-in form is usable, median of {runs} loads:");
    for profile in [Profile::Desktop, Profile::Mobile] {
        let mut rows = vec![
            measure("minimal app, cold", &minimal, profile, runs, Visit::Cold).await,
            measure(
                "  returning",
                &minimal,
                profile,
                runs,
                Visit::Returning { early: true },
            )
            .await,
            measure(
                "  returning, no early",
                &minimal,
                profile,
                runs,
                Visit::Returning { early: false },
            )
            .await,
            measure("minimal, split, cold", &split, profile, runs, Visit::Cold).await,
            measure(
                "  returning",
                &split,
                profile,
                runs,
                Visit::Returning { early: true },
            )
            .await,
            measure("demo's /sign-in, cold", &demo, profile, runs, Visit::Cold).await,
        ];
        if let Some(clerk) = &clerk {
            rows.push(measure("Clerk's page, cold", clerk, profile, runs, Visit::Cold).await);
        }
        let reference = clerk
            .as_ref()
            .map(|_| (rows.last().unwrap().ms, rows.last().unwrap().bytes));
        println!("\n{}:", profile.name());
        println!(
            "  {:<24} {:>9} {:>11} {:>7} {:>7}",
            "", "ms", "bytes", "time", "bytes"
        );
        for row in &rows {
            let (time, size) = match reference {
                Some((ms, bytes)) => (
                    format!("{:.2}x", row.ms / ms),
                    format!("{:.2}x", row.bytes / bytes),
                ),
                None => (String::new(), String::new()),
            };
            println!(
                "  {:<24} {:>9.0} {:>11.0} {:>7} {:>7}",
                row.what, row.ms, row.bytes, time, size
            );
        }
    }
}
