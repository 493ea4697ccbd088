//! The benchmark: `cargo bench --bench bench` (or `xtask/run bench`, which builds `dist/` first).
//!
//! Runs the CPU workload natively (rayon pools of 1 and P threads) and in headless Chromium
//! (1 and P Web Workers, through the real demo page), and the concurrent-waits demo in both, then
//! prints one table of medians, speedups (run by run) and browser/native ratios, plus the release bundle
//! sizes. Then the compare page's matrix (one CPU-bound and one I/O-bound job under every model)
//! natively and in the browser, with the browser/native ratio per model, also written as
//! `target/bench/matrix.json` and `target/bench/matrix.svg`. It reports; it never fails on a
//! number. Options: `--size K` (primes below K thousand, default 3000), `--runs N` (default 5),
//! `--tasks T`, `--n M` (compute(M million) per CPU task) and `--wait MS` for the matrix;
//! `--firefox` measures in headless Firefox ESR instead of Chromium. Every browser column is
//! headed with the browser's name and version.

#[path = "../support/mod.rs"]
mod support;

use concurrency_playground::core::stats::{self, impossible_speedup, median, Reading};
use concurrency_playground::demos::concurrent_waits;
use concurrency_playground::demos::parallel_cpu::run_split;
use serde_json::Value;
use std::fmt::Write as _;
use concurrency_playground::demos::compare::matrix::{self, Variant, Work, Workload};
use concurrency_playground::core::sync::cancel_signal;
use support::browser::Browser;
use support::server::StaticServer;

struct Options {
    size_k: u64,
    runs: usize,
    tasks: usize,
    n_millions: u64,
    wait_ms: u64,
    firefox: bool,
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
    Options {
        size_k: value("--size", 3000),
        runs: value("--runs", 5).clamp(1, 9) as usize,
        tasks: value("--tasks", 8).clamp(1, 64) as usize,
        n_millions: value("--n", 100).clamp(1, 500),
        wait_ms: value("--wait", 100).clamp(1, 2000),
        firefox: args.iter().any(|a| a == "--firefox"),
    }
}

/// `runs` native runs on a dedicated pool of each thread count, after a warm-up run on each;
/// round by round, every thread count in each round, as the page does (parallel_cpu's view): a
/// machine whose pace drifts then slows every thread count alike.
fn native_cpu(limit: u64, threads: &[usize], runs: usize) -> Vec<Timing> {
    let pools: Vec<rayon::ThreadPool> = threads.iter().map(|&t| rayon::ThreadPoolBuilder::new().num_threads(t).build().unwrap()).collect();
    for (pool, &t) in pools.iter().zip(threads) {
        pool.install(|| run_split(limit, t)); // warm-up
    }
    let mut times: Vec<Vec<f64>> = vec![Vec::with_capacity(runs); threads.len()];
    for _ in 0..runs {
        for ((pool, &t), times) in pools.iter().zip(threads).zip(&mut times) {
            times.push(pool.install(|| run_split(limit, t)).wall_ms);
        }
    }
    times.into_iter().map(Timing::of).collect()
}

/// One figure's runs, in the order they ran, with their median and spread. Speedups are read run
/// by run (`stats::paired_speedup`, as the pages do; why, there). Reading each figure's fastest
/// run instead did no better on this machine kind: natively, over 12 rounds, the cooperative
/// loop's fastest run beat sequential's by 15%, which one lane cannot (12-03).
#[derive(Clone)]
struct Timing {
    runs: Vec<f64>,
    median: f64,
    /// (slowest - fastest) / median.
    spread: f64,
}

impl Timing {
    fn of(runs: Vec<f64>) -> Timing {
        Timing { median: median(&runs).unwrap_or(f64::NAN), spread: spread(&runs), runs }
    }

    fn unknown() -> Timing {
        Timing::of(Vec::new())
    }
}

/// The median of the runs' own speedups: run i of `new` against run i of `base`.
fn paired_speedup(base: &Timing, new: &Timing) -> f64 {
    stats::paired_speedup(&base.runs, &new.runs).unwrap_or(f64::NAN)
}

