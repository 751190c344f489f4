//! The transfer queue the library keeps for Download, Upload and
//! ScheduleDownload (TR-069 Annex A: Download, Upload, ScheduleDownload,
//! GetAllQueuedTransfers, CancelTransfer; states and argument sizes from
//! cwmp-1-2.xsd) and the
//! TransferCompletes still owed to the ACS.
//!
//! Each accepted request becomes a [`Transfer`] in state *Not yet started*
//! (1), then *In progress* (2) when [`TransferQueue::poll_start`] hands it
//! to the application, then *Completed* (3) when the application reports
//! the outcome with [`TransferQueue::complete`]. A completed entry is the
//! pending TransferComplete (CommandKey, FaultStruct, StartTime,
//! CompleteTime); it stays, and survives reboots through `cpe::persist`,
//! until [`TransferQueue::acknowledged`] sees its TransferCompleteResponse.
//! The states are the `State` values GetAllQueuedTransfers reports
//! (cwmp-1-2.xsd: 1 Not yet started, 2 In progress, 3 Completed).
//!
//! Completion queues `7 TRANSFER COMPLETE` and `M Download` / `M Upload` /
//! `M ScheduleDownload` with the request's CommandKey in the
//! [`EventQueue`]; the acknowledgement removes them again through
//! [`EventQueue::response_received`].
//!
//! Transfers the CPE made on its own are reported with
//! AutonomousTransferComplete and `10 AUTONOMOUS TRANSFER COMPLETE`: see
//! [`AutonomousQueue`].
//!
//! # Faults
//!
//! | case | fault |
//! |---|---|
//! | queue full (`N` entries, default 4, at most 16: the TransferList of GetAllQueuedTransfers holds 16) | 9004 Resources exceeded |
//! | a string over its schema length, 0 or more than 2 time windows, a window ending before it starts, overlapping windows, an unknown WindowMode, MaxRetries < −1 | 9003 Invalid arguments |
//! | CancelTransfer of a transfer in progress or completed | 9021 Cancelation of file transfer not permitted in current transfer state |
//! | CancelTransfer of an unknown CommandKey | 9003 Invalid arguments (the spec text was not reachable; catawampus and icwmp answer so) |
//! | no transfer started before the last time window closed | the transfer completes with 9020 (unable to complete download within specified time windows), Unknown Times |
//!
//! Time windows are offsets in seconds from the ScheduleDownload's arrival
//! (`WindowStart`, `WindowEnd`), stored as instants. `WindowMode` is one of
//! `1 At Any Time`, `2 Immediately`, `3 When Idle`, `4 Confirmation
//! Needed` or a vendor `X <OUI> …` mode (cwmp-1-2.xsd); honouring "when
//! idle" or asking the user (UserMessage) is the application's: it decides
//! when to call `poll_start` within a window, the queue only refuses to
//! start outside the windows.
//!
//! Download's `SuccessURL` / `FailureURL` are not kept (they concern a
//! browser the CPE redirects, not the transfer); the session passes them to
//! the application with the request if it supports them.
//!
//! ```
//! use cwmp_core::{DateTime, Duration, EventCode, FaultCode, Instant};
//! use cwmp_session::cpe::events::EventQueue;
//! use cwmp_session::cpe::transfer::{TransferArgs, TransferQueue, TransferState};
//!
//! let mut q: TransferQueue = TransferQueue::new();
//! let mut events: EventQueue = EventQueue::new();
//! let now = Instant::from_secs(0);
//! let args = TransferArgs { command_key: "fw", file_type: "1 Firmware Upgrade Image", url: "http://f/x.bin", ..TransferArgs::default() };
//! q.download(now, &args, 10).unwrap();
//! assert_eq!(q.poll_timeout(), Some(now + Duration::from_secs(10)));
//! let id = q.poll_start(now + Duration::from_secs(10)).unwrap();
//! assert_eq!(q.get(id).unwrap().state(), TransferState::InProgress);
//! q.complete(id, FaultCode::NO_FAULT, "", DateTime::UNKNOWN, DateTime::UNKNOWN, &mut events).unwrap();
//! assert!(events.contains(EventCode::TransferComplete, ""));
//! assert!(events.contains(EventCode::Method("Download"), "fw"));
//! assert_eq!(q.pending_complete().count(), 1);
//! ```
//!
//! `size_of::<TransferQueue<4>>()` is 8 560 bytes on 64-bit hosts
//! (pinned by a test): each entry keeps URL, credentials and file name
//! (256 bytes each) so that it can be performed after a reboot.

