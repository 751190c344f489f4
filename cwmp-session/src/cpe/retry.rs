//! Session retry (TR-069 §3.2.1.1): how long the CPE waits before it tries
//! again after an unsuccessful session, and the `RetryCount` it reports.
//!
//! # The rule
//!
//! After the n-th consecutive failed attempt the CPE waits a time drawn
//! uniformly from
//!
//! ```text
//! [ m · (k/1000)^(n−1) , m · (k/1000)^n ]  seconds,  n capped at 10
//! ```
//!
//! where `m` is `ManagementServer.CWMPRetryMinimumWaitInterval` (1–65535 s,
//! default 5) and `k` is `ManagementServer.CWMPRetryIntervalMultiplier`
//! (1000–65535, in thousandths, default 2000). For n ≥ 10 the range of
//! n = 10 is used again. Defaults give 5–10 s, 10–20 s, … 2560–5120 s
//! (TR-069 §3.2.1.1 table; TR-181 `ManagementServer.` descriptions;
//! `SPEC-FACTS.md` §8).
//!
//! A session is successful once the Inform completed (the InformResponse
//! arrived); [`Retry::inform_acknowledged`] then resets `RetryCount` to 0.
//! Each failed attempt increments it, so the Inform of the n-th retry
//! carries `RetryCount = n` ([`Retry::retry_count`]).
//!
//! # Arithmetic
//!
//! The bounds are computed exactly, in integer milliseconds, as
//! `⌊m · k^j / 1000^(j−1)⌋` ms for `j = n−1, n`. With m, k ≤ 65535 and
//! j ≤ 10 the numerator needs up to 176 bits, more than `u128`, so it is
//! formed in a three-limb (192-bit) integer (`Wide`, twenty lines: no
//! allowed dependency offers a fixed-width big integer in `no_std`); a
//! quotient that does not fit `u64` milliseconds saturates to
//! [`Duration::MAX`] (≈ 584 million years; only m and k near their
//! maxima get there, where the spec's upper bound is ~3·10^15 years).
//! Nothing overflows for any allowed m and k.
//!
//! # Randomness
//!
//! The caller passes 64 random bits per draw. The wait is
//! `lo + ⌊r · (hi − lo + 1) / 2^64⌋` ms (a multiply-shift, no modulo): its
//! bias is below `(hi − lo + 1) / 2^64`, less than 10⁻¹² for any range of
//! up to ~200 days, which is negligible for jitter.
//!
//! # How the session uses it
//!
//! ```
//! use cwmp_core::{Duration, Instant};
//! use cwmp_session::cpe::retry::{Retry, RetryPolicy};
//!
//! let mut retry = Retry::new(RetryPolicy::DEFAULT);
//! let now = Instant::from_secs(100);
//! // The attempt failed (no connection, no InformResponse, …):
//! let at = retry.session_failed(now, 0x8000_0000_0000_0000);
//! assert_eq!(retry.retry_count(), 1); // goes into the next Inform
//! let waited = at - now;
//! assert!(waited >= Duration::from_secs(5) && waited <= Duration::from_secs(10));
//! assert_eq!(retry.poll_timeout(), Some(at));
//! // Next attempt: InformResponse received.
//! retry.inform_acknowledged();
//! assert_eq!((retry.retry_count(), retry.poll_timeout()), (0, None));
//! ```
//!
//! `size_of::<Retry>()` is 24 bytes (pinned by a test).

use cwmp_core::{Duration, Instant};

/// The retry parameters of `ManagementServer`: m and k.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct RetryPolicy {
    min_wait: u16,
    multiplier: u16,
}

/// A retry parameter outside its range (TR-181: m 1–65535, k 1000–65535).
/// The data model answers SetParameterValues with fault 9007 for these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum RetryPolicyError {
    /// `CWMPRetryMinimumWaitInterval` not in 1–65535.
    #[error("CWMPRetryMinimumWaitInterval {0} not in 1..=65535")]
    MinimumWaitInterval(u32),
    /// `CWMPRetryIntervalMultiplier` not in 1000–65535.
    #[error("CWMPRetryIntervalMultiplier {0} not in 1000..=65535")]
    IntervalMultiplier(u32),
}

