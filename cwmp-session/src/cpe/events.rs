//! The pending Inform events and the rules that keep or discard them
//! (TR-069 §3.7.1.5 and Table 7; that table's text was not reachable, the
//! rules applied are the ones kept as data in [`cwmp_core::event`]).
//!
//! An [`EventQueue`] holds every event the ACS has not yet been told about,
//! in the order they occurred, each with its CommandKey. The Inform of the
//! next session lists them all ([`EventQueue::inform_events`]); the queue
//! then learns what happened to that Inform and applies the rules kept as
//! data in [`cwmp_core::event`]:
//!
//! | call | what the queue does |
//! |---|---|
//! | [`add`](EventQueue::add) | single codes (numbered and `X` vendor codes) merge into an undelivered instance; `M <method>` codes are one entry per occurrence; `0 BOOTSTRAP` first discards every other event ([`EventCode::discarded_by_bootstrap`]) |
//! | [`inform_sent`](EventQueue::inform_sent) | marks every listed event *in flight* |
//! | [`inform_acknowledged`](EventQueue::inform_acknowledged) | drops the in-flight events whose required response is the InformResponse; keeps the others (`7 TRANSFER COMPLETE`, `M Download`, …) until their own response |
//! | [`response_received`](EventQueue::response_received) | a TransferCompleteResponse (or another CPE-request response) drops the `M` event of that CommandKey, and the single code paired with it once no such request remains pending |
//! | [`session_failed`](EventQueue::session_failed) | drops what must not be retried (`6 CONNECTION REQUEST`), keeps the rest for the next attempt |
//! | [`rebooted`](EventQueue::rebooted) | on the restored queue after a restart: drops what does not survive a reboot ([`EventCode::kept_over_reboot`]) |
//!
//! An event added while an Inform is in flight is not in that Inform: it
//! stays undelivered, even if an identical single code is in flight (the two
//! merge again if the session fails). So nothing that occurred after an
//! Inform was built is ever discarded by that Inform's response.
//!
//! # Capacity and overflow
//!
//! The queue holds at most `N ≤ 64` events (an Inform's EventList holds at
//! most 64, cwmp-1-x.xsd). A single code that merges never needs room. When
//! a new entry does not fit, [`EventQueue::add`] returns
//! [`EventError::Full`] and leaves the queue unchanged: the caller learns the
//! event was not queued (the session logs it and, for `M` codes, answers the
//! originating RPC with fault 9004 before accepting it). Nothing is dropped
//! silently.
//!
//! # Life cycle the CPE session follows
//!
//! ```
//! use cwmp_core::{EventCode, event::RequiredResponse};
//! use cwmp_session::cpe::events::EventQueue;
//!
//! let mut q: EventQueue = EventQueue::new();
//! q.add(EventCode::Bootstrap, "").unwrap();        // first contact
//! q.add(EventCode::Boot, "").unwrap();             // every start
//! q.add(EventCode::TransferComplete, "").unwrap(); // a Download finished
//! q.add(EventCode::Method("Download"), "fw-42").unwrap();
//! let list: Vec<_> = q.inform_events().map(|(c, k)| (c.to_string(), k)).collect();
//! assert_eq!(list[3], ("M Download".to_string(), "fw-42"));
//! q.inform_sent();
//! q.inform_acknowledged(); // InformResponse: 0 and 1 delivered
//! assert_eq!(q.len(), 2);  // 7 and M Download wait for the TransferCompleteResponse
//! q.response_received(RequiredResponse::TransferCompleteResponse, "fw-42", false);
//! assert!(q.is_empty());
//! ```
//!
//! `size_of::<EventQueue<64>>()` is 6 344 bytes: 64 entries of 99 bytes
//! (code ≤ 64 and CommandKey ≤ 32 bytes with one-byte lengths, a flag)
//! plus the length (pinned by a test).

use core::fmt::Write as _;