use cwmp_core::{DateTime, Duration, EventCode, FaultCode, Instant};

use super::CommandKey;
use super::events::{EventError, EventQueue};

/// Which RPC asked for the transfer (and so which `M` event it completes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum TransferKind {
    /// `Download`.
    Download,
    /// `Upload`.
    Upload,
    /// `ScheduleDownload`.
    ScheduleDownload,
}

impl TransferKind {
    /// The RPC name, as in the `M <method>` event code.
    pub const fn method(self) -> &'static str {
        match self {
            TransferKind::Download => "Download",
            TransferKind::Upload => "Upload",
            TransferKind::ScheduleDownload => "ScheduleDownload",
        }
    }
    /// `IsDownload` of GetAllQueuedTransfers.
    pub const fn is_download(self) -> bool {
        !matches!(self, TransferKind::Upload)
    }
    pub(crate) const fn to_u8(self) -> u8 {
        self as u8
    }
    pub(crate) const fn from_u8(v: u8) -> Option<TransferKind> {
        match v {
            0 => Some(TransferKind::Download),
            1 => Some(TransferKind::Upload),
            2 => Some(TransferKind::ScheduleDownload),
            _ => None,
        }
    }
}

/// GetAllQueuedTransfers `State` (cwmp-1-2.xsd).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[repr(u8)]
pub enum TransferState {
    /// 1: not yet started.
    NotYetStarted = 1,
    /// 2: in progress.
    InProgress = 2,
    /// 3: completed (its TransferComplete not yet acknowledged).
    Completed = 3,
}

impl TransferState {
    /// The schema's number.
    pub const fn code(self) -> u8 {
        self as u8
    }
    pub(crate) const fn from_code(v: u8) -> Option<TransferState> {
        match v {
            1 => Some(TransferState::NotYetStarted),
            2 => Some(TransferState::InProgress),
            3 => Some(TransferState::Completed),
            _ => None,
        }
    }
}

/// The arguments of a Download, Upload or ScheduleDownload, borrowed from
/// the decoded RPC (unescaped text).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TransferArgs<'a> {
    /// CommandKey (≤ 32).
    pub command_key: &'a str,
    /// FileType (≤ 64).
    pub file_type: &'a str,
    /// URL (≤ 256).
    pub url: &'a str,
    /// Username (≤ 256).
    pub username: &'a str,
    /// Password (≤ 256).
    pub password: &'a str,
    /// FileSize (0 for Upload).
    pub file_size: u32,
    /// TargetFileName (≤ 256; empty for Upload).
    pub target_file_name: &'a str,
}

/// One TimeWindowStruct of a ScheduleDownload.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WindowArgs<'a> {
    /// WindowStart: seconds from the request to the window's start.
    pub start: u32,
    /// WindowEnd: seconds from the request to the window's end.
    pub end: u32,
    /// WindowMode (≤ 64).
    pub mode: &'a str,
    /// UserMessage (≤ 256).
    pub user_message: &'a str,
    /// MaxRetries (−1: the CPE decides).
    pub max_retries: i32,
}

/// The WindowMode values of cwmp-1-2.xsd.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum WindowMode {
    /// `1 At Any Time`.
    AtAnyTime,
    /// `2 Immediately`.
    Immediately,
    /// `3 When Idle`.
    WhenIdle,
    /// `4 Confirmation Needed` (show UserMessage, ask the user).
    ConfirmationNeeded,
    /// `X <OUI> <mode>`: a vendor mode.
    Vendor,
}