/// The retry number from which the wait range stops growing.
pub const RETRY_CAP: u32 = 10;

impl RetryPolicy {
    /// m = 5 s, k = 2000 (the TR-181 defaults).
    pub const DEFAULT: RetryPolicy = RetryPolicy { min_wait: 5, multiplier: 2000 };

    /// From the two parameter values, checking their ranges.
    pub const fn new(min_wait_interval: u32, interval_multiplier: u32) -> Result<RetryPolicy, RetryPolicyError> {
        if min_wait_interval < 1 || min_wait_interval > 65535 {
            return Err(RetryPolicyError::MinimumWaitInterval(min_wait_interval));
        }
        if interval_multiplier < 1000 || interval_multiplier > 65535 {
            return Err(RetryPolicyError::IntervalMultiplier(interval_multiplier));
        }
        Ok(RetryPolicy { min_wait: min_wait_interval as u16, multiplier: interval_multiplier as u16 })
    }

    /// `CWMPRetryMinimumWaitInterval`, seconds.
    pub const fn min_wait_interval(&self) -> u32 {
        self.min_wait as u32
    }

    /// `CWMPRetryIntervalMultiplier`, thousandths.
    pub const fn interval_multiplier(&self) -> u32 {
        self.multiplier as u32
    }

    /// `m · (k/1000)^j` seconds as whole milliseconds (floor), saturating.
    fn scaled(&self, j: u32) -> Duration {
        // m·1000·k^j / 1000^j ms: multiply first, then divide; repeated
        // floor division equals one floor division by the product.
        let mut exact = Wide::from(self.min_wait as u64 * 1000);
        for _ in 0..j {
            exact.mul(self.multiplier as u64);
        }
        for _ in 0..j {
            exact.div(1000);
        }
        Duration::from_millis(exact.to_u64_saturating())
    }

    /// The wait range of retry `n` (1-based; 0 is treated as 1, n > 10 as
    /// 10), inclusive, in milliseconds.
    pub fn bounds(&self, n: u32) -> (Duration, Duration) {
        let n = n.clamp(1, RETRY_CAP);
        (self.scaled(n - 1), self.scaled(n))
    }

    /// A wait for retry `n` drawn from [`RetryPolicy::bounds`] with the
    /// caller's 64 random bits.
    pub fn draw(&self, n: u32, random: u64) -> Duration {
        let (lo, hi) = self.bounds(n);
        let span = (hi.as_millis() - lo.as_millis()) as u128 + 1;
        let offset = ((random as u128 * span) >> 64) as u64;
        Duration::from_millis(lo.as_millis().saturating_add(offset))
    }
}

impl Default for RetryPolicy {
    fn default() -> RetryPolicy {
        RetryPolicy::DEFAULT
    }
}

/// A 192-bit unsigned integer: just enough for `m · k^10 · 1000`.
#[derive(Clone, Copy)]
struct Wide([u64; 3]);

impl Wide {
    fn from(v: u64) -> Wide {
        Wide([v, 0, 0])
    }
    /// `self *= f`; the top limb keeps the carry (m·k^10·1000 < 2^186).
    fn mul(&mut self, f: u64) {
        let mut carry = 0u128;
        for limb in &mut self.0 {
            let p = *limb as u128 * f as u128 + carry;
            *limb = p as u64;
            carry = p >> 64;
        }
    }
    /// `self /= d` (floor).
    fn div(&mut self, d: u64) {
        let mut rem = 0u128;
        for limb in self.0.iter_mut().rev() {
            let cur = (rem << 64) | *limb as u128;
            *limb = (cur / d as u128) as u64;
            rem = cur % d as u128;
        }
    }
    fn to_u64_saturating(self) -> u64 {
        if self.0[1] != 0 || self.0[2] != 0 { u64::MAX } else { self.0[0] }
    }
}

/// The retry state of a CPE: the policy, `RetryCount`, and the time of the
/// next attempt while one is scheduled. Plain `Copy` data; persist
/// [`Retry::retry_count`] across reboots (see `cpe::persist`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Retry {
    policy: RetryPolicy,
    count: u32,
    next: Option<Instant>,
}

