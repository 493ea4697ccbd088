//! Timelines drawn from recorded spans (never from a formula), as SVG.
//!
//! Rows: each lane gets as many rows as it had spans alive at once (a lane is a thread; on
//! the event loop, overlapping rows are coroutines waiting together). Several timelines can
//! share one time axis so that their lengths compare at a glance.

use super::Disclosure;
use crate::core::trace::{Lane, Span, SpanKind, Trace};
use crate::engine;
use leptos::prelude::*;
use leptos::task::spawn_local_scoped_with_cancellation;

const WIDTH: f64 = 1000.0;
const LABEL_W: f64 = 120.0;
const ROW_H: f64 = 22.0;
const AXIS_H: f64 = 24.0;

/// One drawn row: its label (empty below a lane's first row), its spans.
#[derive(Debug, PartialEq)]
pub struct Row<'a> {
    pub lane: Lane,
    pub label: String,
    pub spans: Vec<&'a Span>,
}

/// The event loop gets a row per task (named from `task_names` by task number when given) (its coroutines, followed start to end); a thread lane
/// packs its spans into the fewest rows where no two overlap (greedy interval partitioning over
/// spans sorted by start, optimal for intervals), usually one.
pub fn rows<'a>(trace: &'a Trace, task_names: &[&str]) -> Vec<Row<'a>> {
    let mut out = Vec::new();
    for lane in trace.lanes() {
        let mut spans: Vec<&Span> = trace.spans.iter().filter(|s| s.lane == lane).collect();
        spans.sort_by(|a, b| a.start.total_cmp(&b.start));
        if lane == Lane::EventLoop {
            let mut tasks: Vec<usize> = spans.iter().map(|s| s.task).collect();
            tasks.sort();
            tasks.dedup();
            for task in tasks {
                let label = match task_names.get(task) {
                    Some(name) => format!("loop · {name}"),
                    None => format!("loop · task {task}"),
                };
                out.push(Row {
                    lane,
                    label,
                    spans: spans.iter().copied().filter(|s| s.task == task).collect(),
                });
            }
            continue;
        }
        let mut lane_rows: Vec<Vec<&Span>> = Vec::new();
        for span in spans {
            match lane_rows
                .iter_mut()
                .find(|row| row.last().is_some_and(|last| last.end <= span.start))
            {
                Some(row) => row.push(span),
                None => lane_rows.push(vec![span]),
            }
        }
        for (i, spans) in lane_rows.into_iter().enumerate() {
            let label = if i == 0 {
                lane.to_string()
            } else {
                String::new()
            };
            out.push(Row { lane, label, spans });
        }
    }
    out
}

/// Axis ticks at 1, 2 or 5 × 10^k ms, about `target` of them across `span_ms`.
pub fn ticks(span_ms: f64, target: usize) -> Vec<f64> {
    if span_ms.is_nan() || span_ms <= 0.0 {
        return vec![0.0];
    }
    let raw = span_ms / target.max(1) as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude);
    (0..)
        .map(|i| i as f64 * step)
        .take_while(|t| *t <= span_ms + 1e-9)
        .collect()
}

fn kind_class(kind: SpanKind) -> &'static str {
    match kind {
        SpanKind::Run => "span run",
        SpanKind::Wait => "span wait",
        SpanKind::Blocked => "span blocked",
        SpanKind::Failed => "span failed",
        SpanKind::Simulated => "span simulated",
    }
}

/// One drawn mark: a span, or a run of spans of one kind each under a pixel wide and under a
/// pixel apart (thousands of tiny tasks would be thousands of invisible rects, and a long hold
/// of the main thread to draw them). The data table lists every span.
#[derive(Debug, PartialEq)]
pub struct Mark<'a> {
    pub first: &'a Span,
    pub end: f64,
    pub count: usize,
    /// Made of spans under a pixel wide (only such marks take in more).
    tiny: bool,
}

/// The marks of one row's spans (sorted by start), with `x` mapping time to pixels.
pub fn marks<'a>(spans: &[&'a Span], x: impl Fn(f64) -> f64) -> Vec<Mark<'a>> {
    let mut out: Vec<Mark<'a>> = Vec::new();
    for &s in spans {
        let tiny = x(s.end) - x(s.start) < 1.0;
        if let Some(m) = out.last_mut()
            && tiny
            && m.tiny
            && m.first.kind == s.kind
            && x(s.start) - x(m.end) < 1.0
        {
            m.end = m.end.max(s.end);
            m.count += 1;
            continue;
        }
        out.push(Mark {
            first: s,
            end: s.end,
            count: 1,
            tiny,
        });
    }
    out
}

