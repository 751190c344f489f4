//! Periodic Informs (`ManagementServer.PeriodicInformEnable`,
//! `PeriodicInformInterval`, `PeriodicInformTime`) and one-time Informs
//! requested by ScheduleInform (TR-069 §3.2.1; Annex A ScheduleInform),
//! folded into one deadline.
//!
//! # Phase
//!
//! `PeriodicInformTime` sets only the phase: periodic Informs happen at that
//! time plus or minus whole multiples of `PeriodicInformInterval`, and it
//! may lie far in the past or the future (TR-181 `ManagementServer.`).
//! The Unknown Time `0001-01-01T00:00:00Z` means "no phase": the CPE picks
//! its own reference, here the moment the settings were applied. A phase
//! also needs the CPE's own UTC time; until the CPE knows it (no NTP yet),
//! it behaves as with the Unknown Time.
//!
//! # Clocks
//!
//! Deadlines are [`Instant`]s on the caller's monotonic clock. The mapping
//! to wall-clock time is the caller's: every call that needs it takes
//! `utc: Option<i64>`, the CPE's current UTC time in Unix seconds when it
//! knows it (at the same moment as `now`), `None` when it does not. After
//! the clock is set (NTP) or jumps, call [`Periodic::resync`].
//!
//! # ScheduleInform
//!
//! [`Periodic::schedule_inform`] records `DelaySeconds` + CommandKey; when
//! due, [`Periodic::poll_due`] returns [`Due::Scheduled`], which the session
//! turns into `3 SCHEDULED` + `M ScheduleInform` with that CommandKey
//! ([`Due::queue_events`]). At most `S` (default 8) are pending; one more is
//! fault 9004 (Resources exceeded). Pending ScheduleInforms are not part of
//! the persisted image: their deadlines are monotonic instants that mean
//! nothing after a reboot (TR-069 leaves their fate across a reboot to the
//! CPE).
//!
//! ```
//! use cwmp_core::{DateTime, Duration, Instant};
//! use cwmp_session::cpe::periodic::{Due, Periodic};
//!
//! let mut p: Periodic = Periodic::new();
//! let now = Instant::from_secs(10);
//! // Inform every hour, on the hour (phase 2024-01-01T00:00:00Z); it is 00:59:00 UTC.
//! let phase = DateTime::parse("2024-01-01T00:00:00Z").unwrap();
//! let utc = phase.to_unix().unwrap() + 59 * 60;
//! p.configure(now, Some(utc), true, 3600, phase).unwrap();
//! assert_eq!(p.poll_timeout(), Some(now + Duration::from_secs(60)));
//! p.schedule_inform(now, 5, "ck").unwrap();
//! assert_eq!(p.poll_timeout(), Some(now + Duration::from_secs(5)));
//! let due = p.poll_due(now + Duration::from_secs(5), None);
//! assert!(matches!(due, Some(Due::Scheduled(ref k)) if k.as_str() == "ck"));
//! ```
//!
//! `size_of::<Periodic<8>>()` is 432 bytes on 64-bit hosts (pinned by a test).

use cwmp_core::{DateTime, Duration, EventCode, FaultCode, Instant};

use super::CommandKey;
use super::events::{EventError, EventQueue};

/// A `PeriodicInformInterval` of 0 (TR-181 requires ≥ 1); fault 9007 for
/// the SetParameterValues that tried it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[error("PeriodicInformInterval must be at least 1 second")]
pub struct ZeroInterval;

/// An Inform that came due.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Due {
    /// The periodic interval elapsed: `2 PERIODIC`.
    Periodic,
    /// A ScheduleInform came due: `3 SCHEDULED` + `M ScheduleInform` with
    /// this CommandKey.
    Scheduled(CommandKey),
}

