//! Randomized testbenches of every exported top against the golden model, the registry of
//! tops ([`tops::TOPS`]), and the stimulus the level-comparing tests share: small
//! configs, random words and op sequences.

/// Return an `Err` naming what differs when the RTL value is not the golden one.
macro_rules! ensure_eq {
    ($got:expr, $want:expr, $($what:tt)+) => {{
        let (g, w) = (&$got, &$want);
        if g != w {
            return Err(format!("{}: RTL {:?}, golden {:?}", format!($($what)+), g, w));
        }
    }};
}

pub mod stimulus;
pub mod sv_testbench;
pub mod testbench;
pub mod tops;

pub use stimulus::*;