fn fmt_ms(ms: f64) -> String {
    if ms >= 1000.0 {
        format!("{:.2} s", ms / 1000.0)
    } else if ms >= 10.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{ms:.1} ms")
    }
}

/// Text for markup: `&`, `<`, `>` and quotes escaped (span labels are ours, but a label may
/// quote a knob's value, and markup is never built from unescaped text).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The height of a drawing of `rows` rows.
fn drawing_height(rows: usize) -> f64 {
    AXIS_H + ROW_H * rows as f64 + 4.0
}

/// The drawing of a trace: the SVG's inner markup (axis, lane labels, one rect per mark with its
/// tooltip and its span's data), `drawing_height(rows(..).len())` high. Built as one string and handed to the
/// browser's parser in one call: a node and an attribute at a time from wasm cost ~0.1 ms a
/// mark, and a trace of 600 marks held the main thread 75 ms.
pub fn svg_markup(trace: &Trace, axis_ms: Option<f64>, task_names: &[&str]) -> String {
    use std::fmt::Write;
    let origin = trace.start();
    let extent = axis_ms
        .unwrap_or(trace.end() - origin)
        .max(trace.end() - origin)
        .max(1e-3);
    let rows = rows(trace, task_names);
    let height = drawing_height(rows.len());
    let x = move |t: f64| LABEL_W + (t - origin) / extent * (WIDTH - LABEL_W - 8.0);
    let mut out = String::new();
    for t in ticks(extent, 6) {
        let tx = x(origin + t);
        // A label centred on the right edge would be cut off: end-anchor it there.
        let anchor = if tx > WIDTH - 40.0 { "end" } else { "middle" };
        let _ = write!(
            out,
            r#"<line class="tick" x1="{tx:.1}" x2="{tx:.1}" y1="{}" y2="{height}"/><text class="tick-label" x="{tx:.1}" y="{}" text-anchor="{anchor}">{}</text>"#,
            AXIS_H - 4.0,
            AXIS_H - 8.0,
            fmt_ms(t)
        );
    }
    for (i, row) in rows.iter().enumerate() {
        let y = AXIS_H + ROW_H * i as f64;
        let _ = write!(
            out,
            r#"<text class="lane-label" x="4" y="{:.1}">{}</text>"#,
            y + ROW_H * 0.7,
            escape(&row.label)
        );
        for m in marks(&row.spans, x) {
            let s = m.first;
            let (x0, x1) = (x(s.start), x(m.end));
            let tip = match m.count {
                1 => format!(
                    "{} on {}: {} → {} ({})",
                    s.label,
                    s.lane,
                    fmt_ms(s.start - origin),
                    fmt_ms(m.end - origin),
                    fmt_ms(s.duration())
                ),
                n => format!(
                    "{n} spans too short to draw apart, from {} on {}: {} → {}",
                    s.label,
                    s.lane,
                    fmt_ms(s.start - origin),
                    fmt_ms(m.end - origin)
                ),
            };
            let _ = write!(
                out,
                r#"<rect class="{}" data-lane="{}" data-task="{}" data-count="{}" data-start="{}" data-end="{}" x="{x0:.2}" y="{}" width="{:.2}" height="{}" rx="3"><title>{}</title></rect>"#,
                kind_class(s.kind),
                escape(&s.lane.to_string()),
                s.task,
                m.count,
                s.start - origin,
                m.end - origin,
                y + 3.0,
                (x1 - x0).max(1.0),
                ROW_H - 6.0,
                escape(&tip)
            );
        }
    }
    out
}

