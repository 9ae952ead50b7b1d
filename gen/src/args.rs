//! Value parsers of command-line numbers, one per kind, so that every command bounds them
//! the same way (clap reports the flag and the allowed range).

/// A seed: TOML integers are signed 64-bit, so larger seeds could not be written back to a
/// config or checkpoint.
pub fn seed(s: &str) -> Result<u64, String> {
    let v: u64 = s
        .parse()
        .map_err(|_| format!("`{s}` is not a whole number from 0 to {}", i64::MAX))?;
    if v > i64::MAX as u64 {
        return Err(format!(
            "must be at most {} (a signed 64-bit integer)",
            i64::MAX
        ));
    }
    Ok(v)
}

/// A whole number from `lo` to `hi`.
fn whole(s: &str, lo: u32, hi: u32) -> Result<u32, String> {
    let v: u32 = s
        .parse()
        .map_err(|_| format!("`{s}` is not a whole number from {lo} to {hi}"))?;
    if !(lo..=hi).contains(&v) {
        return Err(format!("must be from {lo} to {hi}, found {v}"));
    }
    Ok(v)
}

/// A count of random cases or ops: 1 to 100000 (each is held in memory).
pub fn cases(s: &str) -> Result<u32, String> {
    whole(s, 1, 100_000)
}

/// Training steps a measurement averages over: 1 to 1000 (each is a full simulated step).
pub fn steps(s: &str) -> Result<u32, String> {
    whole(s, 1, 1000)
}

/// A number `ok` accepts; otherwise an error saying what is `allowed`.
fn number(s: &str, allowed: &str, ok: impl Fn(f64) -> bool) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if ok(v) => Ok(v),
        Ok(_) => Err(format!("must be {allowed}, found {s}")),
        Err(_) => Err(format!("`{s}` is not a number; must be {allowed}")),
    }
}

/// A benchmark's measurement time: above 0 and at most an hour (`inf` would never end,
/// `NaN` and 0 measure nothing).
pub fn measurement_seconds(s: &str) -> Result<f64, String> {
    number(s, "above 0 and at most 3600 seconds", |v| {
        v > 0.0 && v <= 3600.0
    })
}

/// A power of two from 2^-16 to 1 (1, 0.5, 0.25, ...): a scale the hardware applies as a
/// shift.
pub fn power_of_two_scale(s: &str) -> Result<f64, String> {
    let allowed = "a power of two from 2^-16 to 1 (1, 0.5, 0.25, 0.0625, ...)";
    number(s, allowed, |v| {
        (1.0 / 65536.0..=1.0).contains(&v) && v.log2() == v.log2().round()
    })
}

/// A learning rate: finite and above 0.
pub fn learning_rate(s: &str) -> Result<f64, String> {
    number(s, "a finite number above 0", |v| v.is_finite() && v > 0.0)
}

/// A fraction strictly between 0 and 1.
pub fn open_fraction(s: &str) -> Result<f64, String> {
    number(s, "above 0 and below 1", |v| v > 0.0 && v < 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_hold_at_their_edges() {
        assert_eq!(seed("9223372036854775807"), Ok(i64::MAX as u64));
        assert!(seed("9223372036854775808").is_err());
        assert!(cases("0").is_err() && cases("100001").is_err() && cases("7") == Ok(7));
        for bad in ["inf", "NaN", "0", "-1", "3601"] {
            assert!(measurement_seconds(bad).is_err(), "{bad}");
        }
        for good in ["1", "0.5", "0.0625", "0.0000152587890625"] {
            assert!(power_of_two_scale(good).is_ok(), "{good}");
        }
        for bad in ["0.3", "NaN", "inf", "0", "2", "-0.5", "0.00000762939453125"] {
            assert!(power_of_two_scale(bad).is_err(), "{bad}");
        }
        assert!(learning_rate("NaN").is_err() && learning_rate("0").is_err());
        assert!(open_fraction("1").is_err() && open_fraction("0.2").is_ok());
    }
}