impl Retry {
    /// No failure yet: `RetryCount` 0, nothing scheduled.
    pub const fn new(policy: RetryPolicy) -> Retry {
        Retry { policy, count: 0, next: None }
    }

    /// Restores a persisted `RetryCount` (no attempt scheduled: after a
    /// reboot the CPE informs at once with `1 BOOT`).
    pub const fn with_retry_count(policy: RetryPolicy, count: u32) -> Retry {
        Retry { policy, count, next: None }
    }

    /// The policy in force.
    pub const fn policy(&self) -> RetryPolicy {
        self.policy
    }

    /// Applies new m / k (after the ACS set them); an already scheduled
    /// attempt keeps its time, the next failure uses the new values.
    pub fn set_policy(&mut self, policy: RetryPolicy) {
        self.policy = policy;
    }

    /// `RetryCount` for the next Inform: the number of consecutive failed
    /// attempts since the last successful one.
    pub const fn retry_count(&self) -> u32 {
        self.count
    }

    /// The session failed before (or without) its InformResponse, or ended
    /// abnormally: counts the failure and schedules the next attempt
    /// `draw(count)` from `now`. Returns that instant.
    pub fn session_failed(&mut self, now: Instant, random: u64) -> Instant {
        self.count = self.count.saturating_add(1);
        let at = now + self.policy.draw(self.count, random);
        self.next = Some(at);
        at
    }

    /// The InformResponse arrived: the session is successful, `RetryCount`
    /// returns to 0 and no retry is pending.
    pub fn inform_acknowledged(&mut self) {
        self.count = 0;
        self.next = None;
    }

    /// A new attempt is starting (the deadline came, or a new event asked
    /// for a session earlier): forget the scheduled time, keep the count.
    pub fn attempt_started(&mut self) {
        self.next = None;
    }

    /// When the next attempt is due, if one is scheduled.
    pub const fn poll_timeout(&self) -> Option<Instant> {
        self.next
    }

    /// Whether the scheduled attempt is due at `now`.
    pub fn is_due(&self, now: Instant) -> bool {
        self.next.is_some_and(|t| t <= now)
    }
}

impl Default for Retry {
    fn default() -> Retry {
        Retry::new(RetryPolicy::DEFAULT)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_state_size_is_pinned() {
        assert_eq!(core::mem::size_of::<Retry>(), 24);
        assert_eq!(core::mem::size_of::<RetryPolicy>(), 4);
    }

    #[test]
    fn retry_default_table_matches_the_spec() {
        let p = RetryPolicy::DEFAULT;
        let table = [
            (5, 10),
            (10, 20),
            (20, 40),
            (40, 80),
            (80, 160),
            (160, 320),
            (320, 640),
            (640, 1280),
            (1280, 2560),
            (2560, 5120),
        ];
        for (i, (lo, hi)) in table.iter().enumerate() {
            assert_eq!(p.bounds(i as u32 + 1), (Duration::from_secs(*lo), Duration::from_secs(*hi)));
        }
        assert_eq!(p.bounds(11), p.bounds(10));
        assert_eq!(p.bounds(u32::MAX), p.bounds(10));
    }

    #[test]
    fn retry_policy_ranges_are_checked() {
        assert_eq!(RetryPolicy::new(0, 2000), Err(RetryPolicyError::MinimumWaitInterval(0)));
        assert_eq!(RetryPolicy::new(65536, 2000), Err(RetryPolicyError::MinimumWaitInterval(65536)));
        assert_eq!(RetryPolicy::new(5, 999), Err(RetryPolicyError::IntervalMultiplier(999)));
        assert!(RetryPolicy::new(65535, 65535).is_ok());
    }

    #[test]
    fn retry_extremes_saturate_without_overflow() {
        let p = RetryPolicy::new(65535, 65535).unwrap();
        assert_eq!(p.bounds(10).1, Duration::MAX);
        let _ = p.draw(10, u64::MAX);
        let q = RetryPolicy::new(1, 1000).unwrap();
        assert_eq!(q.bounds(10), (Duration::from_secs(1), Duration::from_secs(1)));
        assert_eq!(q.draw(7, u64::MAX), Duration::from_secs(1));
    }
}