/// Draws `trace`; `axis_ms` (when given) fixes the axis length so timelines can be compared.
///
/// The figure (caption, legend, text version) comes with the results; its drawing follows on a
/// turn of the loop of its own, each timeline's on its own turn. Built with the results, a page
/// of several large traces held the main thread in one piece: the process pool's five took ~20 ms
/// of the ~30 ms its results held the loop, and with the layout after them a 10 ms timer waited
/// 45-57 ms. `data-drawn` on the figure says when the drawing is in.
#[component]
pub fn Timeline(
    trace: Trace,
    #[prop(into)] caption: String,
    #[prop(optional)] axis_ms: Option<f64>,
    /// Names for the event loop's rows, by task number.
    #[prop(optional)]
    task_names: &'static [&'static str],
) -> impl IntoView {
    let origin = trace.start();
    // The rows are counted now, so the figure takes its final height before its drawing comes
    // (nothing below it moves then); the drawing groups them again, a small part of its cost.
    let height = drawing_height(rows(&trace, task_names).len());
    let legend = [
        (SpanKind::Run, "computing"),
        (SpanKind::Wait, "waiting (no CPU held)"),
        (SpanKind::Blocked, "waiting for a turn"),
        (SpanKind::Failed, "failed or cancelled"),
        (SpanKind::Simulated, "simulated delay"),
    ]
    .into_iter()
    .filter(|(kind, _)| trace.spans.iter().any(|s| s.kind == *kind))
    .map(|(kind, text)| view! { <span class="key"><svg viewBox="0 0 10 10"><rect class=kind_class(kind).replace("span", "swatch") width="10" height="10" rx="2"/></svg>{text}</span> })
    .collect_view();
    let lanes = trace.lanes().len();
    let summary = format!(
        "{caption}: {} spans on {lanes} lane{}, {} from first start to last end",
        trace.spans.len(),
        if lanes == 1 { "" } else { "s" },
        fmt_ms(trace.end() - origin)
    );
    // The drawing and the text version read the one trace, uncopied.
    let trace = StoredValue::new(trace);
    let markup = RwSignal::new(None::<String>);
    spawn_local_scoped_with_cancellation(async move {
        engine::yield_now().await;
        if let Some(drawn) = trace.try_with_value(|t| svg_markup(t, axis_ms, task_names)) {
            markup.set(Some(drawn));
        }
    });
    view! {
        <figure class="timeline" data-testid="timeline" data-drawn=move || markup.with(Option::is_some).to_string()>
            <figcaption>{caption}<span class="legend">{legend}</span></figcaption>
            // On a phone the plot keeps a readable width and scrolls sideways (by keyboard too).
            <div class="scroll plot" tabindex="0" role="region" aria-label="timeline, scrolls sideways on a narrow screen">
                <svg viewBox=format!("0 0 {WIDTH} {height}") role="img" aria-label=summary.clone() preserveAspectRatio="xMinYMin meet"
                    inner_html=move || markup.get().unwrap_or_default()></svg>
            </div>
            <SpanTable summary trace origin/>
        </figure>
    }
}

/// Several runs of the same work, one timeline each on one shared time axis, so their lengths
/// compare at a glance.
#[component]
pub fn Timelines(
    /// Each run's caption and trace.
    runs: Vec<(String, Trace)>,
    /// Names for the event loop's rows, by task number.
    #[prop(optional)]
    task_names: &'static [&'static str],
) -> impl IntoView {
    let axis = runs
        .iter()
        .map(|(_, t)| t.end() - t.start())
        .fold(0.0, f64::max);
    runs.into_iter()
        .map(|(caption, trace)| view! { <Timeline trace caption axis_ms=axis task_names/> })
        .collect_view()
}

/// The most rows the data table shows (a run can record thousands of slices).
const TABLE_ROWS: usize = 200;

/// The timeline as text: its summary, and its spans as a table behind a disclosure, built only
/// when opened (a big trace's table would hold the main thread for nothing otherwise).
#[component]
fn SpanTable(summary: String, trace: StoredValue<Trace>, origin: f64) -> impl IntoView {
    let total = trace.with_value(|t| t.spans.len());
    let table = move || {
        let rows = trace.with_value(|t| {
            t.spans
                .iter()
                .take(TABLE_ROWS)
                .map(|s| {
                    view! {
                        <tr><td class="text">{s.label.clone()}</td><td class="text">{s.lane.to_string()}</td>
                            <td class="text">{kind_name(s.kind)}</td><td>{fmt_ms(s.start - origin)}</td><td>{fmt_ms(s.end - origin)}</td></tr>
                    }
                })
                .collect_view()
        });
        view! {
            <div class="scroll" tabindex="0" role="region" aria-label="the timeline's spans">
                <table class="numbers span-table" data-testid="span-table">
                    <thead><tr><th class="text">"span"</th><th class="text">"lane"</th><th class="text">"kind"</th><th>"start"</th><th>"end"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            {(total > TABLE_ROWS).then(|| view! { <p class="muted">{format!("The first {TABLE_ROWS} of {total} spans.")}</p> })}
        }
    };
    view! {
        <Disclosure summary=format!("As text: {summary}") class="timeline-data" testid="timeline-data">{table}</Disclosure>
    }
}

