//! The one range rule every config section states its fields with ([`check`]), and the
//! error a section reports ([`FieldError`]).

use super::ConfigError;
use std::fmt;
use std::ops::Bound;

/// A rule one section breaks: the field with its section (`array.rows`, `slicing.cell_bits[3]`,
/// `arch.vfu_lanes`) and what is allowed. [`Config::validate`] adds the origin.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub(crate) fn new(field: &str, message: String) -> FieldError {
        FieldError {
            field: field.to_string(),
            message,
        }
    }

    pub(super) fn at(self, origin: &str) -> ConfigError {
        ConfigError::Invalid {
            origin: origin.to_string(),
            field: self.field,
            message: self.message,
        }
    }
}

/// What a range can bound: the unsigned integers and the floats of the config.
pub(crate) trait Number: Copy + PartialOrd + fmt::Display {
    const ZERO: Self;
    /// A side without a bound still refuses infinities (and NaN): "positive" means a number.
    fn is_finite(self) -> bool {
        true
    }
}

impl Number for u32 {
    const ZERO: u32 = 0;
}

impl Number for u64 {
    const ZERO: u64 = 0;
}

impl Number for usize {
    const ZERO: usize = 0;
}

impl Number for f64 {
    const ZERO: f64 = 0.0;
    fn is_finite(self) -> bool {
        f64::is_finite(self)
    }
}

/// One end of an allowed range; named when another field sets it, so that the message says
/// where the number comes from (`word_bits (16)`).
#[derive(Clone, Copy)]
pub(crate) struct Limit<T> {
    value: T,
    name: Option<&'static str>,
}

impl<T> From<T> for Limit<T> {
    fn from(value: T) -> Limit<T> {
        Limit { value, name: None }
    }
}

pub(crate) fn named<T>(name: &'static str, value: T) -> Limit<T> {
    Limit {
        value,
        name: Some(name),
    }
}

impl<T: fmt::Display> fmt::Display for Limit<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name {
            Some(name) => write!(f, "{name} ({})", self.value),
            None => write!(f, "{}", self.value),
        }
    }
}

/// The values a numeric field may hold, as [`check`] tests and states them. Built from one
/// side ([`within`], [`at_least`], [`above`], [`at_most`], [`below`], [`positive`],
/// [`non_negative`]) and, when both are needed, the other (`at_least(0.0).below(1.0)`).
pub(crate) struct Allowed<T> {
    lo: Bound<Limit<T>>,
    hi: Bound<Limit<T>>,
    /// An allowed value outside the range, which the caller has already let through
    /// (`"lossless"`); named so that the message lists it.
    or: Option<&'static str>,
    /// What the number is or why the range holds, for the message.
    note: Option<&'static str>,
}

/// `lo..=hi`.
pub(crate) fn within<T>(lo: impl Into<Limit<T>>, hi: impl Into<Limit<T>>) -> Allowed<T> {
    at_least(lo).at_most(hi)
}

pub(crate) fn at_least<T>(lo: impl Into<Limit<T>>) -> Allowed<T> {
    Allowed::from_bounds(Bound::Included(lo.into()), Bound::Unbounded)
}

pub(crate) fn above<T>(lo: impl Into<Limit<T>>) -> Allowed<T> {
    Allowed::from_bounds(Bound::Excluded(lo.into()), Bound::Unbounded)
}

pub(crate) fn at_most<T>(hi: impl Into<Limit<T>>) -> Allowed<T> {
    Allowed::from_bounds(Bound::Unbounded, Bound::Included(hi.into()))
}

pub(crate) fn below<T>(hi: impl Into<Limit<T>>) -> Allowed<T> {
    Allowed::from_bounds(Bound::Unbounded, Bound::Excluded(hi.into()))
}

/// The most one event may cost or last: large enough for any physical constant, small
/// enough that totals over any run stay finite numbers (1e308 would give infinite sums).
pub(crate) const MAX_EVENT: f64 = 1e9;

