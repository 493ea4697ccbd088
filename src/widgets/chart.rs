//! A log-log line chart: measured values over a range of sizes spanning decades (bytes to
//! megabytes, microseconds to seconds), one line per series. Points are the measurements
//! themselves; the lines only join them.

use leptos::prelude::*;

#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub name: String,
    /// CSS class giving the line its colour (`s0`, `s1`, …).
    pub class: &'static str,
    /// (x, y) pairs, both positive.
    pub points: Vec<(f64, f64)>,
}

const W: f64 = 640.0;
const H: f64 = 260.0;
const LEFT: f64 = 84.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 40.0;

/// Whole decades covering `lo..=hi` (log10 of the bounds).
fn decades(lo: f64, hi: f64) -> (f64, f64) {
    let (a, b) = (lo.log10().floor(), hi.log10().ceil());
    if a == b { (a, a + 1.0) } else { (a, b) }
}

#[component]
pub fn LogLogChart(
    series: Vec<Series>,
    caption: String,
    x_label: &'static str,
    y_label: &'static str,
    /// Labels the x ticks, which are the measured x values.
    x_format: fn(f64) -> String,
    /// Labels the y decades.
    y_format: fn(f64) -> String,
) -> impl IntoView {
    let points: Vec<(f64, f64)> = series
        .iter()
        .flat_map(|s| s.points.iter().copied())
        .filter(|(x, y)| *x > 0.0 && *y > 0.0)
        .collect();
    if points.is_empty() {
        return view! { <p class="notice">"Nothing to draw: no measurements."</p> }.into_any();
    }
    let (x_lo, x_hi) = points.iter().fold((f64::MAX, f64::MIN), |(lo, hi), p| {
        (lo.min(p.0), hi.max(p.0))
    });
    let (y_lo, y_hi) = points.iter().fold((f64::MAX, f64::MIN), |(lo, hi), p| {
        (lo.min(p.1), hi.max(p.1))
    });
    let (yd_lo, yd_hi) = decades(y_lo, y_hi);
    let (xl_lo, xl_hi) = (x_lo.log10(), x_hi.log10().max(x_lo.log10() + 1e-9));
    let x_at = move |x: f64| LEFT + (x.log10() - xl_lo) / (xl_hi - xl_lo) * (W - LEFT - RIGHT);
    let y_at = move |y: f64| TOP + (yd_hi - y.log10()) / (yd_hi - yd_lo) * (H - TOP - BOTTOM);
    let mut xs: Vec<f64> = points.iter().map(|p| p.0).collect();
    xs.sort_by(f64::total_cmp);
    xs.dedup();
    let x_ticks = xs
        .into_iter()
        .map(|x| {
            // A label centred on the right edge would be cut off: end-anchor it there.
            let anchor = if x_at(x) > W - RIGHT - 24.0 { "end" } else { "middle" };
            view! {
                <line class="grid" x1=x_at(x) x2=x_at(x) y1=TOP y2={H - BOTTOM}/>
                <text class="tick" x=x_at(x) y={H - BOTTOM + 16.0} text-anchor=anchor>{x_format(x)}</text>
            }
        })
        .collect_view();
    let y_ticks = (yd_lo as i32..=yd_hi as i32)
        .map(|d| {
            let y = 10f64.powi(d);
            view! {
                <line class="grid" x1=LEFT x2={W - RIGHT} y1=y_at(y) y2=y_at(y)/>
                <text class="tick" x={LEFT - 6.0} y={y_at(y) + 4.0} text-anchor="end">{y_format(y)}</text>
            }
        })
        .collect_view();
    let lines = series
        .iter()
        .map(|s| {
            let pts: Vec<(f64, f64)> = s.points.iter().copied().filter(|(x, y)| *x > 0.0 && *y > 0.0).collect();
            let path = pts.iter().map(|(x, y)| format!("{:.1},{:.1}", x_at(*x), y_at(*y))).collect::<Vec<_>>().join(" ");
            let dots = pts
                .iter()
                .map(|(x, y)| view! { <circle cx=x_at(*x) cy=y_at(*y) r="3.5"><title>{format!("{}: {} → {}", s.name, x_format(*x), y_format(*y))}</title></circle> })
                .collect_view();
            view! { <g class=format!("series {}", s.class) data-series=s.name.clone() data-points=pts.len()><polyline points=path/>{dots}</g> }
        })
        .collect_view();
    let legend = series
        .iter()
        .map(|s| view! { <span><span class=format!("swatch line {}", s.class)></span>{s.name.clone()}</span> })
        .collect_view();
    let label = caption.clone();
    view! {
        <figure class="chart" data-testid="chart">
            <figcaption>{caption}<span class="legend">{legend}</span></figcaption>
            <svg viewBox=format!("0 0 {W} {H}") role="img" aria-label=label>
                {y_ticks}
                {x_ticks}
                <text class="axis" x={(LEFT + W - RIGHT) / 2.0} y={H - 4.0} text-anchor="middle">{x_label}</text>
                <text class="axis" x="14" y={(TOP + H - BOTTOM) / 2.0} text-anchor="middle" transform=format!("rotate(-90 14 {})", (TOP + H - BOTTOM) / 2.0)>{y_label}</text>
                {lines}
            </svg>
        </figure>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::decades;

    #[test]
    fn decades_cover_the_range() {
        assert_eq!(decades(0.02, 30.0), (-2.0, 2.0));
        assert_eq!(decades(1.0, 1.0), (0.0, 1.0));
        assert_eq!(decades(5.0, 5.0), (0.0, 1.0));
    }
}