impl WindowMode {
    /// Parses a WindowMode string; `None` for anything the schema does not
    /// enumerate.
    pub fn parse(s: &str) -> Option<WindowMode> {
        Some(match s {
            "1 At Any Time" => WindowMode::AtAnyTime,
            "2 Immediately" => WindowMode::Immediately,
            "3 When Idle" => WindowMode::WhenIdle,
            "4 Confirmation Needed" => WindowMode::ConfirmationNeeded,
            _ => {
                let (oui, rest) = s.strip_prefix("X ")?.split_once(' ')?;
                let hex = |b: u8| b.is_ascii_digit() || (b'A'..=b'F').contains(&b);
                if oui.len() != 6 || !oui.bytes().all(hex) || rest.is_empty() {
                    return None;
                }
                WindowMode::Vendor
            }
        })
    }
}

/// A validated time window, in the caller's clock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeWindow {
    pub(crate) start: Instant,
    pub(crate) end: Instant,
    pub(crate) mode: heapless::String<64, u8>,
    pub(crate) user_message: heapless::String<256, u16>,
    pub(crate) max_retries: i32,
}

impl TimeWindow {
    /// When the window opens.
    pub fn start(&self) -> Instant {
        self.start
    }
    /// When it closes.
    pub fn end(&self) -> Instant {
        self.end
    }
    /// WindowMode text; [`WindowMode::parse`] gives its meaning.
    pub fn mode(&self) -> &str {
        &self.mode
    }
    /// UserMessage.
    pub fn user_message(&self) -> &str {
        &self.user_message
    }
    /// MaxRetries.
    pub fn max_retries(&self) -> i32 {
        self.max_retries
    }
}

/// The outcome of a completed transfer: the TransferComplete arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferResult {
    pub(crate) fault: FaultCode,
    pub(crate) fault_string: heapless::String<256, u16>,
    pub(crate) start: DateTime,
    pub(crate) complete: DateTime,
}

impl TransferResult {
    /// The fault string is cut at a character boundary to its 256 bytes.
    fn new(fault: FaultCode, fault_string: &str, start: DateTime, complete: DateTime) -> TransferResult {
        let mut fs = heapless::String::new();
        for c in fault_string.chars() {
            if fs.push(c).is_err() {
                break;
            }
        }
        TransferResult { fault, fault_string: fs, start, complete }
    }
    /// FaultStruct.FaultCode (0: success).
    pub fn fault_code(&self) -> FaultCode {
        self.fault
    }
    /// FaultStruct.FaultString.
    pub fn fault_string(&self) -> &str {
        &self.fault_string
    }
    /// StartTime.
    pub fn start_time(&self) -> DateTime {
        self.start
    }
    /// CompleteTime.
    pub fn complete_time(&self) -> DateTime {
        self.complete
    }
}

/// Identifies a queued transfer across calls (stable while it is queued).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct TransferId(pub(crate) u32);

/// One queued transfer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transfer {
    pub(crate) id: TransferId,
    pub(crate) kind: TransferKind,
    pub(crate) state: TransferState,
    pub(crate) command_key: CommandKey,
    pub(crate) file_type: heapless::String<64, u8>,
    pub(crate) url: heapless::String<256, u16>,
    pub(crate) username: heapless::String<256, u16>,
    pub(crate) password: heapless::String<256, u16>,
    pub(crate) file_size: u32,
    pub(crate) target_file_name: heapless::String<256, u16>,
    /// Download / Upload: when DelaySeconds elapse.
    pub(crate) not_before: Instant,
    /// ScheduleDownload: one or two windows in time order.
    pub(crate) windows: heapless::Vec<TimeWindow, 2>,
    pub(crate) result: Option<TransferResult>,
}

