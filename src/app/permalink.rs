//! Permalinks: the URL hash is `#/<path>?<key>=<value>&...`.
//!
//! Everything here is pure string work (no DOM), so it is tested directly.
//! Visualisation parameters are namespaced by visualisation id (`ports.t=1250`, `ports.seed=7`), so
//! one chapter page can carry the state of several figures in one link, and the same query works
//! unchanged on the embed route (`#/embed/ports?ports.t=1250`).
//!
//! Time positions (`<viz>.t`) are written in milliseconds when whole (`1250`), otherwise in
//! microseconds with a unit (`1250300us`); [`parse_time`] also accepts `1.25s` and `1250ms`.

/// The parsed query part of the hash, in order, duplicates collapsed (last one wins on `set`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query {
    pairs: Vec<(String, String)>,
}

impl Query {
    /// Parse `a=1&b=two` (no leading `?`). Empty pieces are skipped; `k` alone means `k=""`.
    pub fn parse(s: &str) -> Self {
        let mut q = Query::default();
        for (k, v) in pieces(s) {
            q.set(&k, &v);
        }
        q
    }

    /// The value for `key`, if present.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Set or replace `key` (keeps its position when it already exists).
    pub fn set(&mut self, key: &str, value: &str) {
        match self.pairs.iter_mut().find(|(k, _)| k == key) {
            Some(pair) => pair.1 = value.to_string(),
            None => self.pairs.push((key.to_string(), value.to_string())),
        }
    }

    /// Remove `key` if present.
    pub fn remove(&mut self, key: &str) {
        self.pairs.retain(|(k, _)| k != key);
    }

    /// All pairs, in order.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }

    /// True when there are no pairs.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// Only the pairs namespaced for one visualisation (`<viz>.<key>`), e.g. for an embed link.
    pub fn only_viz(&self, viz: &str) -> Query {
        let prefix = format!("{viz}.");
        Query {
            pairs: self
                .pairs
                .iter()
                .filter(|(k, _)| k.starts_with(&prefix))
                .cloned()
                .collect(),
        }
    }
}

impl std::fmt::Display for Query {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, (k, v)) in self.pairs.iter().enumerate() {
            if i > 0 {
                f.write_str("&")?;
            }
            write!(f, "{}={}", encode(k), encode(v))?;
        }
        Ok(())
    }
}

/// The namespaced query key for one visualisation parameter: `viz_key("ports", "t") == "ports.t"`.
pub fn viz_key(viz: &str, key: &str) -> String {
    format!("{viz}.{key}")
}

/// The visualisation a query key belongs to (`key_owner("ports.t") == Some("ports")`; `None`
/// for a bare key): the inverse of [`viz_key`].
pub fn key_owner(key: &str) -> Option<&str> {
    key.split_once('.').map(|(viz, _)| viz)
}

/// The most parameters a link is read for; the rest are ignored, with a notice (see
/// [`param_count`]). A view needs a handful; a link of thousands is not one anybody made by hand.
pub const MAX_PARAMS: usize = 50;

/// How many parameters a hash's query gives (every `key=value` piece, repeats counted).
pub fn param_count(hash: &str) -> usize {
    let query = hash.split_once('?').map_or("", |(_, q)| q);
    query.split('&').filter(|p| !p.is_empty()).count()
}

/// The decoded `key=value` pairs of a query string, in order, repeats kept; the first
/// [`MAX_PARAMS`] only.
fn pieces(s: &str) -> impl Iterator<Item = (String, String)> + '_ {
    s.split('&')
        .filter(|p| !p.is_empty())
        .take(MAX_PARAMS)
        .map(|piece| {
            let (k, v) = piece.split_once('=').unwrap_or((piece, ""));
            (decode(k), decode(v))
        })
}

/// The keys a hash's query gives more than once, each with all its values in order ([`Query`]
/// keeps the last).
pub fn repeated_keys(hash: &str) -> Vec<(String, Vec<String>)> {
    let query = hash.split_once('?').map_or("", |(_, q)| q);
    let mut seen: Vec<(String, Vec<String>)> = Vec::new();
    for (k, v) in pieces(query) {
        match seen.iter_mut().find(|(s, _)| *s == k) {
            Some((_, values)) => values.push(v),
            None => seen.push((k, vec![v])),
        }
    }
    seen.retain(|(_, values)| values.len() > 1);
    seen
}

/// Split a location hash (`#/ports?x=1`, with or without `#`) into its path (`/ports`) and query.
/// An empty hash is the landing path `/`.
pub fn split_hash(hash: &str) -> (String, Query) {
    let h = hash.strip_prefix('#').unwrap_or(hash);
    let (path, query) = h.split_once('?').unwrap_or((h, ""));
    let path = if path.is_empty() {
        "/".to_string()
    } else {
        decode(path)
    };
    (path, Query::parse(query))
}

/// Build a hash (`#/ports?x=1`) from a path and a query.
pub fn format_hash(path: &str, query: &Query) -> String {
    let path = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("/{path}")
    };
    if query.is_empty() {
        format!("#{path}")
    } else {
        format!("#{path}?{query}")
    }
}

/// Why a time value was refused (shown in the notice).
pub const TIME_ACCEPTED: &str =
    "a time in milliseconds such as 1250, or with a unit: 1.25s, 1250ms, 1250000us";

/// Parse a time position into virtual microseconds. Accepts `1250` (ms), `1250ms`, `1.25s`,
/// `1250000us`. Negative, non-finite or absurdly large values are refused.
pub fn parse_time(s: &str) -> Result<u64, String> {
    let s = s.trim();
    let (num, mul) = if let Some(n) = s.strip_suffix("us") {
        (n, 1.0)
    } else if let Some(n) = s.strip_suffix("ms") {
        (n, 1_000.0)
    } else if let Some(n) = s.strip_suffix('s') {
        (n, 1_000_000.0)
    } else {
        (s, 1_000.0)
    };
    let v = crate::decimal::parse(num).ok_or_else(|| format!("\"{s}\" is not a number"))?;
    if !v.is_finite() || v < 0.0 {
        return Err(format!("\"{s}\" is negative or not finite"));
    }
    let us = (v * mul).round();
    if us > 1.0e15 {
        return Err(format!("\"{s}\" is too large"));
    }
    Ok(us as u64)
}

/// The notice for a link time past the end of its run (`key` e.g. `ports.t`, `raw` as linked,
/// `end` in µs): the clock shows the end instead.
pub fn past_end_notice(key: &str, raw: &str, end: u64) -> String {
    let end = format!("{} s", crate::decimal::short(end as f64 / 1e6, 3));
    format!(
        "Link parameter {key}={raw} is past the end of this run ({end}). Accepted: a time from 0 to {end}. Showing the end."
    )
}

/// Format virtual microseconds for a link: whole milliseconds as `1250`, otherwise `1250300us`.
pub fn format_time(us: u64) -> String {
    if us % 1000 == 0 {
        (us / 1000).to_string()
    } else {
        format!("{us}us")
    }
}

/// Human readout of virtual microseconds: `1.250 s`.
pub fn format_seconds(us: u64) -> String {
    format!("{}.{:03} s", us / 1_000_000, (us % 1_000_000) / 1000)
}

fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/' | b':' | b',')
}

/// Percent-encode everything but unreserved characters (UTF-8 safe).
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if is_unreserved(b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Percent-decode (`+` is a space); malformed escapes are kept literally, invalid UTF-8 replaced.
pub fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 3;
                    }
                    None => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