impl Due {
    /// Queues the events this Inform reason stands for.
    pub fn queue_events<const N: usize>(&self, events: &mut EventQueue<N>) -> Result<(), EventError> {
        match self {
            Due::Periodic => events.add(EventCode::Periodic, "").map(|_| ()),
            Due::Scheduled(key) => {
                events.add(EventCode::Method("ScheduleInform"), key)?;
                events.add(EventCode::Scheduled, "").map(|_| ())
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Scheduled {
    at: Instant,
    command_key: CommandKey,
}

/// Periodic and scheduled Inform timing. See the module docs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Periodic<const S: usize = 8> {
    enabled: bool,
    interval: u32,
    /// PeriodicInformTime in Unix seconds; `None` for the Unknown Time.
    phase: Option<i64>,
    next: Option<Instant>,
    scheduled: heapless::Vec<Scheduled, S>,
}

impl<const S: usize> Default for Periodic<S> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const S: usize> Periodic<S> {
    /// Periodic informs disabled, nothing scheduled.
    pub const fn new() -> Self {
        Periodic { enabled: false, interval: 3600, phase: None, next: None, scheduled: heapless::Vec::new() }
    }

    /// Applies `PeriodicInformEnable`, `PeriodicInformInterval` (seconds,
    /// ≥ 1) and `PeriodicInformTime`, recomputing the next periodic Inform.
    /// A time with no zone is read as UTC.
    pub fn configure(
        &mut self,
        now: Instant,
        utc: Option<i64>,
        enable: bool,
        interval: u32,
        time: DateTime,
    ) -> Result<(), ZeroInterval> {
        if interval == 0 {
            return Err(ZeroInterval);
        }
        self.enabled = enable;
        self.interval = interval;
        self.phase = if time.is_unknown() { None } else { Some(time.to_unix().unwrap_or(time.to_unix_assuming_utc())) };
        self.next = self.first_after(now, utc);
        Ok(())
    }

    /// The CPE's wall clock was set or jumped: re-aligns the next periodic
    /// Inform to the phase.
    pub fn resync(&mut self, now: Instant, utc: Option<i64>) {
        self.next = self.first_after(now, utc);
    }

    /// The next periodic Inform strictly after `now`.
    fn first_after(&self, now: Instant, utc: Option<i64>) -> Option<Instant> {
        if !self.enabled {
            return None;
        }
        let interval = i64::from(self.interval);
        let wait = match (self.phase, utc) {
            (Some(phase), Some(utc)) => match phase.wrapping_sub(utc).rem_euclid(interval) {
                0 => interval,
                d => d,
            },
            _ => interval,
        };
        Some(now + Duration::from_secs(wait as u64))
    }

    /// Records a ScheduleInform: an Inform `delay_seconds` from `now` with
    /// `3 SCHEDULED` and `M ScheduleInform` carrying `command_key`. Fault
    /// 9004 when `S` are already pending, 9003 for a CommandKey over 32
    /// bytes.
    pub fn schedule_inform(&mut self, now: Instant, delay_seconds: u32, command_key: &str) -> Result<(), FaultCode> {
        let command_key = super::command_key(command_key).ok_or(FaultCode::INVALID_ARGUMENTS)?;
        let at = now + Duration::from_secs(u64::from(delay_seconds));
        self.scheduled.push(Scheduled { at, command_key }).map_err(|_| FaultCode::RESOURCES_EXCEEDED)
    }

    /// Number of pending ScheduleInforms.
    pub fn scheduled_len(&self) -> usize {
        self.scheduled.len()
    }

    /// Drops every pending ScheduleInform (after `0 BOOTSTRAP`: a new ACS
    /// did not ask for them).
    pub fn clear_scheduled(&mut self) {
        self.scheduled.clear();
    }

    /// The earliest instant at which [`Periodic::poll_due`] returns
    /// something.
    pub fn poll_timeout(&self) -> Option<Instant> {
        let sched = self.scheduled.iter().map(|s| s.at).min();
        match (self.next, sched) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// The next Inform reason due at `now`, if any; call until `None`.
    /// After a periodic one the next periodic Inform is set one interval
    /// on (re-aligned to the phase when `utc` is known; without a phase
    /// it keeps the cadence of the previous deadline unless that is already
    /// past).
    pub fn poll_due(&mut self, now: Instant, utc: Option<i64>) -> Option<Due> {
        if let Some(next) = self.next
            && next <= now
        {
            let cadence = next + Duration::from_secs(u64::from(self.interval));
            self.next = match (self.phase, utc) {
                (Some(_), Some(_)) => self.first_after(now, utc),
                _ if cadence > now => Some(cadence),
                _ => self.first_after(now, utc),
            };
            return Some(Due::Periodic);
        }
        let i =
            self.scheduled.iter().enumerate().filter(|(_, s)| s.at <= now).min_by_key(|(_, s)| s.at).map(|(i, _)| i)?;
        Some(Due::Scheduled(self.scheduled.remove(i).command_key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periodic_state_size_is_pinned() {
        assert_eq!(core::mem::size_of::<Periodic<8>>(), 432);
    }
}