macro_rules! str_getters {
    ($($(#[$doc:meta])* $name:ident;)*) => {
        $( $(#[$doc])* pub fn $name(&self) -> &str { &self.$name } )*
    };
}

impl Transfer {
    str_getters! {
        /// CommandKey.
        command_key;
        /// FileType.
        file_type;
        /// URL.
        url;
        /// Username.
        username;
        /// Password.
        password;
        /// TargetFileName.
        target_file_name;
    }
    /// Its id in the queue.
    pub fn id(&self) -> TransferId {
        self.id
    }
    /// Which RPC asked for it.
    pub fn kind(&self) -> TransferKind {
        self.kind
    }
    /// GetAllQueuedTransfers state.
    pub fn state(&self) -> TransferState {
        self.state
    }
    /// FileSize.
    pub fn file_size(&self) -> u32 {
        self.file_size
    }
    /// ScheduleDownload's windows (empty for Download / Upload).
    pub fn windows(&self) -> &[TimeWindow] {
        &self.windows
    }
    /// The TransferComplete arguments once completed.
    pub fn result(&self) -> Option<&TransferResult> {
        self.result.as_ref()
    }

    /// When it may start: the delay's end or the first window's start.
    fn earliest_start(&self) -> Instant {
        self.windows.first().map_or(self.not_before, |w| w.start)
    }

    /// Whether it may start at `now`.
    fn startable(&self, now: Instant) -> bool {
        if self.windows.is_empty() {
            self.not_before <= now
        } else {
            self.windows.iter().any(|w| w.start <= now && now <= w.end)
        }
    }

    /// Whether every window has closed.
    fn expired(&self, now: Instant) -> bool {
        self.windows.last().is_some_and(|w| w.end < now)
    }
}

fn text<const N: usize, L: heapless::LenType>(s: &str) -> Result<heapless::String<N, L>, FaultCode> {
    heapless::String::try_from(s).map_err(|_| FaultCode::INVALID_ARGUMENTS)
}

/// The queue of at most `N` transfers (pending TransferCompletes included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferQueue<const N: usize = 4> {
    pub(crate) entries: heapless::Vec<Transfer, N>,
    pub(crate) next_id: u32,
}

impl<const N: usize> Default for TransferQueue<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> TransferQueue<N> {
    const CAPACITY_FITS_ONE_LIST: () = assert!(N <= 16, "GetAllQueuedTransfers lists at most 16 transfers");

    /// Empty.
    pub const fn new() -> Self {
        #[allow(clippy::let_unit_value)]
        let () = Self::CAPACITY_FITS_ONE_LIST;
        TransferQueue { entries: heapless::Vec::new(), next_id: 0 }
    }

    fn enqueue(
        &mut self,
        kind: TransferKind,
        args: &TransferArgs<'_>,
        not_before: Instant,
        windows: heapless::Vec<TimeWindow, 2>,
    ) -> Result<TransferId, FaultCode> {
        let id = TransferId(self.next_id);
        let t = Transfer {
            id,
            kind,
            state: TransferState::NotYetStarted,
            command_key: super::command_key(args.command_key).ok_or(FaultCode::INVALID_ARGUMENTS)?,
            file_type: text(args.file_type)?,
            url: text(args.url)?,
            username: text(args.username)?,
            password: text(args.password)?,
            file_size: args.file_size,
            target_file_name: text(args.target_file_name)?,
            not_before,
            windows,
            result: None,
        };
        self.entries.push(t).map_err(|_| FaultCode::RESOURCES_EXCEEDED)?;
        self.next_id = self.next_id.wrapping_add(1);
        Ok(id)
    }

    /// A Download or Upload that may start `delay_seconds` after `now`.
    fn delayed(
        &mut self,
        kind: TransferKind,
        now: Instant,
        args: &TransferArgs<'_>,
        delay_seconds: u32,
    ) -> Result<TransferId, FaultCode> {
        let at = now + Duration::from_secs(u64::from(delay_seconds));
        self.enqueue(kind, args, at, heapless::Vec::new())
    }

    /// A Download: may start `delay` seconds (DelaySeconds) after `now`.
    pub fn download(&mut self, now: Instant, args: &TransferArgs<'_>, delay: u32) -> Result<TransferId, FaultCode> {
        self.delayed(TransferKind::Download, now, args, delay)
    }

    /// An Upload: may start `delay` seconds (DelaySeconds) after `now`.
    pub fn upload(&mut self, now: Instant, args: &TransferArgs<'_>, delay: u32) -> Result<TransferId, FaultCode> {
        self.delayed(TransferKind::Upload, now, args, delay)
    }

    /// A ScheduleDownload with one or two time windows, validated (see the
    /// fault table in the module docs).
    pub fn schedule_download(
        &mut self,
        now: Instant,
        args: &TransferArgs<'_>,
        windows: &[WindowArgs<'_>],
    ) -> Result<TransferId, FaultCode> {
        let bad = FaultCode::INVALID_ARGUMENTS;
        let mut list: heapless::Vec<TimeWindow, 2> = heapless::Vec::new();
        for w in windows {
            if w.end < w.start || WindowMode::parse(w.mode).is_none() || w.max_retries < -1 {
                return Err(bad);
            }
            let at = |s: u32| now + Duration::from_secs(u64::from(s));
            let tw = TimeWindow {
                start: at(w.start),
                end: at(w.end),
                mode: text(w.mode)?,
                user_message: text(w.user_message)?,
                max_retries: w.max_retries,
            };
            list.push(tw).map_err(|_| bad)?;
        }
        if let [a, b] = list.as_mut_slice() {
            if b.start < a.start {
                core::mem::swap(a, b);
            }
            if b.start < a.end {
                return Err(bad); // overlapping windows
            }
        }
        if list.is_empty() {
            return Err(bad);
        }
        self.enqueue(TransferKind::ScheduleDownload, args, now, list)
    }

    /// The transfer with this id.
    pub fn get(&self, id: TransferId) -> Option<&Transfer> {
        self.entries.iter().find(|t| t.id == id)
    }

    /// Every queued transfer in arrival order: the GetAllQueuedTransfers
    /// list (at most 16 in the response; `N` ≤ 16 keeps it complete).
    pub fn iter(&self) -> impl Iterator<Item = &Transfer> + '_ {
        self.entries.iter()
    }

    /// Number of entries (all states).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the queue is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The earliest instant at which a not-yet-started transfer may start or
    /// its last window closes.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.entries.iter().filter(|t| t.state == TransferState::NotYetStarted).map(|t| t.earliest_start()).min()
    }

    /// Hands the application the first transfer that may start at `now`
    /// (marking it in progress). Call [`TransferQueue::expire`] first so
    /// that ScheduleDownloads whose windows all closed complete with 9020.
    pub fn poll_start(&mut self, now: Instant) -> Option<TransferId> {
        let t = self.entries.iter_mut().find(|t| t.state == TransferState::NotYetStarted && t.startable(now))?;
        t.state = TransferState::InProgress;
        Some(t.id)
    }

    /// Completes, with fault 9020 and Unknown Times, every ScheduleDownload
    /// not started before its last window closed; returns how many.
    pub fn expire<const E: usize>(&mut self, now: Instant, events: &mut EventQueue<E>) -> Result<usize, EventError> {
        let mut n = 0;
        while let Some(id) =
            self.entries.iter().find(|t| t.state == TransferState::NotYetStarted && t.expired(now)).map(|t| t.id)
        {
            let f = FaultCode::new(9020);
            self.complete(id, f, f.fault_string().unwrap_or(""), DateTime::UNKNOWN, DateTime::UNKNOWN, events)?;
            n += 1;
        }
        Ok(n)
    }

    /// The application finished transfer `id` (or gave up on it):
    /// records the TransferComplete arguments and queues `7 TRANSFER
    /// COMPLETE` + `M <method>` with its CommandKey. A fault string longer
    /// than 256 bytes is cut at a character boundary (FaultString ≤ 256).
    /// `Ok(false)` if no transfer `id` awaits completion (unknown, or
    /// already completed): nothing changes. `Err` only if the event queue
    /// is full; the pending TransferComplete is recorded regardless.
    pub fn complete<const E: usize>(
        &mut self,
        id: TransferId,
        fault: FaultCode,
        fault_string: &str,
        start: DateTime,
        complete: DateTime,
        events: &mut EventQueue<E>,
    ) -> Result<bool, EventError> {
        let Some(t) = self.entries.iter_mut().find(|t| t.id == id && t.state != TransferState::Completed) else {
            return Ok(false);
        };
        t.state = TransferState::Completed;
        t.result = Some(TransferResult::new(fault, fault_string, start, complete));
        events.add(EventCode::TransferComplete, "")?;
        events.add(EventCode::Method(t.kind.method()), &t.command_key)?;
        Ok(true)
    }

    /// The TransferCompletes to send, oldest first.
    pub fn pending_complete(&self) -> impl Iterator<Item = &Transfer> + '_ {
        self.entries.iter().filter(|t| t.state == TransferState::Completed)
    }

    /// The TransferCompleteResponse for transfer `id` arrived: the entry
    /// leaves the queue and its events are delivered. `false` (nothing
    /// changes) if `id` is not a completed transfer.
    pub fn acknowledged<const E: usize>(&mut self, id: TransferId, events: &mut EventQueue<E>) -> bool {
        let Some(i) = self.entries.iter().position(|t| t.id == id && t.state == TransferState::Completed) else {
            return false;
        };
        let t = self.entries.remove(i);
        let others = self.pending_complete().next().is_some();
        events.response_received(cwmp_core::event::RequiredResponse::TransferCompleteResponse, &t.command_key, others);
        true
    }

    /// CancelTransfer: removes every not-yet-started transfer with this
    /// CommandKey; 9021 (nothing removed) if one with it is in progress or
    /// completed, 9003 if none has it.
    pub fn cancel(&mut self, command_key: &str) -> Result<(), FaultCode> {
        let mut found = false;
        for t in self.entries.iter().filter(|t| t.command_key == command_key) {
            if t.state != TransferState::NotYetStarted {
                return Err(FaultCode::CANCEL_NOT_PERMITTED);
            }
            found = true;
        }
        if !found {
            return Err(FaultCode::INVALID_ARGUMENTS);
        }
        self.entries.retain(|t| t.command_key != command_key);
        Ok(())
    }

    /// After `0 BOOTSTRAP`: every queued transfer and pending
    /// TransferComplete belongs to the previous ACS and is dropped (as
    /// `0 BOOTSTRAP` drops their events).
    pub fn clear(&mut self) {
        self.entries.clear();
    }
}

/// The arguments of an AutonomousTransferComplete (cwmp-1-1+): a transfer
/// the CPE made on its own (not asked by the ACS).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AutonomousArgs<'a> {
    /// AnnounceURL (≤ 1024).
    pub announce_url: &'a str,
    /// TransferURL (≤ 1024).
    pub transfer_url: &'a str,
    /// IsDownload.
    pub is_download: bool,
    /// FileType (≤ 64).
    pub file_type: &'a str,
    /// FileSize.
    pub file_size: u32,
    /// TargetFileName (≤ 256).
    pub target_file_name: &'a str,
}