/// How far the runs lie apart: (slowest - fastest) / median. Over `NOISY_SPREAD` the median is
/// not to be trusted: something else ran on the machine meanwhile.
fn spread(times: &[f64]) -> f64 {
    let (lo, hi) = times.iter().fold((f64::INFINITY, 0.0f64), |(lo, hi), t| (lo.min(*t), hi.max(*t)));
    (hi - lo) / median(times).unwrap_or(f64::NAN)
}

const NOISY_SPREAD: f64 = 0.15;

/// The machine's own speed: one thread, one fixed loop (compute(100M)), the fastest of three, in
/// ms. Taken between the phases, because the browser's figures and the native ones are measured
/// minutes apart, and on this machine kind (a 2-vCPU VM) the very same loop on the very same
/// thread, with nothing else running and no steal time reported, took 123-222 ms for four
/// compute(100M) from one second to the next (12-03): the host, not the code, sets the pace. A
/// browser/native ratio holds only as far as the machine held still between its two figures.
fn machine_speed() -> f64 {
    use concurrency_playground::core::process::sum_to;
    (0..3)
        .map(|_| {
            let t = std::time::Instant::now();
            std::hint::black_box(sum_to(std::hint::black_box(100_000_000)));
            t.elapsed().as_secs_f64() * 1000.0
        })
        .fold(f64::INFINITY, f64::min)
}

/// The probes' drift: (slowest - fastest) / fastest.
fn drift(probes: &[(&str, f64)]) -> f64 {
    let (lo, hi) = probes.iter().fold((f64::INFINITY, 0.0f64), |(lo, hi), p| (lo.min(p.1), hi.max(p.1)));
    (hi - lo) / lo
}

/// One row's note column: the native and the browser notes, each named, and the machine's drift when
/// it moved (every ratio of the run is read across it), the empty ones left out.
fn notes(native: String, browser: String, drifted: Option<&str>) -> String {
    [("native ", native), ("browser ", browser), ("", drifted.unwrap_or_default().to_string())]
        .into_iter()
        .filter(|(_, n)| !n.is_empty())
        .map(|(w, n)| format!("{w}{n}"))
        .collect::<Vec<_>>()
        .join("; ")
}

/// What the note column says of a figure: a speedup physics forbids, or runs too far apart.
fn note(speedup: f64, lanes: usize, spread: Option<f64>) -> String {
    let mut notes = Vec::new();
    if impossible_speedup(speedup, lanes) {
        notes.push(format!("NOISE: above {lanes} lane{}", if lanes == 1 { "" } else { "s" }));
    }
    if let Some(s) = spread.filter(|s| *s > NOISY_SPREAD) {
        notes.push(format!("spread {:.0}%", s * 100.0));
    }
    notes.join(", ")
}

fn native_waits(runs: usize) -> (f64, f64) {
    let m = |mode| {
        let times: Vec<f64> =
            (0..runs).map(|_| futures::executor::block_on(concurrent_waits::run(mode, 5, 200.0)).total_ms).collect();
        median(&times).unwrap()
    };
    (m(concurrent_waits::Variant::Sequential), m(concurrent_waits::Variant::Concurrent))
}