use cwmp_core::event::RequiredResponse;
use cwmp_core::{EventCode, EventKind};

use super::CommandKey;

/// The most events one Inform carries (`EventList`, cwmp-1-x.xsd).
pub const MAX_INFORM_EVENTS: usize = 64;

/// Why an event was not queued.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum EventError {
    /// The queue already holds its capacity of events; nothing changed.
    #[error("event queue full ({capacity} events)")]
    Full {
        /// The queue's capacity.
        capacity: usize,
    },
    /// The code is longer than 64 characters or does not re-parse as an
    /// EventCode (e.g. a method name with a space).
    #[error("event code is not a valid EventCode of at most 64 characters")]
    BadCode,
    /// The CommandKey is longer than 32 bytes.
    #[error("CommandKey longer than 32 bytes")]
    CommandKeyTooLong,
}

/// What [`EventQueue::add`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Added {
    /// A new entry.
    New,
    /// A single code merged into the undelivered instance already queued.
    Merged,
}

/// One queued event: the code's text, its CommandKey, whether it is in the
/// Inform now in flight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingEvent {
    code: heapless::String<64, u8>,
    command_key: CommandKey,
    in_flight: bool,
}

impl PendingEvent {
    /// The event code (always valid: checked when queued or restored).
    pub fn code(&self) -> EventCode<'_> {
        // Validated on entry; the fallback is unreachable but total.
        EventCode::parse(&self.code).unwrap_or(EventCode::Other { number: 0, name: "" })
    }
    /// The code's text as it goes into the Inform.
    pub fn code_str(&self) -> &str {
        &self.code
    }
    /// The CommandKey (empty for most codes).
    pub fn command_key(&self) -> &str {
        &self.command_key
    }
    /// Whether the entry is in the Inform currently in flight.
    pub fn in_flight(&self) -> bool {
        self.in_flight
    }

    /// Builds an entry (validating code text and CommandKey); used by
    /// [`EventQueue::add`] and by the persisted image.
    pub(crate) fn new(code: EventCode<'_>, command_key: &str) -> Result<PendingEvent, EventError> {
        let mut text = heapless::String::<64, u8>::new();
        write!(text, "{code}").map_err(|_| EventError::BadCode)?;
        if EventCode::parse(&text) != Ok(code) {
            return Err(EventError::BadCode);
        }
        let command_key = super::command_key(command_key).ok_or(EventError::CommandKeyTooLong)?;
        Ok(PendingEvent { code: text, command_key, in_flight: false })
    }
}

/// The pending events of a CPE, at most `N` (≤ 64). See the module docs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventQueue<const N: usize = MAX_INFORM_EVENTS> {
    entries: heapless::Vec<PendingEvent, N>,
}

impl<const N: usize> Default for EventQueue<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> EventQueue<N> {
    const CAPACITY_FITS_ONE_INFORM: () = assert!(N <= MAX_INFORM_EVENTS, "an Inform carries at most 64 events");

    /// An empty queue.
    pub const fn new() -> Self {
        #[allow(clippy::let_unit_value)]
        let () = Self::CAPACITY_FITS_ONE_INFORM;
        EventQueue { entries: heapless::Vec::new() }
    }

    /// Queues an event that just occurred (see the module docs for merging,
    /// `0 BOOTSTRAP` and overflow).
    pub fn add(&mut self, code: EventCode<'_>, command_key: &str) -> Result<Added, EventError> {
        let entry = PendingEvent::new(code, command_key)?;
        if code == EventCode::Bootstrap {
            self.entries.retain(|e| !e.code().discarded_by_bootstrap());
        }
        if code.kind() == EventKind::Single && self.entries.iter().any(|e| !e.in_flight && e.code() == code) {
            return Ok(Added::Merged);
        }
        self.entries.push(entry).map_err(|_| EventError::Full { capacity: N })?;
        Ok(Added::New)
    }

