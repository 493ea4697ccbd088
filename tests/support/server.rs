//! A minimal static file server on loopback, so the tests control exactly what the page gets:
//! with `isolated`, the COOP/COEP pair that cross-origin isolation needs; without, none (like a
//! plain static host). It can also serve under a sub-path, refuse the service worker, and go
//! down (every connection dropped, as for a visitor who went offline). Like a host that serves
//! precompressed files, it sends `F.br` or `F.gz` (made by `xtask/run dist`) when the browser
//! accepts that encoding and the copy is there.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;

#[derive(Clone, Debug)]
pub struct Hosting {
    /// Send the COOP/COEP headers.
    pub isolated: bool,
    /// Serve the site under this path (`"/concurrency-playground"`), or at the root (`""`).
    pub prefix: &'static str,
    pub service_worker: ServiceWorker,
}

/// What the host gives for `sw.js`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServiceWorker {
    /// The build's own.
    Real,
    /// 404, as if service workers were refused.
    Refused,
    /// A worker that takes control but adds no headers (a browser where the trick fails).
    Inert,
}

pub struct StaticServer {
    pub port: u16,
    prefix: &'static str,
    down: Arc<AtomicBool>,
}

impl StaticServer {
    /// Serves `root` on 127.0.0.1 at a free port until the process exits.
    pub fn start(root: PathBuf, isolated: bool) -> StaticServer {
        StaticServer::hosting(
            root,
            Hosting {
                isolated,
                prefix: "",
                service_worker: ServiceWorker::Real,
            },
        )
    }

    pub fn hosting(root: PathBuf, hosting: Hosting) -> StaticServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let port = listener.local_addr().unwrap().port();
        let down = Arc::new(AtomicBool::new(false));
        let prefix = hosting.prefix;
        let is_down = Arc::clone(&down);
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                if is_down.load(Ordering::SeqCst) {
                    continue; // dropped unanswered: the visitor's request fails like a dead network
                }
                let (root, hosting) = (root.clone(), hosting.clone());
                thread::spawn(move || {
                    let _ = serve_one(stream, &root, &hosting);
                });
            }
        });
        StaticServer { port, prefix, down }
    }

    /// The address of `path` on this site (under its prefix).
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{}{}", self.port, self.prefix, path)
    }

    /// From now on every request fails.
    pub fn go_down(&self) {
        self.down.store(true, Ordering::SeqCst);
    }

    /// From now on requests are answered again.
    pub fn come_back(&self) {
        self.down.store(false, Ordering::SeqCst);
    }
}

const INERT_WORKER: &[u8] =
    b"self.addEventListener('activate', (e) => e.waitUntil(self.clients.claim()));\n";

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" => "text/javascript",
        "wasm" => "application/wasm",
        "css" => "text/css",
        "svg" => "image/svg+xml",
        "json" => "application/json",
        "png" => "image/png",
        _ => "application/octet-stream",
    }
}

fn serve_one(stream: TcpStream, root: &Path, hosting: &Hosting) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    // Of the headers only Accept-Encoding matters here.
    let mut accepts = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? <= 2 {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("accept-encoding")
        {
            accepts.extend(value.split(',').map(|e| {
                e.split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase()
            }));
        }
    }
    let raw_path = request_line.split_whitespace().nth(1).unwrap_or("/");
    let path = raw_path.split(['?', '#']).next().unwrap_or("/");
    let found = path
        .strip_prefix(hosting.prefix)
        .filter(|rest| rest.starts_with('/'))
        .map(|rest| {
            let relative = rest.trim_start_matches('/');
            let file = if relative.is_empty() {
                root.join("index.html")
            } else {
                root.join(relative)
            };
            let safe = !relative.split('/').any(|part| part == "..");
            let refused = hosting.service_worker == ServiceWorker::Refused && relative == "sw.js";
            (file, safe && !refused)
        });
    let inert = hosting.service_worker == ServiceWorker::Inert
        && found.as_ref().is_some_and(|(f, _)| f.ends_with("sw.js"));
    let read = |file: &Path| {
        if inert {
            Some(INERT_WORKER.to_vec())
        } else {
            std::fs::read(file).ok()
        }
    };
    let (status, body, kind, encoding) =
        match found.map(|(file, ok)| (ok.then(|| read(&file)).flatten(), file)) {
            Some((Some(body), file)) => {
                let (body, encoding) = if inert {
                    (body, None)
                } else {
                    precompressed(&file, &accepts).unwrap_or((body, None))
                };
                ("200 OK", body, content_type(&file), encoding)
            }
            _ => ("404 Not Found", b"not found".to_vec(), "text/plain", None),
        };
    let mut out = stream;
    write!(
        out,
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\nVary: Accept-Encoding\r\n",
        body.len()
    )?;
    if let Some(encoding) = encoding {
        write!(out, "Content-Encoding: {encoding}\r\n")?;
    }
    if hosting.isolated {
        write!(
            out,
            "Cross-Origin-Opener-Policy: same-origin\r\nCross-Origin-Embedder-Policy: require-corp\r\n"
        )?;
        // What `trunk serve` sends (Trunk.toml): workers get their policy from this header.
        write!(out, "Content-Security-Policy: {}\r\n", csp())?;
    }
    write!(out, "\r\n")?;
    out.write_all(&body)?;
    out.flush()
}

/// The copy of `file` compressed ahead (`xtask/precompress.mjs`) in the best encoding the browser
/// accepts, as a host serving precompressed files sends it: `F.br`, else `F.gz`, else none.
fn precompressed(file: &Path, accepts: &[String]) -> Option<(Vec<u8>, Option<&'static str>)> {
    ["br", "gzip"]
        .into_iter()
        .filter(|e| accepts.iter().any(|a| a == e))
        .find_map(|encoding| {
            let suffix = if encoding == "br" { "br" } else { "gz" };
            let mut name = file.as_os_str().to_owned();
            name.push(format!(".{suffix}"));
            std::fs::read(PathBuf::from(name))
                .ok()
                .map(|body| (body, Some(encoding)))
        })
}

/// The playground's content security policy, as index.html's meta tag states it.
fn csp() -> &'static str {
    static POLICY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    POLICY.get_or_init(|| {
        let html = include_str!("../../index.html");
        let start = html
            .find("http-equiv=\"Content-Security-Policy\" content=\"")
            .expect("index.html states its policy")
            + 46;
        html[start..].split('"').next().unwrap().to_string()
    })
}
