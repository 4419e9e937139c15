//! Decimal numbers in and out without `core`'s float formatter and parser.
//!
//! `format!("{:.1}", x)` and `str::parse::<f64>` pull Grisu/Dragon and the correctly-rounded
//! parser with its power-of-five tables into the wasm bundle (removing them saved 25 KB of the
//! gzipped bundle, measured). The site only ever shows a few decimals of values it computed and
//! reads short numbers people type, so these integer-based versions do: [`fixed`] for display,
//! [`parse`] for input. Native code (the CLI, tests) uses them too, so the site and the CLI print
//! the same text.

/// `v` with exactly `decimals` digits after the point (at most 6), like `format!("{v:.N}")` for
/// |v| < 9e12 (exact: the binary value is scaled without rounding, then rounded half to even,
/// as std does), except that a value rounding to zero never gets a minus sign (`-0.0`).
/// Non-finite and larger values print as `-`.
pub fn fixed(v: f64, decimals: u32) -> String {
    let mut s = String::with_capacity(12);
    push_fixed(&mut s, v, decimals);
    s
}

/// `v` with at most `max_decimals` digits after the point, trailing zeros (and a bare point)
/// removed: `short(1.5, 3)` is `1.5`, `short(2.0, 3)` is `2`. For values with that many decimals
/// or fewer this is what `format!("{v}")` prints.
pub fn short(v: f64, max_decimals: u32) -> String {
    let mut s = fixed(v, max_decimals);
    if s.contains('.') {
        let keep = s.trim_end_matches('0').trim_end_matches('.').len();
        s.truncate(keep);
    }
    s
}

/// Append [`fixed`]`(v, decimals)` to `s`.
pub fn push_fixed(s: &mut String, v: f64, decimals: u32) {
    use std::fmt::Write as _;
    let d = decimals.min(6);
    let scale = 10u64.pow(d);
    if !v.is_finite() || v.abs() >= 9.0e12 {
        s.push('-');
        return;
    }
    // Exact: v = m * 2^e, so v * 10^d = (m * 10^d) * 2^e with m * 10^d < 2^73; round half to even.
    let bits = v.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32;
    let frac = bits & ((1u64 << 52) - 1);
    let (m, e) = if exp == 0 {
        (frac, -1074)
    } else {
        (frac | 1u64 << 52, exp - 1075)
    };
    let n = u128::from(m) * u128::from(scale);
    let a = if e >= 0 {
        (n << e) as u64
    } else if -e >= 127 {
        0
    } else {
        let sh = (-e) as u32;
        let (q, rem, half) = (n >> sh, n & ((1u128 << sh) - 1), 1u128 << (sh - 1));
        (q + u128::from(rem > half || (rem == half && q & 1 == 1))) as u64
    };
    if v < 0.0 && a != 0 {
        s.push('-');
    }
    let _ = write!(s, "{}", a / scale);
    if d > 0 {
        s.push('.');
        let f = a % scale;
        let mut div = scale / 10;
        while div > 0 {
            s.push(char::from(b'0' + (f / div % 10) as u8));
            div /= 10;
        }
    }
}