/// Runs the parallel-CPU page; returns each thread count's runs (1..=P), round by round, as the page lists them.
async fn browser_cpu(browser: &Browser, server: &StaticServer, size_k: u64, runs: usize) -> Vec<Timing> {
    browser.goto(&server.url(&format!("/#/parallel-cpu?size={size_k}&repeats={runs}"))).await;
    support::wait_for_threads(browser, 30).await;
    assert_eq!(browser.eval(support::REFUSE_DEBUG).await, true, "a debug build: the benchmark measures only the optimised one");
    browser.click("[data-testid=run]").await;
    browser.wait_quietly("document.querySelector('[data-testid=results]')", 600).await;
    let rows = browser.eval("[...document.querySelectorAll('tr[data-threads]')].map(r => r.dataset.runsMs.split(' ').map(Number))").await;
    let runs = |row: &Value| row.as_array().unwrap().iter().map(|v| v.as_f64().expect("a time on the page")).collect();
    rows.as_array().unwrap().iter().map(|row| Timing::of(runs(row))).collect()
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

/// One (workload, model) cell of the matrix: its wall times, natively and in the browser.
struct Cell {
    work: Work,
    model: Variant,
    native: Timing,
    browser: Timing,
}

fn workloads(o: &Options) -> [Workload; 2] {
    [
        Workload { work: Work::Cpu, tasks: o.tasks, n: o.n_millions * 1_000_000, wait_ms: 0.0 },
        Workload { work: Work::Io, tasks: o.tasks, n: 0, wait_ms: o.wait_ms as f64 },
    ]
}

/// The matrix natively (std threads; "processes" are thread-isolated workers), `runs` times
/// through `matrix::run_all`, the very protocol of the compare page: each cell's runs.
fn native_matrix(o: &Options, lanes: usize, runs: usize) -> Vec<(Work, Variant, Timing)> {
    use futures::executor::block_on;
    let [cpu, io] = workloads(o);
    let mut samples: Vec<(Work, Variant, Vec<f64>)> = Vec::new();
    for _ in 0..runs {
        let (_, never) = cancel_signal(); // a dropped sender: never cancelled
        let on_cell = |(work, model, outcome): matrix::Cell| {
            // Each cell's runs go to its own sample list; their spread is reported beside it.
            let ms = outcome.expect("a native run").wall_ms;
            match samples.iter_mut().find(|s| s.0 == work && s.1 == model) {
                Some(s) => s.2.push(ms),
                None => samples.push((work, model, vec![ms])),
            }
        };
        block_on(matrix::run_all(cpu, io, lanes, true, |_| {}, on_cell, never)).expect("the native matrix");
    }
    samples.into_iter().map(|(w, m, v)| (w, m, Timing::of(v))).collect()
}

/// The compare page's matrix, run `runs` times from the UI: each cell's runs.
async fn browser_matrix(browser: &Browser, server: &StaticServer, o: &Options, runs: usize) -> Vec<(Work, Variant, Timing)> {
    browser.goto(&server.url(&format!("/#/compare?tasks={}&n={}&wait={}", o.tasks, o.n_millions, o.wait_ms))).await;
    support::wait_for_threads(browser, 30).await;
    let mut samples: Vec<(Work, Variant, Vec<f64>)> = Vec::new();
    for _ in 0..runs {
        browser.click("[data-testid=run]").await;
        browser.wait_until("document.querySelector('[data-testid=run]').disabled", 10).await;
        browser.wait_quietly("!document.querySelector('[data-testid=run]').disabled", 600).await;
        for w in [Work::Cpu, Work::Io] {
            for model in Variant::ALL {
                let ms = browser
                    .eval(&format!("+document.querySelector('ul.bars[data-work={w:?}] li[data-model={model:?}]')?.dataset.wallMs"))
                    .await
                    .as_f64()
                    .unwrap_or(f64::NAN);
                match samples.iter_mut().find(|s| s.0 == w && s.1 == model) {
                    Some(s) => s.2.push(ms),
                    None => samples.push((w, model, vec![ms])),
                }
            }
        }
    }
    samples.into_iter().map(|(w, m, v)| (w, m, Timing::of(v))).collect()
}

/// The matrix as a chart: per workload, a pair of bars (native, browser) for every model.
fn matrix_svg(cells: &[Cell], title: &str) -> String {
    const W: f64 = 760.0;
    const LABEL: f64 = 230.0;
    const BAR: f64 = 11.0;
    const ROW: f64 = 30.0;
    let mut y = 56.0;
    let mut body = String::new();
    for work in [Work::Cpu, Work::Io] {
        let row_cells: Vec<&Cell> = cells.iter().filter(|c| c.work == work).collect();
        let longest = row_cells.iter().flat_map(|c| [c.native.median, c.browser.median]).filter(|v| v.is_finite()).fold(1e-3, f64::max);
        let scale = |v: f64| if v.is_finite() { v / longest * (W - LABEL - 90.0) } else { 0.0 };
        let _ = write!(body, r#"<text x="8" y="{y}" font-weight="bold">{} job</text>"#, work.title());
        y += 14.0;
        for c in row_cells {
            let _ = write!(body, r#"<text x="8" y="{}">{}</text>"#, y + BAR + 2.0, c.model.title());
            for (i, (v, fill)) in [(c.native.median, "#1d8a5f"), (c.browser.median, "#2f6fd8")].into_iter().enumerate() {
                let top = y + i as f64 * BAR;
                let _ = write!(body, r#"<rect x="{LABEL}" y="{top}" width="{:.1}" height="{}" fill="{fill}"/><text x="{:.1}" y="{:.1}" font-size="10">{:.0} ms</text>"#,
                    scale(v), BAR - 1.0, LABEL + scale(v) + 4.0, top + BAR - 2.0, v);
            }
            y += ROW;
        }
        y += 16.0;
    }
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{y}" font-family="sans-serif" font-size="12"><rect width="100%" height="100%" fill="#fff"/><text x="8" y="18" font-size="14">{title}</text><rect x="{LABEL}" y="26" width="10" height="8" fill="#1d8a5f"/><text x="{}" y="34">native</text><rect x="{}" y="26" width="10" height="8" fill="#2f6fd8"/><text x="{}" y="34">browser</text>{body}</svg>"##,
        LABEL + 14.0, LABEL + 70.0, LABEL + 84.0
    )
}

fn gzip_size(path: &std::path::Path) -> u64 {
    std::process::Command::new("gzip")
        .args(["-9c"])
        .arg(path)
        .output()
        .map(|o| o.stdout.len() as u64)
        .unwrap_or(0)
}

/// The bundle's wasm and js files: raw, gzip -9 and brotli (its .br beside it; raw without one).
fn bundle_sizes() -> Vec<(String, u64, u64, u64)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(support::dist_dir()).unwrap().flatten() {
        let path = entry.path();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_string();
        if ext == "wasm" || ext == "js" {
            let raw = entry.metadata().unwrap().len();
            let br = std::fs::metadata(format!("{}.br", path.display())).map_or(raw, |m| m.len());
            out.push((format!(".{ext}"), raw, gzip_size(&path), br));
        }
    }
    out.sort();
    out
}

/// What a first visit costs, in a fresh browser profile (nothing cached) opening the home page:
/// navigation -> first contentful paint, -> the wasm started, -> the worker pool ready (ms); the
/// bytes the server sent for everything the visit loaded (the browser's own count, the server
/// serving the build's .br files as a host of precompressed files does), and what the same files
/// weigh gzipped at -9 (a host that compresses but has no .br files).
struct FirstVisit {
    paint_ms: f64,
    wasm_ms: f64,
    pool_ms: f64,
    lanes_ms: f64,
    sent_kb: f64,
    gzip_kb: f64,
    files: Vec<String>,
}

async fn open_browser(firefox: bool) -> Browser {
    if firefox { Browser::firefox().await } else { Browser::start().await }
}

async fn first_visit(server: &StaticServer, firefox: bool) -> FirstVisit {
    let browser = open_browser(firefox).await;
    browser.goto(&server.url("/")).await;
    let marks = browser
        .wait_until(
            "performance.getEntriesByName('lanes-ready').length && {
                paint: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
                wasm: performance.getEntriesByName('wasm-started')[0].startTime,
                pool: performance.getEntriesByName('pool-ready')[0].startTime,
                lanes: performance.getEntriesByName('lanes-ready')[0].startTime,
                urls: [location.href, ...performance.getEntriesByType('resource').map(e => e.name)],
                sent: [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]
                    .reduce((sum, e) => sum + e.encodedBodySize, 0) }",
            60,
        )
        .await;
    browser.close().await;
    let root = server.url("/");
    let mut files: Vec<String> = marks["urls"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|u| u.as_str()?.strip_prefix(root.as_str()).map(|p| p.split(['#', '?']).next().unwrap_or("").to_string()))
        .map(|p| if p.is_empty() { "index.html".to_string() } else { p })
        .collect();
    files.sort();
    files.dedup();
    let dist = support::dist_dir();
    let bytes: u64 = files.iter().map(|f| gzip_size(&dist.join(f))).sum();
    let ms = |k: &str| marks[k].as_f64().unwrap_or(f64::NAN);
    FirstVisit { paint_ms: ms("paint"), wasm_ms: ms("wasm"), pool_ms: ms("pool"), lanes_ms: ms("lanes"), sent_kb: ms("sent") / 1024.0, gzip_kb: bytes as f64 / 1024.0, files }
}