    /// The events of the next Inform, in the order they occurred, with their
    /// CommandKeys. No allocation.
    pub fn inform_events(&self) -> impl Iterator<Item = (EventCode<'_>, &str)> + '_ {
        self.entries.iter().map(|e| (e.code(), e.command_key()))
    }

    /// Every entry with its in-flight flag.
    pub fn iter(&self) -> impl Iterator<Item = &PendingEvent> + '_ {
        self.entries.iter()
    }

    /// Whether an entry with this code (and, for `M` codes, this
    /// CommandKey) is queued.
    pub fn contains(&self, code: EventCode<'_>, command_key: &str) -> bool {
        self.entries
            .iter()
            .any(|e| e.code() == code && (code.kind() == EventKind::Single || e.command_key() == command_key))
    }

    /// Number of queued events.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing is pending.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The Inform listing [`inform_events`](Self::inform_events) went out.
    /// (A new Inform without an acknowledgement or failure of the previous
    /// one first merges the copies of single codes, as a failure would.)
    pub fn inform_sent(&mut self) {
        self.settle();
        for e in &mut self.entries {
            e.in_flight = true;
        }
    }

    /// The InformResponse arrived: in-flight events whose required response
    /// is the InformResponse are delivered; the others stay, no longer in
    /// flight, until their own response.
    pub fn inform_acknowledged(&mut self) {
        self.entries.retain(|e| !(e.in_flight && e.code().required_response() == RequiredResponse::InformResponse));
        self.settle();
    }

    /// A response to a CPE-originated request arrived (for example the
    /// TransferCompleteResponse of the TransferComplete carrying
    /// `command_key`): the first `M` event needing this response with that
    /// CommandKey is delivered, and the single codes needing it (`7
    /// TRANSFER COMPLETE`, …) too when `others_pending` is false, i.e. no
    /// further request of that kind is still queued.
    pub fn response_received(&mut self, response: RequiredResponse, command_key: &str, others_pending: bool) {
        if let Some(i) = self.entries.iter().position(|e| {
            let c = e.code();
            c.kind() == EventKind::Multiple && c.required_response() == response && e.command_key() == command_key
        }) {
            self.entries.remove(i);
        }
        if !others_pending {
            self.entries.retain(|e| {
                let c = e.code();
                !(c.kind() == EventKind::Single && c.required_response() == response)
            });
        }
    }

    /// The session ended without its InformResponse (or broke off): drop
    /// the events that are not retried (`6 CONNECTION REQUEST`), keep the
    /// rest undelivered.
    pub fn session_failed(&mut self) {
        self.entries.retain(|e| e.code().retried_after_failed_session());
        self.settle();
    }

    /// Called once on the queue restored after a restart, before `1 BOOT`
    /// is added: drops the events that do not survive a reboot.
    pub fn rebooted(&mut self) {
        self.entries.retain(|e| e.code().kept_over_reboot());
        self.settle();
    }

    /// Clears the in-flight flags and merges duplicate single codes (the
    /// first occurrence, with its CommandKey, stays).
    fn settle(&mut self) {
        let mut i = 0;
        while i < self.entries.len() {
            let dup = match self.entries.get(i) {
                Some(e) => {
                    let c = e.code();
                    c.kind() == EventKind::Single && self.entries.iter().take(i).any(|p| p.code() == c)
                }
                None => false,
            };
            if dup {
                self.entries.remove(i);
            } else {
                i += 1;
            }
        }
        for e in &mut self.entries {
            e.in_flight = false;
        }
    }

    /// Appends a restored entry (persisted image), subject to capacity.
    pub(crate) fn push_restored(&mut self, entry: PendingEvent) -> Result<(), EventError> {
        self.entries.push(entry).map_err(|_| EventError::Full { capacity: N })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_queue_size_is_pinned() {
        assert_eq!(core::mem::size_of::<PendingEvent>(), 99);
        assert_eq!(core::mem::size_of::<EventQueue<64>>(), 6344);
    }
}