/// Parse a plain decimal number (`12`, `-0.25`, `.5`, `1.5e3`; surrounding spaces allowed) without
/// `f64::from_str`, whose correctly-rounded parser and ~10 KB power-of-five table would otherwise
/// ship in the wasm bundle just to read slider values, speeds and URL parameters. Exact (the same
/// value as `str::parse::<f64>`) for up to 15 significant digits and exponents within ±22; `inf`
/// and `NaN` are refused.
pub fn parse(s: &str) -> Option<f64> {
    let s = s.trim();
    let (neg, rest) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let (mant, exp) = match rest.find(['e', 'E']) {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    let (int, frac) = mant.split_once('.').unwrap_or((mant, ""));
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    let (mut digits, mut scale) = (0u64, 0i32);
    for (part, is_frac) in [(int, false), (frac, true)] {
        for b in part.bytes() {
            if !b.is_ascii_digit() {
                return None;
            }
            if digits < 100_000_000_000_000_000 {
                digits = digits * 10 + u64::from(b - b'0');
                scale -= i32::from(is_frac);
            } else {
                scale += i32::from(!is_frac);
            }
        }
    }
    if let Some(e) = exp {
        let (eneg, ed) = match e.as_bytes().first()? {
            b'-' => (true, &e[1..]),
            b'+' => (false, &e[1..]),
            _ => (false, e),
        };
        if ed.is_empty() {
            return None;
        }
        let mut n = 0i32;
        for b in ed.bytes() {
            if !b.is_ascii_digit() {
                return None;
            }
            n = (n * 10 + i32::from(b - b'0')).min(10_000);
        }
        scale += if eneg { -n } else { n };
    }
    // One correctly rounded operation on exact operands (10^k is exact up to k = 22).
    let v = if scale < 0 {
        digits as f64 / 10f64.powi(-scale)
    } else {
        digits as f64 * 10f64.powi(scale)
    };
    Some(if neg { -v } else { v })
}

/// A whole number typed or linked (`"8"`, `" 120 "`), with the message every form and link uses
/// when it is not one (a negative one is said to be negative). An empty string says "no number given": a browser hands over an empty
/// value for a number box holding text that is not a number.
pub fn parse_whole(s: &str) -> Result<u64, String> {
    let t = s.trim();
    if t.is_empty() {
        return Err("no number given".into());
    }
    if t.len() > 1 && t.starts_with('-') && t[1..].bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("{t} is negative"));
    }
    let digits = t.strip_prefix('+').unwrap_or(t);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        // Only digits, and still not a u64: a whole number, far too large.
        return t.parse::<u64>().map_err(|_| format!("{t} is too large"));
    }
    Err(format!("\"{t}\" is not a whole number"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers_and_their_messages() {
        assert_eq!(parse_whole(" 120 "), Ok(120));
        assert_eq!(parse_whole("").unwrap_err(), "no number given");
        assert_eq!(parse_whole("  ").unwrap_err(), "no number given");
        assert_eq!(parse_whole("-5").unwrap_err(), "-5 is negative");
        assert_eq!(
            parse_whole("-5x").unwrap_err(),
            "\"-5x\" is not a whole number"
        );
        assert_eq!(
            parse_whole("1e3").unwrap_err(),
            "\"1e3\" is not a whole number"
        );
        assert_eq!(
            parse_whole("99999999999999999999999").unwrap_err(),
            "99999999999999999999999 is too large"
        );
        assert_eq!(parse_whole("18446744073709551615"), Ok(u64::MAX));
    }

    #[test]
    fn fixed_matches_std_on_the_values_the_site_shows() {
        for d in 0..=3u32 {
            // Times in us shown as s or ms, rates, sizes: integers over powers of ten.
            for i in -20_000i64..20_000 {
                for div in [1.0, 10.0, 1000.0, 1_000_000.0, 1024.0, 3.0] {
                    let v = i as f64 / div;
                    let want = format!("{v:.*}", d as usize);
                    let want = if want.starts_with('-')
                        && want[1..].bytes().all(|b| b == b'0' || b == b'.')
                    {
                        want[1..].to_string()
                    } else {
                        want
                    };
                    assert_eq!(fixed(v, d), want, "{v} with {d} decimals");
                }
            }
        }
        assert_eq!(fixed(2.5, 0), "2");
        assert_eq!(fixed(3.5, 0), "4");
        assert_eq!(fixed(0.125, 2), "0.12");
        assert_eq!(fixed(1234567.891, 1), "1234567.9");
        assert_eq!(fixed(f64::NAN, 1), "-");
        for (v, want) in [
            (1.5, "1.5"),
            (2.0, "2"),
            (0.25, "0.25"),
            (12.3456789, "12.346"),
            (-0.0001, "0"),
        ] {
            assert_eq!(short(v, 3), want, "{v}");
        }
        for us in [
            0u64, 1, 250_000, 1_500_000, 2_000_000, 3_141_593, 29_999_999,
        ] {
            let v = us as f64 / 1e6;
            assert_eq!(short(v, 6), format!("{v}"), "{us} us");
        }
        assert_eq!(fixed(f64::INFINITY, 1), "-");
    }

    #[test]
    fn parse_decimal_matches_the_std_parser_on_ui_inputs() {
        for s in [
            "0",
            "12",
            "-0.25",
            "0.25",
            "0.5",
            "1",
            "2",
            "4",
            "8",
            "1.5",
            " 7 ",
            "+3",
            ".5",
            "5.",
            "1250",
            "1.25",
            "1250000",
            "123456.789",
            "1e3",
            "1.5E-3",
            "2e+2",
            "0.1",
            "0.3",
            "1234567890.12345",
            "999999999999999",
        ] {
            assert_eq!(parse(s), s.trim().parse::<f64>().ok(), "{s:?}");
        }
        for s in [
            "", "-", ".", "abc", "1.2.3", "1e", "e5", "--1", "inf", "NaN", "1,5",
        ] {
            assert_eq!(parse(s), None, "{s:?}");
        }
    }
}