fn kind_name(kind: SpanKind) -> &'static str {
    match kind {
        SpanKind::Run => "computing",
        SpanKind::Wait => "waiting",
        SpanKind::Blocked => "waiting for a turn",
        SpanKind::Failed => "failed or cancelled",
        SpanKind::Simulated => "simulated",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(lane: Lane, task: usize, start: f64, end: f64) -> Span {
        Span {
            task,
            lane,
            label: String::new(),
            kind: SpanKind::Wait,
            start,
            end,
        }
    }

    #[test]
    fn spans_under_a_pixel_merge_into_one_mark_and_wide_ones_stay_apart() {
        let tiny: Vec<Span> = (0..1000)
            .map(|i| span(Lane::Worker(0), i, i as f64 * 0.1, i as f64 * 0.1 + 0.05))
            .collect();
        let wide = [
            span(Lane::Worker(0), 0, 200.0, 230.0),
            span(Lane::Worker(0), 1, 231.0, 260.0),
        ];
        let all: Vec<&Span> = tiny.iter().chain(&wide).collect();
        let m = marks(&all, |t| t); // 1 ms a pixel
        assert_eq!(m.len(), 3, "{m:?}");
        assert_eq!((m[0].count, m[0].end), (1000, 99.95));
        assert_eq!(
            (m[1].count, m[2].count),
            (1, 1),
            "30 ms spans are drawn one by one"
        );
        let far: Vec<Span> = (0..3)
            .map(|i| span(Lane::Worker(0), i, i as f64 * 10.0, i as f64 * 10.0 + 0.5))
            .collect();
        assert_eq!(
            marks(&far.iter().collect::<Vec<_>>(), |t| t).len(),
            3,
            "tiny but far apart: each its own mark"
        );
    }

    #[test]
    fn overlapping_spans_of_a_thread_lane_get_their_own_rows() {
        let trace = Trace::new(vec![
            span(Lane::Worker(0), 0, 0.0, 10.0),
            span(Lane::Worker(0), 1, 1.0, 11.0),
            span(Lane::Worker(0), 2, 12.0, 20.0), // fits after task 0
            span(Lane::Worker(1), 3, 0.0, 5.0),
        ]);
        let rows = rows(&trace, &[]);
        assert_eq!(rows.len(), 3);
        assert_eq!(
            rows[0].spans.iter().map(|s| s.task).collect::<Vec<_>>(),
            vec![0, 2]
        );
        assert_eq!(
            rows.iter().map(|r| r.label.as_str()).collect::<Vec<_>>(),
            vec!["worker 0", "", "worker 1"]
        );
    }

    #[test]
    fn the_event_loop_gets_a_row_per_task() {
        let trace = Trace::new(vec![
            span(Lane::EventLoop, 1, 0.0, 10.0),
            span(Lane::EventLoop, 0, 1.0, 11.0),
            span(Lane::EventLoop, 1, 12.0, 20.0),
        ]);
        let rows = rows(&trace, &[]);
        assert_eq!(
            rows.iter().map(|r| r.label.as_str()).collect::<Vec<_>>(),
            vec!["loop · task 0", "loop · task 1"]
        );
        let named = super::rows(&trace, &["heartbeat"]);
        assert_eq!(
            named.iter().map(|r| r.label.as_str()).collect::<Vec<_>>(),
            vec!["loop · heartbeat", "loop · task 1"]
        );
        assert_eq!(rows[1].spans.len(), 2);
    }

    #[test]
    fn the_markup_draws_every_mark_with_its_data_and_escapes_text() {
        let mut spans = vec![
            span(Lane::Worker(0), 0, 0.0, 40.0),
            span(Lane::Worker(1), 1, 10.0, 50.0),
        ];
        spans[0].label = "a <b> & \"c\"".into();
        let trace = Trace::new(spans);
        let markup = svg_markup(&trace, None, &[]);
        let height = drawing_height(rows(&trace, &[]).len());
        assert_eq!(height, AXIS_H + 2.0 * ROW_H + 4.0);
        assert!(
            markup.contains(&format!(r#"y2="{height}""#)),
            "the ticks reach the bottom: {markup}"
        );
        assert_eq!(markup.matches("<rect ").count(), 2, "{markup}");
        assert!(
            markup.contains(
                r#"data-lane="worker 1" data-task="1" data-count="1" data-start="10" data-end="50""#
            ),
            "{markup}"
        );
        assert!(
            markup.contains("a &lt;b&gt; &amp; &quot;c&quot;") && !markup.contains("<b>"),
            "{markup}"
        );
        assert_eq!(escape("'<>'"), "&#39;&lt;&gt;&#39;");
    }

    #[test]
    fn ticks_are_round_and_cover_the_span() {
        assert_eq!(
            ticks(1000.0, 5),
            vec![0.0, 200.0, 400.0, 600.0, 800.0, 1000.0]
        );
        assert_eq!(ticks(95.0, 4), vec![0.0, 50.0]);
        assert_eq!(ticks(0.0, 4), vec![0.0]);
        assert!(ticks(2345.0, 6).len() <= 7);
    }
}