/// Why an autonomous transfer could not be recorded (nothing changed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum AutonomousError {
    /// `A` AutonomousTransferCompletes already await their response.
    #[error("autonomous transfer queue full")]
    Full,
    /// A string is longer than the schema allows.
    #[error("argument too long")]
    TooLong,
    /// The event queue is full.
    #[error(transparent)]
    Events(#[from] EventError),
}

/// A pending AutonomousTransferComplete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AutonomousTransfer {
    pub(crate) announce_url: heapless::String<1024, u16>,
    pub(crate) transfer_url: heapless::String<1024, u16>,
    pub(crate) is_download: bool,
    pub(crate) file_type: heapless::String<64, u8>,
    pub(crate) file_size: u32,
    pub(crate) target_file_name: heapless::String<256, u16>,
    pub(crate) result: TransferResult,
}

impl AutonomousTransfer {
    str_getters! {
        /// AnnounceURL.
        announce_url;
        /// TransferURL.
        transfer_url;
        /// FileType.
        file_type;
        /// TargetFileName.
        target_file_name;
    }
    /// IsDownload.
    pub fn is_download(&self) -> bool {
        self.is_download
    }
    /// FileSize.
    pub fn file_size(&self) -> u32 {
        self.file_size
    }
    /// FaultStruct, StartTime and CompleteTime.
    pub fn result(&self) -> &TransferResult {
        &self.result
    }
}