/// The longest main-thread holds over one run of every demo page (default knobs) except those
/// that freeze the page on purpose: (longest single task, None where the browser reports no long
/// tasks; longest timer gap; its demo).
async fn longest_holds(browser: &Browser, server: &StaticServer) -> (Option<f64>, f64, String) {
    let (mut task, mut gap, mut worst) = (0.0f64, 0.0f64, String::new());
    for demo in concurrency_playground::demos::ALL.iter().filter(|d| !d.freezes_on_purpose) {
        browser.goto(&server.url(&format!("/#/{}", demo.id))).await;
        support::wait_for_threads(browser, 30).await;
        let h = support::run_recording_holds(browser, 300).await;
        task = h.tasks.iter().copied().fold(task, f64::max);
        if h.gap > gap {
            (gap, worst) = (h.gap, demo.id.to_string());
        }
    }
    let reported = browser.eval("PerformanceObserver.supportedEntryTypes.includes('longtask')").await == Value::Bool(true);
    (reported.then_some(task), gap, worst)
}

/// One row of the goals table: what is measured, its value, the goal, and whether it is met.
fn goal_row(table: &mut String, what: &str, value: String, goal: &str, met: bool) {
    let _ = writeln!(table, "{:<44} {:>12} {:>12}  {}", what, value, goal, if met { "met" } else { "NOT MET" });
}

