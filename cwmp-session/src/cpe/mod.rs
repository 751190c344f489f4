//! The CPE side's building blocks: plain data the CPE session (and the
//! firmware around it) drives with explicit calls, a caller [`Instant`]
//! and caller randomness. None stores a borrow or allocates; each has a
//! fixed capacity and a pinned `size_of`.
//!
//! | module | what it keeps | spec |
//! |---|---|---|
//! | [`events`] | the pending Inform events and their retention | TR-069 §3.7.1.5, Table 7 |
//! | [`retry`] | RetryCount and the next retry time | TR-069 §3.2.1.1 |
//! | [`periodic`] | periodic and scheduled Informs, one deadline | TR-069 §3.2.1, A.3.2.3 (ScheduleInform) |
//! | [`transfer`] | the transfer queue and pending TransferCompletes | TR-069 A.3.2.8, A.4.1.x |
//! | [`persist`] | the versioned byte image that survives reboots | — |
//!
//! The CPE session built on these runs, per attempt: take the Inform's
//! events from [`events::EventQueue::inform_events`] and the count from
//! [`retry::Retry::retry_count`], call `inform_sent`; on InformResponse call
//! `inform_acknowledged` on both; send the queued TransferCompletes
//! ([`transfer::TransferQueue::pending_complete`]); on a failed attempt call
//! `session_failed` on both; wait on the earliest of the `poll_timeout`s.
//!
//! [`Instant`]: cwmp_core::Instant

pub mod events;
pub mod periodic;
pub mod persist;
pub mod retry;
pub mod transfer;

/// A CommandKey (`xs:string`, at most 32 characters, cwmp-1-x.xsd).
pub type CommandKey = heapless::String<32, u8>;

/// Copies `s` into a [`CommandKey`], `None` if it is longer than 32 bytes.
pub(crate) fn command_key(s: &str) -> Option<CommandKey> {
    CommandKey::try_from(s).ok()
}