/// An energy per event: at least 0 pJ, at most [`MAX_EVENT`] (1 mJ).
pub(crate) fn energy_pj() -> Allowed<f64> {
    within(0.0, MAX_EVENT).note("pJ per event")
}

/// A duration: above 0 ns, at most [`MAX_EVENT`] (1 s).
pub(crate) fn duration_ns() -> Allowed<f64> {
    above(0.0).at_most(MAX_EVENT)
}

impl<T> Allowed<T> {
    fn from_bounds(lo: Bound<Limit<T>>, hi: Bound<Limit<T>>) -> Allowed<T> {
        Allowed {
            lo,
            hi,
            or: None,
            note: None,
        }
    }

    pub(crate) fn at_most(self, hi: impl Into<Limit<T>>) -> Allowed<T> {
        Allowed {
            hi: Bound::Included(hi.into()),
            ..self
        }
    }

    pub(crate) fn below(self, hi: impl Into<Limit<T>>) -> Allowed<T> {
        Allowed {
            hi: Bound::Excluded(hi.into()),
            ..self
        }
    }

    pub(crate) fn or(self, alternative: &'static str) -> Allowed<T> {
        Allowed {
            or: Some(alternative),
            ..self
        }
    }

    pub(crate) fn note(self, note: &'static str) -> Allowed<T> {
        Allowed {
            note: Some(note),
            ..self
        }
    }
}

impl<T: Number> Allowed<T> {
    fn admits(&self, v: T) -> bool {
        let above_lo = match self.lo {
            Bound::Included(lo) => v >= lo.value,
            Bound::Excluded(lo) => v > lo.value,
            Bound::Unbounded => v.is_finite(),
        };
        let below_hi = match self.hi {
            Bound::Included(hi) => v <= hi.value,
            Bound::Excluded(hi) => v < hi.value,
            Bound::Unbounded => v.is_finite(),
        };
        above_lo && below_hi
    }
}

impl<T: Number> fmt::Display for Allowed<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Bound::{Excluded, Included, Unbounded};
        let zero = |l: &Limit<T>| l.name.is_none() && l.value == T::ZERO;
        match (&self.lo, &self.hi) {
            (Included(lo), Included(hi)) => write!(f, "{lo}..={hi}"),
            (Included(lo), Excluded(hi)) => write!(f, "in [{lo}, {hi})"),
            (Excluded(lo), Included(hi)) => write!(f, "in ({lo}, {hi}]"),
            (Excluded(lo), Excluded(hi)) => write!(f, "in ({lo}, {hi})"),
            (Included(lo), Unbounded) if zero(lo) => f.write_str("non-negative"),
            (Excluded(lo), Unbounded) if zero(lo) => f.write_str("positive"),
            (Included(lo), Unbounded) => write!(f, "at least {lo}"),
            (Excluded(lo), Unbounded) => write!(f, "above {lo}"),
            (Unbounded, Included(hi)) => write!(f, "at most {hi}"),
            (Unbounded, Excluded(hi)) => write!(f, "below {hi}"),
            (Unbounded, Unbounded) => f.write_str("finite"),
        }?;
        match self.or {
            Some(alternative) => write!(f, " or {alternative}"),
            None => Ok(()),
        }
    }
}

/// The one range rule of every section: `field` holds `value`, which must be `allowed`.
/// The message states the range and the value: "must be 1..=1024, found 0". The sections
/// keep their rules one a line (`#[rustfmt::skip]`), to read like the table of docs/config.md.
pub(crate) fn check<T: Number>(
    field: &str,
    value: T,
    allowed: Allowed<T>,
) -> Result<(), FieldError> {
    if allowed.admits(value) {
        return Ok(());
    }
    let note = allowed.note.map(|n| format!(" ({n})")).unwrap_or_default();
    Err(FieldError::new(
        field,
        format!("must be {allowed}, found {value}{note}"),
    ))
}