#[tokio::main]
async fn main() {
    let opts = options();
    let run = measure(&opts).await;
    let matrix_title = format!(
        "Every model, one job: {} tasks of compute({}M) / of a {} ms wait, {} lanes (median of {} runs, ms; speedup: the median of the runs' own)",
        opts.tasks, opts.n_millions, opts.wait_ms, run.lanes, run.matrix_runs
    );
    let mut table = String::new();
    cpu_section(&mut table, &run, &opts);
    waits_section(&mut table, &run);
    let json_rows = matrix_section(&mut table, &run, &opts, &matrix_title);
    bundle_section(&mut table, &run.visit);
    goals_section(&mut table, &run, &opts);
    machine_section(&mut table, &run);
    print!("{table}");
    let out = support::out_dir("bench");
    std::fs::write(out.join("report.txt"), &table).expect("write report");
    eprintln!("written to {}", out.join("report.txt").display());
    let json = serde_json::json!({
        "title": matrix_title, "cores": run.cores, "lanes": run.lanes,
        "browser": run.browser_name, "rows": json_rows,
    });
    std::fs::write(out.join("matrix.json"), serde_json::to_string_pretty(&json).unwrap()).expect("write matrix.json");
    std::fs::write(out.join("matrix.svg"), matrix_svg(&run.cells, &matrix_title)).expect("write matrix.svg");
    eprintln!("and {} (+ .svg)", out.join("matrix.json").display());
}

