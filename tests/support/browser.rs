//! Headless Chromium through chromedriver (both from Debian), or Firefox ESR (Debian) through
//! geckodriver (crates.io), driven with fantoccini.

use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Browser {
    pub client: Client,
    pub kind: Kind,
    _driver: Driver,
}

/// The WebDriver server and everything it started, alive until dropped, even when the session
/// never started (a panic in `connect` drops this too).
struct Driver {
    child: Child,
    /// The driver's and the browser's temporary folder (profiles, Chromium's scoped dirs):
    /// theirs alone, removed on drop. Killed browsers never clean up after themselves, and
    /// hundreds of runs once left 3 GB in /tmp.
    scratch: std::path::PathBuf,
}

/// Where every test browser keeps its files: under this folder of the system's temporary one,
/// so that the suite can check at its end that none is left (`xtask/run`'s `no_leftovers`).
pub const SCRATCH_PREFIX: &str = "concurrency-playground-browser-";

/// The driver's output, in its scratch folder.
const DRIVER_LOG: &str = "driver.log";

/// Where the screenshot `name` goes.
fn shot_path(name: &str) -> std::path::PathBuf {
    super::out_dir("screenshots").join(format!("{name}.png"))
}

fn scratch_dir() -> std::path::PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "{SCRATCH_PREFIX}{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).expect("a temporary folder for the browser");
    dir
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Chromium,
    Firefox,
}

/// Firefox headless, at the suite's window size; its binary from `FIREFOX_BIN` (xtask sets it).
fn firefox_caps() -> serde_json::Map<String, Value> {
    let binary = std::env::var("FIREFOX_BIN").unwrap_or_else(|_| "/usr/bin/firefox-esr".into());
    let mut caps = serde_json::Map::new();
    caps.insert(
        "moz:firefoxOptions".into(),
        json!({ "binary": binary, "args": ["-headless", "--width=1280", "--height=800"] }),
    );
    caps
}

/// Chromium as root in a container: no sandbox; no background networking (the machine's
/// network is closed and those connections only make noise).
const CHROME_ARGS: &[&str] = &[
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
    "--window-size=1280,800",
];