/// Completed autonomous transfers whose AutonomousTransferComplete the ACS
/// has not acknowledged, at most `A` (default 1: each keeps two 1024-byte
/// URLs). Recording one queues `10 AUTONOMOUS TRANSFER COMPLETE`; the
/// application decides beforehand whether the transfer is reported at all
/// (`ManagementServer.AutonomousTransferCompletePolicy`).
///
/// `size_of::<AutonomousQueue<1>>()` is 2 680 bytes on 64-bit hosts
/// (pinned by a test).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AutonomousQueue<const A: usize = 1> {
    pub(crate) entries: heapless::Vec<AutonomousTransfer, A>,
}

impl<const A: usize> Default for AutonomousQueue<A> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const A: usize> AutonomousQueue<A> {
    /// Empty.
    pub const fn new() -> Self {
        AutonomousQueue { entries: heapless::Vec::new() }
    }

    /// Records a finished autonomous transfer and queues `10 AUTONOMOUS
    /// TRANSFER COMPLETE`. The fault string is cut to 256 bytes as in
    /// [`TransferQueue::complete`].
    pub fn complete<const E: usize>(
        &mut self,
        args: &AutonomousArgs<'_>,
        fault: FaultCode,
        fault_string: &str,
        start: DateTime,
        complete: DateTime,
        events: &mut EventQueue<E>,
    ) -> Result<(), AutonomousError> {
        let long = |_| AutonomousError::TooLong;
        let entry = AutonomousTransfer {
            announce_url: heapless::String::try_from(args.announce_url).map_err(long)?,
            transfer_url: heapless::String::try_from(args.transfer_url).map_err(long)?,
            is_download: args.is_download,
            file_type: heapless::String::try_from(args.file_type).map_err(long)?,
            file_size: args.file_size,
            target_file_name: heapless::String::try_from(args.target_file_name).map_err(long)?,
            result: TransferResult::new(fault, fault_string, start, complete),
        };
        if self.entries.is_full() {
            return Err(AutonomousError::Full);
        }
        events.add(EventCode::AutonomousTransferComplete, "")?;
        self.entries.push(entry).map_err(|_| AutonomousError::Full)
    }

    /// The AutonomousTransferCompletes to send, oldest first.
    pub fn pending(&self) -> impl Iterator<Item = &AutonomousTransfer> + '_ {
        self.entries.iter()
    }

    /// The AutonomousTransferCompleteResponse for the oldest one arrived:
    /// it leaves the queue; `10 AUTONOMOUS TRANSFER COMPLETE` is delivered
    /// once none remains. `false` if none was pending.
    pub fn acknowledged<const E: usize>(&mut self, events: &mut EventQueue<E>) -> bool {
        if self.entries.is_empty() {
            return false;
        }
        self.entries.remove(0);
        let others = !self.entries.is_empty();
        events.response_received(cwmp_core::event::RequiredResponse::AutonomousTransferCompleteResponse, "", others);
        true
    }

    /// Number pending.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether none is pending.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// After `0 BOOTSTRAP`: dropped with their event.
    pub fn clear(&mut self) {
        self.entries.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transfer_queue_size_is_pinned() {
        assert_eq!(core::mem::size_of::<TransferQueue<4>>(), 8560);
        assert_eq!(core::mem::size_of::<AutonomousQueue<1>>(), 2680);
    }
}
