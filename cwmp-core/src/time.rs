//! A monotonic clock the caller supplies.
//!
//! The library owns no clock: every `handle_*` call receives the current
//! [`Instant`], and deadlines come back as `Instant`s for the caller's timer.
//! Resolution is one millisecond; the epoch is whatever the caller's clock
//! counts from (boot, say). Arithmetic saturates instead of overflowing.
//!
//! ```
//! use cwmp_core::{Duration, Instant};
//!
//! let boot = Instant::from_millis(0);
//! let deadline = boot + Duration::from_secs(30);
//! assert_eq!(deadline.duration_since(boot), Duration::from_secs(30));
//! assert!(deadline > boot);
//! ```

use core::fmt;
use core::ops::{Add, AddAssign, Sub};

/// A point on the caller's monotonic clock, in milliseconds since its epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Instant(u64);

/// A span of time, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Duration(u64);

impl Instant {
    /// The clock's epoch.
    pub const ZERO: Instant = Instant(0);

    /// From milliseconds since the caller's epoch.
    pub const fn from_millis(ms: u64) -> Instant {
        Instant(ms)
    }
    /// From seconds since the caller's epoch.
    pub const fn from_secs(s: u64) -> Instant {
        Instant(s.saturating_mul(1000))
    }
    /// Milliseconds since the epoch.
    pub const fn as_millis(self) -> u64 {
        self.0
    }
    /// Time elapsed from `earlier` to `self`; zero if `earlier` is later.
    pub const fn duration_since(self, earlier: Instant) -> Duration {
        Duration(self.0.saturating_sub(earlier.0))
    }
    /// `self + d`, or `None` on overflow.
    pub const fn checked_add(self, d: Duration) -> Option<Instant> {
        match self.0.checked_add(d.0) {
            Some(v) => Some(Instant(v)),
            None => None,
        }
    }
}

impl Duration {
    /// Zero.
    pub const ZERO: Duration = Duration(0);
    /// The longest representable span.
    pub const MAX: Duration = Duration(u64::MAX);

    /// From milliseconds.
    pub const fn from_millis(ms: u64) -> Duration {
        Duration(ms)
    }
    /// From seconds (saturating).
    pub const fn from_secs(s: u64) -> Duration {
        Duration(s.saturating_mul(1000))
    }
    /// Whole milliseconds.
    pub const fn as_millis(self) -> u64 {
        self.0
    }
    /// Whole seconds (truncated).
    pub const fn as_secs(self) -> u64 {
        self.0 / 1000
    }
    /// Saturating multiplication by an integer.
    pub const fn saturating_mul(self, n: u64) -> Duration {
        Duration(self.0.saturating_mul(n))
    }
}

impl Add<Duration> for Instant {
    type Output = Instant;
    /// Saturating.
    fn add(self, d: Duration) -> Instant {
        Instant(self.0.saturating_add(d.0))
    }
}

impl AddAssign<Duration> for Instant {
    fn add_assign(&mut self, d: Duration) {
        *self = *self + d;
    }
}

impl Sub<Instant> for Instant {
    type Output = Duration;
    /// Saturating at zero.
    fn sub(self, earlier: Instant) -> Duration {
        self.duration_since(earlier)
    }
}

impl Add for Duration {
    type Output = Duration;
    /// Saturating.
    fn add(self, d: Duration) -> Duration {
        Duration(self.0.saturating_add(d.0))
    }
}

impl Sub for Duration {
    type Output = Duration;
    /// Saturating at zero.
    fn sub(self, d: Duration) -> Duration {
        Duration(self.0.saturating_sub(d.0))
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:03}s", self.0 / 1000, self.0 % 1000)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saturating_arithmetic() {
        let t = Instant::from_millis(u64::MAX - 1);
        assert_eq!(t + Duration::from_secs(5), Instant::from_millis(u64::MAX));
        assert_eq!(t.checked_add(Duration::from_secs(5)), None);
        assert_eq!(Instant::ZERO - t, Duration::ZERO);
        assert_eq!(Duration::from_secs(u64::MAX), Duration::MAX);
        assert_eq!(std::format!("{}", Duration::from_millis(5_042)), "5.042s");
    }
}