fn chrome_binary() -> String {
    std::env::var("CHROME_BIN").unwrap_or_else(|_| "/usr/lib/chromium/chromium".into())
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Browser {
    pub async fn start() -> Browser {
        Browser::start_with(&[]).await
    }

    /// A browser with extra command-line switches (say, a dark colour scheme).
    pub async fn start_with(extra_args: &[&str]) -> Browser {
        let args = [CHROME_ARGS, extra_args].concat();
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({ "binary": chrome_binary(), "args": args }),
        );
        caps.insert("goog:loggingPrefs".into(), json!({ "browser": "ALL" }));
        Browser::launch(Kind::Chromium, caps).await
    }

    /// Headless Firefox ESR through geckodriver.
    pub async fn firefox() -> Browser {
        Browser::launch(Kind::Firefox, firefox_caps()).await
    }

    async fn launch(kind: Kind, caps: serde_json::Map<String, Value>) -> Browser {
        let port = free_port();
        let program = match kind {
            Kind::Chromium => "chromedriver",
            Kind::Firefox => "geckodriver",
        };
        // A process group of its own: the browser it starts joins it, so a test that fails (and
        // never reaches `close`) still takes the whole browser down on drop (see `Drop`).
        let scratch = scratch_dir();
        // What the driver and its browser print (geckodriver passes on Firefox's own output: a
        // content process that crashed says so there), read back by a failure's account.
        let log = std::fs::File::create(scratch.join(DRIVER_LOG)).expect("the driver's log");
        let child = Command::new(program)
            .arg(format!("--port={port}"))
            // Chromium's profile and scoped dirs, geckodriver's Firefox profile: all in here.
            .env("TMPDIR", &scratch)
            .stdout(log.try_clone().expect("the driver's log"))
            .stderr(log)
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("{program} on PATH (xtask/run test installs it): {e}"));
        let driver = Driver { child, scratch };
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "{program} did not start");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Browser {
            client: connect(&url, caps).await,
            kind,
            _driver: driver,
        }
    }

    pub async fn goto(&self, url: &str) {
        self.client.goto(url).await.expect("navigate");
    }

    /// Polls until `css` matches an element, or panics after `secs` with a screenshot saved.
    pub async fn wait_for(&self, css: &str, secs: u64) -> fantoccini::elements::Element {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            if let Ok(el) = self.client.find(Locator::Css(css)).await {
                return el;
            }
            if Instant::now() > deadline {
                panic!(
                    "{css} did not appear within {secs} s ({})",
                    self.timeout_shot().await
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Polls a JS expression until it is truthy; returns its value.
    pub async fn wait_until(&self, expression: &str, secs: u64) -> Value {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            let v = self.eval(expression).await;
            if !v.is_null() && v != json!(false) && v != json!("") && v != json!(0) {
                return v;
            }
            if Instant::now() > deadline {
                panic!(
                    "`{expression}` stayed falsy for {secs} s ({})",
                    self.timeout_shot().await
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits for `expression` to turn truthy without polling: one script in the page checks it
    /// again on every change of the document and answers once; returns its value. For waits
    /// during a measured run: `wait_until` asks through the driver every 100 ms, CPU that a run
    /// using every core pays for (on 2 cores the 2-worker speedup read 1.67x polled from outside
    /// and 1.81x waited for this way, alternating runs, 12-03).
    pub async fn wait_quietly(&self, expression: &str, secs: u64) -> Value {
        let script = format!(
            "const done = arguments[arguments.length - 1];
             const check = () => {{ try {{ return ({expression}); }} catch (_) {{ return null; }} }};
             const now = check();
             if (now) return done(now);
             const watch = new MutationObserver(() => {{ const v = check(); if (v) {{ watch.disconnect(); done(v); }} }});
             watch.observe(document.documentElement, {{ childList: true, subtree: true, attributes: true, characterData: true }});"
        );
        let limit = |secs: u64| {
            fantoccini::wd::TimeoutConfiguration::new(Some(Duration::from_secs(secs)), None, None)
        };
        self.client
            .update_timeouts(limit(secs))
            .await
            .expect("set the script timeout");
        let answer = self.client.execute_async(&script, vec![]).await;
        // WebDriver's default, for every later script.
        self.client
            .update_timeouts(limit(30))
            .await
            .expect("reset the script timeout");
        match answer {
            Ok(v) => v,
            Err(e) => {
                panic!(
                    "`{expression}` did not turn truthy within {secs} s ({e}; {})",
                    self.timeout_shot().await
                );
            }
        }
    }

    pub async fn eval(&self, expression: &str) -> Value {
        self.client
            .execute(&format!("return ({expression});"), vec![])
            .await
            .expect("script")
    }

    /// The text of the element `css` (waited for up to 10 s); a failed read fails the test
    /// instead of reading as "".
    pub async fn text(&self, css: &str) -> String {
        self.wait_for(css, 10)
            .await
            .text()
            .await
            .unwrap_or_else(|e| panic!("the text of {css} could not be read: {e}"))
    }

    /// Clicks like a person: with the element scrolled to the middle of the screen first (at
    /// the bottom edge the sticky status line would cover it).
    pub async fn click(&self, css: &str) {
        let el = self.wait_for(css, 10).await;
        let arg = serde_json::to_value(&el).expect("element as json");
        self.client
            .execute("arguments[0].scrollIntoView({block: 'center'});", vec![arg])
            .await
            .expect("scroll");
        el.click().await.expect("click");
    }

    pub async fn screenshot(&self, name: &str) -> std::path::PathBuf {
        let _ = self.try_screenshot(name).await;
        shot_path(name)
    }

    /// A screenshot, or why there is none (a browser that shows no page cannot draw one).
    pub async fn try_screenshot(&self, name: &str) -> Result<std::path::PathBuf, String> {
        let path = shot_path(name);
        let png = self.client.screenshot().await.map_err(|e| e.to_string())?;
        std::fs::write(&path, png).map_err(|e| format!("not written: {e}"))?;
        Ok(path)
    }

    /// For a wait's panic message: where the screenshot of the page that timed out went, or why
    /// there is none.
    async fn timeout_shot(&self) -> String {
        match self.try_screenshot("timeout").await {
            Ok(path) => format!("screenshot: {}", path.display()),
            Err(why) => format!("no screenshot: {why}"),
        }
    }

    /// A picture of one element (the whole of it, even below the fold).
    pub async fn screenshot_of(&self, css: &str, name: &str) -> std::path::PathBuf {
        let path = shot_path(name);
        // Element screenshots only show what is in the viewport: grow it to the page for a moment.
        let (w, h) = self.client.get_window_size().await.expect("window size");
        let (w, h) = (w as u32, h as u32);
        let page_h = self
            .eval("document.documentElement.scrollHeight")
            .await
            .as_u64()
            .unwrap_or(800) as u32;
        self.client
            .set_window_size(w, page_h + 200)
            .await
            .expect("resize");
        let png = self
            .wait_for(css, 10)
            .await
            .screenshot()
            .await
            .expect("element screenshot");
        self.client
            .set_window_size(w, h)
            .await
            .expect("resize back");
        std::fs::write(&path, png).expect("write screenshot");
        path
    }

    /// Console messages at level SEVERE since the last call (chromedriver's log endpoint). Firefox's
    /// driver has no log endpoint: there, the page's uncaught errors and rejections (kept by
    /// `boot.js` in `window.__pageErrors`) and a fatal banner's text.
    /// A log that cannot be read fails the test: read as "no errors" it would pass every check.
    pub async fn console_errors(&self) -> Vec<String> {
        if self.kind == Kind::Firefox {
            // boot.js sets `__pageErrors` before anything else runs: missing, it did not run.
            let found = self
                .eval("window.__pageErrors && [...window.__pageErrors, ...[...document.querySelectorAll('#fatal:not([hidden])')].map(e => 'fatal: ' + e.textContent)]")
                .await;
            return serde_json::from_value(found.clone()).unwrap_or_else(|e| {
                panic!("the page's errors could not be read (boot.js keeps them in window.__pageErrors): {found} ({e})")
            });
        }
        let entries = self
            .client
            .issue_cmd(BrowserLog)
            .await
            .unwrap_or_else(|e| panic!("chromedriver's browser log could not be read: {e}"));
        let all = entries
            .as_array()
            .unwrap_or_else(|| panic!("chromedriver's browser log is not a list: {entries}"));
        all.iter()
            .filter(|e| e["level"] == "SEVERE")
            .map(|e| match e["message"].as_str() {
                Some(m) => m.to_string(),
                None => e.to_string(),
            })
            .collect()
    }

    /// The last `lines` lines the driver and its browser printed (for a failure's message).
    pub fn driver_log_tail(&self, lines: usize) -> String {
        let text =
            std::fs::read_to_string(self._driver.scratch.join(DRIVER_LOG)).unwrap_or_default();
        let all: Vec<&str> = text.lines().collect();
        all[all.len().saturating_sub(lines)..].join("\n")
    }

    pub async fn close(self) {
        let _ = self.client.clone().close().await;
        // Drop ends the driver and anything of its group that is left.
    }
}

impl Drop for Driver {
    /// Kills the driver's whole process group (the driver and every browser process it
    /// started), reaps the driver and removes their temporary folder: nothing of a test's
    /// browser outlives it, passed or failed.
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.scratch);
    }
}

/// chromedriver's (non-W3C) `POST /session/{id}/se/log` for the browser console.
#[derive(Debug)]
struct BrowserLog;

impl WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/se/log", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (
            http::Method::POST,
            Some(json!({ "type": "browser" }).to_string()),
        )
    }
}

async fn connect(url: &str, caps: serde_json::Map<String, Value>) -> Client {
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(url)
        .await
        .unwrap_or_else(|e| panic!("a browser session at {url}: {e}"))
}
