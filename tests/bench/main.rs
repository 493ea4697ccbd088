//! The benchmark: `cargo bench --bench bench` (or `xtask/run bench`, which builds `dist/` first).
//!
//! Runs the CPU workload natively (rayon pools of 1 and P threads) and in headless Chromium
//! (1 and P Web Workers, through the real demo page), and the concurrent-waits demo in both, then
//! prints one table of medians, speedups and browser/native ratios, plus the release bundle
//! sizes. It reports; it never fails on a number. Options: `--size K` (primes below K thousand,
//! default 3000) and `--runs N` (default 5).

#[path = "../support/mod.rs"]
mod support;

use concurrency_playground::core::stats::{median, speedup};
use concurrency_playground::demos::concurrent_waits::{self, Mode};
use concurrency_playground::demos::parallel_cpu::run_split;
use serde_json::Value;
use std::fmt::Write as _;
use support::browser::Browser;
use support::server::StaticServer;

struct Options {
    size_k: u64,
    runs: usize,
}

fn options() -> Options {
    let args: Vec<String> = std::env::args().collect();
    let value = |flag: &str, default: u64| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    Options { size_k: value("--size", 3000), runs: value("--runs", 5).clamp(1, 9) as usize }
}

/// Medians of `runs` native runs on a dedicated pool of each thread count.
fn native_cpu(limit: u64, threads: &[usize], runs: usize) -> Vec<f64> {
    threads
        .iter()
        .map(|&t| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(t).build().unwrap();
            pool.install(|| run_split(limit, t)); // warm-up
            let times: Vec<f64> = (0..runs).map(|_| pool.install(|| run_split(limit, t)).wall_ms).collect();
            median(&times).unwrap()
        })
        .collect()
}

fn native_waits(runs: usize) -> (f64, f64) {
    let m = |mode| {
        let times: Vec<f64> =
            (0..runs).map(|_| futures::executor::block_on(concurrent_waits::run(mode, 5, 200.0)).total_ms).collect();
        median(&times).unwrap()
    };
    (m(Mode::Sequential), m(Mode::Concurrent))
}

/// Runs the parallel-CPU page; returns the median wall time per thread count 1..=P.
async fn browser_cpu(browser: &Browser, server: &StaticServer, size_k: u64, runs: usize) -> Vec<f64> {
    browser.goto(&server.url(&format!("/#/parallel-cpu?size={size_k}&repeats={runs}"))).await;
    browser.wait_until(r"/^\d+ worker thread/.test(document.querySelector('[data-testid=threads]')?.textContent)", 30).await;
    browser.click("[data-testid=run]").await;
    browser.wait_for("[data-testid=results]", 600).await;
    let rows = browser.eval("[...document.querySelectorAll('tr[data-threads]')].map(r => +r.dataset.wallMs)").await;
    rows.as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect()
}

async fn browser_waits(browser: &Browser, server: &StaticServer, runs: usize) -> (f64, f64) {
    browser.goto(&server.url("/#/concurrent-waits?tasks=5&wait=200")).await;
    let (mut seq, mut con) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        browser.click("[data-testid=run]").await;
        browser.wait_until("!document.querySelector('[data-testid=results]')", 5).await;
        browser.wait_for("[data-testid=results]", 30).await;
        let total = |mode: &str| format!("+document.querySelector('tr[data-mode={mode}]').dataset.totalMs");
        seq.push(browser.eval(&total("sequential")).await.as_f64().unwrap());
        con.push(browser.eval(&total("concurrent")).await.as_f64().unwrap());
    }
    (median(&seq).unwrap(), median(&con).unwrap())
}

fn gzip_size(path: &std::path::Path) -> u64 {
    std::process::Command::new("gzip")
        .args(["-9c"])
        .arg(path)
        .output()
        .map(|o| o.stdout.len() as u64)
        .unwrap_or(0)
}

fn bundle_sizes() -> Vec<(String, u64, u64)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(support::dist_dir()).unwrap().flatten() {
        let path = entry.path();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_string();
        if ext == "wasm" || ext == "js" {
            out.push((format!(".{ext}"), entry.metadata().unwrap().len(), gzip_size(&path)));
        }
    }
    out.sort();
    out
}

#[tokio::main]
async fn main() {
    let opts = options();
    let limit = opts.size_k * 1000;
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    eprintln!("benchmark: primes below {limit}, {} runs each, {cores} cores", opts.runs);

    let server = StaticServer::start(support::dist_dir(), true);
    let browser = Browser::start().await;
    eprintln!("browser: CPU work on 1..P workers");
    let web_cpu = browser_cpu(&browser, &server, opts.size_k, opts.runs).await;
    eprintln!("browser: concurrent waits");
    let web_waits = browser_waits(&browser, &server, opts.runs.min(3)).await;
    let browser_name: Value = browser.eval("navigator.userAgent.match(/Chrom(e|ium)\\/[\\d.]+/)?.[0]").await;
    browser.close().await;

    let threads: Vec<usize> = (1..=web_cpu.len()).collect();
    eprintln!("native: CPU work on 1..P threads");
    let native = native_cpu(limit, &threads, opts.runs);
    eprintln!("native: concurrent waits");
    let native_waits = native_waits(opts.runs.min(3));

    let mut table = String::new();
    let _ = writeln!(table, "\nCPU work: primes below {limit} (median of {} runs, ms)", opts.runs);
    let _ = writeln!(table, "{:<10} {:>10} {:>9} {:>10} {:>9} {:>14}", "threads", "native", "speedup", "browser", "speedup", "browser/native");
    for (i, t) in threads.iter().enumerate() {
        let _ = writeln!(table, "{:<10} {:>10.1} {:>8.2}x {:>10.1} {:>8.2}x {:>13.2}x", t, native[i],
            speedup(native[0], native[i]), web_cpu[i], speedup(web_cpu[0], web_cpu[i]), web_cpu[i] / native[i]);
    }
    let _ = writeln!(table, "\nConcurrent waits: 5 tasks x 200 ms (median, ms)");
    let _ = writeln!(table, "{:<10} {:>10} {:>10}", "awaited", "native", "browser");
    let _ = writeln!(table, "{:<10} {:>10.1} {:>10.1}", "one by one", native_waits.0, web_waits.0);
    let _ = writeln!(table, "{:<10} {:>10.1} {:>10.1}", "joined", native_waits.1, web_waits.1);
    let _ = writeln!(table, "\nRelease bundle (dist/)");
    let _ = writeln!(table, "{:<10} {:>10} {:>10}", "file", "raw KB", "gzip KB");
    for (kind, raw, gz) in bundle_sizes() {
        let _ = writeln!(table, "{:<10} {:>10.1} {:>10.1}", kind, raw as f64 / 1024.0, gz as f64 / 1024.0);
    }
    let _ = writeln!(table, "\nmachine: {cores} cores; browser: {}", browser_name.as_str().unwrap_or("?"));
    print!("{table}");
    let report = support::out_dir("bench").join("report.txt");
    std::fs::write(&report, &table).expect("write report");
    eprintln!("written to {}", report.display());
}
