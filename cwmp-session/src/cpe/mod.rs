//! The CPE side's building blocks: plain data the CPE session (and the
//! firmware around it) drives with explicit calls, a caller [`Instant`]
//! and caller randomness. None stores a borrow or allocates; each has a
//! fixed capacity and a pinned `size_of`.
//!
//! | module | what it keeps | spec |
//! |---|---|---|
//! | [`events`] | the pending Inform events and their retention | TR-069 §3.7.1.5, Table 7 (rules as data in `cwmp_core::event`) |
//! | [`retry`] | RetryCount and the next retry time | TR-069 §3.2.1.1 |
//! | [`periodic`] | periodic and scheduled Informs, one deadline | TR-069 §3.2.1; Annex A ScheduleInform |
//! | [`transfer`] | the transfer queue and pending TransferCompletes | TR-069 Annex A Download, Upload, ScheduleDownload, CancelTransfer, GetAllQueuedTransfers |
//! | [`persist`] | the versioned byte image that survives reboots | — |
//!
//! The CPE session built on these keeps one [`persist::CpeState`] (events,
//! transfers, RetryCount, ParameterKey, the bootstrapped ACS URL) plus a
//! [`periodic::Periodic`], and runs:
//!
//! 1. at every start: restore the image ([`persist::CpeState::restore_or_bootstrap`])
//!    and call [`persist::CpeState::start`] with the configured ACS URL;
//! 2. per attempt: list [`events::EventQueue::inform_events`] and
//!    [`retry::Retry::retry_count`] in the Inform, call
//!    [`events::EventQueue::inform_sent`];
//! 3. on the InformResponse: [`persist::CpeState::inform_acknowledged`];
//!    then send each [`transfer::TransferQueue::pending_complete`] and, on
//!    its response, [`transfer::TransferQueue::acknowledged`] (likewise
//!    [`transfer::AutonomousQueue::pending`] / `acknowledged`);
//! 4. on a failed attempt: [`events::EventQueue::session_failed`] and
//!    [`retry::Retry::session_failed`] (with caller randomness);
//! 5. between sessions: wait on the earliest of the `poll_timeout`s
//!    (retry, periodic, transfer), turn [`periodic::Periodic::poll_due`]
//!    into events, start transfers with [`transfer::TransferQueue::poll_start`];
//! 6. after every change worth keeping: [`persist::CpeState::encode`] to flash.
//!
//! [`Instant`]: cwmp_core::Instant

pub mod events;
pub mod periodic;
pub mod persist;
pub mod retry;
pub mod session;
pub mod transfer;

/// A CommandKey (`xs:string`, at most 32 characters, cwmp-1-x.xsd).
pub type CommandKey = heapless::String<32, u8>;

/// Copies `s` into a [`CommandKey`], `None` if it is longer than 32 bytes.
pub(crate) fn command_key(s: &str) -> Option<CommandKey> {
    CommandKey::try_from(s).ok()
}