/// Everything one run of the benchmark measured, browser first, then native, with the machine's
/// pace probed between the phases.
struct Run {
    limit: u64,
    cores: usize,
    lanes: usize,
    matrix_runs: usize,
    visit: FirstVisit,
    /// The longest main-thread task (None: not reported), the longest timer gap, and its page.
    holds: (Option<f64>, f64, String),
    browser_name: String,
    /// Per thread count 1..=P.
    web_cpu: Vec<Timing>,
    web_waits: (f64, f64),
    /// Per thread count 1..=P.
    native: Vec<Timing>,
    native_waits: (f64, f64),
    cells: Vec<Cell>,
    probes: Vec<(&'static str, f64)>,
}

impl Run {
    fn threads(&self) -> Vec<usize> {
        (1..=self.web_cpu.len()).collect()
    }

    fn drift(&self) -> f64 {
        drift(&self.probes)
    }

    /// Said beside every browser/native figure when the machine's pace changed between phases.
    fn drifted(&self) -> Option<String> {
        let drift = self.drift();
        (drift > NOISY_SPREAD).then(|| format!("machine drift {:.0}%", drift * 100.0))
    }

    /// The sequential cell's runs for `work`, in the browser or natively.
    fn sequential(&self, work: Work, browser: bool) -> Timing {
        self.cells
            .iter()
            .find(|c| c.work == work && c.model == Variant::Sequential)
            .map_or_else(Timing::unknown, |c| if browser { c.browser.clone() } else { c.native.clone() })
    }
}

async fn measure(opts: &Options) -> Run {
    let limit = opts.size_k * 1000;
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    eprintln!("benchmark: primes below {limit}, {} runs each, {cores} cores", opts.runs);

    let mut probes = vec![("start", machine_speed())];
    let server = StaticServer::start(support::dist_dir(), true);
    eprintln!("browser: a first visit");
    let visit = first_visit(&server, opts.firefox).await;
    let browser = open_browser(opts.firefox).await;
    eprintln!("browser: main-thread holds, one run of every demo");
    let holds = longest_holds(&browser, &server).await;
    probes.push(("before the browser's CPU work", machine_speed()));
    eprintln!("browser: CPU work on 1..P workers");
    let web_cpu = browser_cpu(&browser, &server, opts.size_k, opts.runs).await;
    eprintln!("browser: concurrent waits");
    let web_waits = browser_waits(&browser, &server, opts.runs.min(3)).await;
    let matrix_runs = opts.runs;
    probes.push(("before the browser's matrix", machine_speed()));
    eprintln!("browser: the matrix ({matrix_runs} runs of the compare page)");
    let web_matrix = browser_matrix(&browser, &server, opts, matrix_runs).await;
    let browser_name: Value = browser.eval("navigator.userAgent.match(/(Chrom(e|ium)|Firefox)\\/[\\d.]+/)?.[0]").await;
    let browser_name = browser_name.as_str().unwrap_or("?").to_string();
    browser.close().await;

    let threads: Vec<usize> = (1..=web_cpu.len()).collect();
    probes.push(("before the native CPU work", machine_speed()));
    eprintln!("native: CPU work on 1..P threads");
    let native = native_cpu(limit, &threads, opts.runs);
    eprintln!("native: concurrent waits");
    let native_waits = native_waits(opts.runs.min(3));
    probes.push(("before the native matrix", machine_speed()));
    eprintln!("native: the matrix");
    let lanes = cores.max(1);
    let cells: Vec<Cell> = native_matrix(opts, lanes, matrix_runs)
        .into_iter()
        .map(|(work, model, native)| {
            let browser = web_matrix.iter().find(|c| c.0 == work && c.1 == model).map_or_else(Timing::unknown, |c| c.2.clone());
            Cell { work, model, native, browser }
        })
        .collect();
    probes.push(("end", machine_speed()));
    Run { limit, cores, lanes, matrix_runs, visit, holds, browser_name, web_cpu, web_waits, native, native_waits, cells, probes }
}

fn cpu_section(table: &mut String, run: &Run, opts: &Options) {
    let (native, web_cpu, drifted) = (&run.native, &run.web_cpu, run.drifted());
    let _ = writeln!(table, "\nCPU work: primes below {} (median of {} runs, ms; speedup: the median of the rounds' own)", run.limit, opts.runs);
    let _ = writeln!(table, "{:<10} {:>10} {:>9} {:>10} {:>9} {:>14}  {}", "threads", "native", "speedup", "browser", "speedup", "browser/native", "note");
    let _ = writeln!(table, "(browser: {})", run.browser_name);
    for (i, t) in run.threads().iter().enumerate() {
        let (n, b) = (&native[i], &web_cpu[i]);
        let (ns, bs) = (paired_speedup(&native[0], n), paired_speedup(&web_cpu[0], b));
        let notes = notes(note(ns, *t, Some(n.spread)), note(bs, *t, Some(b.spread)), drifted.as_deref());
        let _ = writeln!(table, "{:<10} {:>10.1} {:>8.2}x {:>10.1} {:>8.2}x {:>13.2}x  {notes}", t, n.median, ns, b.median, bs, b.median / n.median);
    }
}

fn waits_section(table: &mut String, run: &Run) {
    let _ = writeln!(table, "\nConcurrent waits: 5 tasks x 200 ms (median, ms)");
    let _ = writeln!(table, "{:<10} {:>10} {:>10}", "awaited", "native", format!("browser ({})", run.browser_name));
    let _ = writeln!(table, "{:<10} {:>10.1} {:>10.1}", "one by one", run.native_waits.0, run.web_waits.0);
    let _ = writeln!(table, "{:<10} {:>10.1} {:>10.1}", "joined", run.native_waits.1, run.web_waits.1);
}

/// The matrix's rows, in the table and as JSON rows for matrix.json.
fn matrix_section(table: &mut String, run: &Run, opts: &Options, title: &str) -> Vec<Value> {
    let drifted = run.drifted();
    let _ = writeln!(table, "\n{title}, browser: {}", run.browser_name);
    let _ = writeln!(table, "{:<10} {:<32} {:>9} {:>8} {:>9} {:>8} {:>14}  {}", "job", "model", "native", "speedup", "browser", "speedup", "browser/native", "note");
    let mut json_rows = Vec::new();
    for c in &run.cells {
        let (n, b) = (&c.native, &c.browser);
        let (ns, bs) = (paired_speedup(&run.sequential(c.work, false), n), paired_speedup(&run.sequential(c.work, true), b));
        let possible = c.model.parallel_lanes(c.work, opts.tasks, run.lanes, run.cores);
        let notes = notes(note(ns, possible, Some(n.spread)), note(bs, possible, Some(b.spread)), drifted.as_deref());
        let _ = writeln!(table, "{:<10} {:<32} {:>9.1} {:>7.2}x {:>9.1} {:>7.2}x {:>13.2}x  {notes}", c.work.title(), c.model.title(),
            n.median, ns, b.median, bs, b.median / n.median);
        json_rows.push(serde_json::json!({
            "job": c.work.title(), "model": c.model.title(), "native_ms": n.median, "browser_ms": b.median,
            "native_runs_ms": n.runs, "browser_runs_ms": b.runs,
            "native_speedup": ns, "browser_speedup": bs, "browser_over_native": b.median / n.median,
            "native_spread": n.spread, "browser_spread": b.spread, "note": notes,
        }));
    }
    json_rows
}

fn bundle_section(table: &mut String, visit: &FirstVisit) {
    let _ = writeln!(table, "\nRelease bundle (dist/)");
    let _ = writeln!(table, "{:<10} {:>10} {:>10} {:>10}", "file", "raw KB", "gzip KB", "brotli KB");
    let kb = |bytes: u64| bytes as f64 / 1024.0;
    for (kind, raw, gz, br) in bundle_sizes() {
        let _ = writeln!(table, "{:<10} {:>10.1} {:>10.1} {:>10.1}", kind, kb(raw), kb(gz), kb(br));
    }
    let _ = writeln!(table, "first visit loaded: {}", visit.files.join(", "));
}

/// Issue 15's goals, each measured against its goal (reported, never failed on).
fn goals_section(table: &mut String, run: &Run, opts: &Options) {
    let (visit, browser_name) = (&run.visit, &run.browser_name);
    let _ = writeln!(table, "\nGoals (issue 15; reported, never failed on; browser: {browser_name})");
    let _ = writeln!(table, "{:<44} {:>12} {:>12}  {}", "what", "measured", "goal", "");
    goal_row(table, "first load, everything transferred (KB)", format!("{:.0}", visit.sent_kb), "<= 300", visit.sent_kb <= 300.0);
    let _ = writeln!(table, "  (as sent with the .br files; the same files gzipped at -9, for a host without them: {:.0} KB)", visit.gzip_kb);
    goal_row(table, "navigation -> first paint (ms)", format!("{:.0}", visit.paint_ms), "< wasm start", visit.paint_ms < visit.wasm_ms);
    goal_row(table, "navigation -> wasm started (ms)", format!("{:.0}", visit.wasm_ms), "-", true);
    let ready = visit.pool_ms - visit.wasm_ms;
    goal_row(table, "wasm started -> compute pool ready (ms)", format!("{ready:.0}"), "<= 150", ready <= 150.0);
    // The lanes for waiting jobs start after the compute pool, in the background (no goal).
    let lanes_ready = visit.lanes_ms - visit.wasm_ms;
    goal_row(table, "wasm started -> lanes (waiting jobs) ready", format!("{lanes_ready:.0}"), "-", true);
    if let (Some(one), Some(two)) = (run.web_cpu.first(), run.web_cpu.get(1)) {
        let s2 = paired_speedup(one, two);
        goal_row(table, "browser, 2 workers, prime kernel (speedup)", format!("{s2:.2}x"), ">= 1.90x", s2 >= 1.9);
        let ratio = one.median / run.native[0].median;
        goal_row(table, "browser/native, 1 thread, prime kernel", format!("{ratio:.2}x"), "<= 1.05x", ratio <= 1.05);
        if let Some(d) = run.drifted() {
            let _ = writeln!(table, "  ({d} between the browser's and the native phase: this ratio is not to be trusted)");
        }
    }
    let outside: Vec<String> = run
        .cells
        .iter()
        .filter(|c| c.work == Work::Cpu && c.model != Variant::Sequential)
        .filter(|c| {
            let s = paired_speedup(&run.sequential(Work::Cpu, true), &c.browser);
            matrix::reading(Work::Cpu, c.model, s, opts.tasks, run.lanes, run.cores) != Reading::Result
        })
        .map(|c| c.model.title().to_string())
        .collect();
    goal_row(table, "browser CPU speedups in range (cells outside)", outside.len().to_string(), "0", outside.is_empty());
    if !outside.is_empty() {
        let _ = writeln!(table, "  outside [0.9, lanes x 1.05] (1 lane: [0.9, 1.1]): {}", outside.join(", "));
    }
    match run.holds.0 {
        Some(task) => goal_row(table, "longest main-thread task in a demo run (ms)", format!("{task:.0}"), "<= 50", task <= 50.0),
        None => {
            let _ = writeln!(table, "{:<44} {:>12} {:>12}  not reported by {browser_name} (no Long Tasks API)", "longest main-thread task in a demo run (ms)", "-", "<= 50");
        }
    }
    goal_row(table, "longest 10 ms-timer gap in a demo run (ms)", format!("{:.0}", run.holds.1), "<= 50", run.holds.1 <= 50.0);
    let _ = writeln!(table, "  (longest gap on: {})", run.holds.2);
}

fn machine_section(table: &mut String, run: &Run) {
    let _ = writeln!(table, "\nmachine: {} cores; browser: {}", run.cores, run.browser_name);
    let shown: Vec<String> = run.probes.iter().map(|(at, ms)| format!("{at} {ms:.0}")).collect();
    let _ = writeln!(table, "machine speed (one thread, compute(100M), fastest of 3, ms): {}; drift {:.0}%{}", shown.join(", "), run.drift() * 100.0,
        if run.drifted().is_some() { " (over 15%: browser/native ratios are marked)" } else { "" });
}
