//! A result to share: what ran, where, on how many cores, and its numbers, as plain text (to
//! paste) and as JSON (to download). Written by hand: a few strings and numbers need no library.

#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    pub demo: String,
    /// The address that reproduces the setup (parameters are in it).
    pub link: String,
    pub cores: usize,
    /// The browser (its user agent) or the native platform.
    pub platform: String,
    pub rows: Vec<ReportRow>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ReportRow {
    pub label: String,
    pub values: Vec<(String, f64)>,
}

fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A number as JSON has it (no NaN or infinity there: null).
fn json_number(v: f64) -> String {
    if v.is_finite() {
        format!("{}", (v * 1000.0).round() / 1000.0)
    } else {
        "null".into()
    }
}

impl Report {
    pub fn to_text(&self) -> String {
        let mut out = format!(
            "{}\n{}\n{} cores · {}\n",
            self.demo, self.link, self.cores, self.platform
        );
        for row in &self.rows {
            let values: Vec<String> = row
                .values
                .iter()
                .map(|(k, v)| format!("{k} {v:.2}"))
                .collect();
            out.push_str(&format!("{}: {}\n", row.label, values.join(", ")));
        }
        out
    }

    pub fn to_json(&self) -> String {
        let rows: Vec<String> = self
            .rows
            .iter()
            .map(|r| {
                let values: Vec<String> = r
                    .values
                    .iter()
                    .map(|(k, v)| format!("{}: {}", json_string(k), json_number(*v)))
                    .collect();
                format!(
                    "    {{\"label\": {}, {}}}",
                    json_string(&r.label),
                    values.join(", ")
                )
            })
            .collect();
        format!(
            "{{\n  \"demo\": {},\n  \"link\": {},\n  \"cores\": {},\n  \"platform\": {},\n  \"rows\": [\n{}\n  ]\n}}\n",
            json_string(&self.demo),
            json_string(&self.link),
            self.cores,
            json_string(&self.platform),
            rows.join(",\n")
        )
    }

    /// The JSON as a `data:` address, for a download link that needs no script.
    pub fn json_data_url(&self) -> String {
        let mut out = String::from("data:application/json;charset=utf-8,");
        for b in self.to_json().bytes() {
            match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                    out.push(b as char)
                }
                _ => out.push_str(&format!("%{b:02X}")),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> Report {
        Report {
            demo: "Every model, one job".into(),
            link: "http://x/#/compare?tasks=8".into(),
            cores: 2,
            platform: "Mozilla/5.0 \"Headless\"".into(),
            rows: vec![ReportRow {
                label: "CPU-bound, threads".into(),
                values: vec![("wall_ms".into(), 12.3456), ("speedup".into(), f64::NAN)],
            }],
        }
    }

    #[test]
    fn text_and_json_carry_the_machine_and_the_numbers() {
        let _cpu = crate::testing::shared_cpu(); // measures time: not beside a CPU hog
        let r = report();
        let text = r.to_text();
        assert!(
            text.contains("2 cores") && text.contains("CPU-bound, threads: wall_ms 12.35"),
            "{text}"
        );
        let json = r.to_json();
        assert!(
            json.contains(r#""platform": "Mozilla/5.0 \"Headless\"""#),
            "{json}"
        );
        assert!(
            json.contains(r#""wall_ms": 12.346"#) && json.contains(r#""speedup": null"#),
            "{json}"
        );
        assert!(
            r.json_data_url()
                .starts_with("data:application/json;charset=utf-8,%7B%0A")
        );
        assert!(
            !r.json_data_url()[37..].contains('"'),
            "every special byte is escaped"
        );
    }
}
