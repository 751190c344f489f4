//! What a CPE must remember across a reboot, as a small versioned byte
//! image the firmware keeps in flash.
//!
//! [`CpeState`] gathers it: the undelivered events ([`EventQueue`]), the
//! transfer queue with its pending TransferCompletes ([`TransferQueue`])
//! and AutonomousTransferCompletes ([`AutonomousQueue`]),
//! `ParameterKey`, `RetryCount`, the ACS URL last bootstrapped with, and
//! whether that bootstrap was acknowledged. Notification attributes are
//! persisted by `cwmp-model`'s own attribute image (`AttributeStore`),
//! which the firmware stores next to this one.
//!
//! # The ACS URL and `0 BOOTSTRAP`
//!
//! The URL itself is stored (≤ 256 bytes, the size of
//! `ManagementServer.URL`), not a hash: comparing the real string cannot
//! confuse two URLs, and it costs 256 bytes at most. [`CpeState::start`]
//! queues `0 BOOTSTRAP` when no bootstrap was acknowledged yet (first
//! contact, or after a factory reset, which starts from
//! [`CpeState::new`]) or when the configured URL differs from the stored
//! one; [`CpeState::acs_url_changed`] does the same at run time.
//!
//! # Image format (version 1)
//!
//! ```text
//! "CWPS"  version:u8  0:u8  payload_len:u32le  payload  crc32:u32le
//! ```
//!
//! The CRC-32 (IEEE 802.3, reflected, the zlib / PNG checksum) covers
//! every byte before it. It is written here, in a dozen lines, because no
//! CRC crate is among the project's allowed dependencies; it detects every
//! single-bit error and every burst up to 32 bits, which is what flash wear
//! and torn writes produce. The payload is a fixed sequence of
//! length-prefixed fields (see [`CpeState::encode`]). Deadlines are
//! monotonic instants that mean nothing after a reboot, so the image keeps
//! the time *remaining* at `now` when encoded and restores it from `now`
//! when decoded: a delay never ends early because of a reboot.
//!
//! `size_of::<CpeState<64, 4, 1>>()` is 17 904 bytes on 64-bit hosts
//! (pinned by a test); its image is at most about 18 KiB (64 full
//! events, 4 full transfers with two windows, one full autonomous
//! transfer), typically under 200 bytes.
//!
//! # Failure
//!
//! [`CpeState::decode`] checks magic, version, length, checksum and then
//! every field (UTF-8, capacities, event codes, enumerations, no trailing
//! bytes); any failure is a [`PersistError`] with its offset, never a
//! panic. The documented fallback is [`CpeState::restore_or_bootstrap`]:
//! a fresh state, so the next start sends `0 BOOTSTRAP` and the ACS
//! re-provisions the CPE.
//!
//! ```
//! use cwmp_core::{EventCode, Instant};
//! use cwmp_session::cpe::persist::CpeState;
//!
//! let now = Instant::from_secs(0);
//! let mut s: CpeState = CpeState::new();
//! assert!(s.start("https://acs.example/").unwrap()); // 0 BOOTSTRAP + 1 BOOT
//! s.events.add(EventCode::Method("Reboot"), "rb-1").unwrap();
//! let mut flash = [0u8; 2048];
//! let n = s.encode(now, &mut flash).unwrap();
//! // … reboot …
//! let (mut back, err) = CpeState::<64, 4>::restore_or_bootstrap(&flash[..n], now);
//! assert!(err.is_none());
//! assert!(back.start("https://acs.example/").unwrap()); // bootstrap still unacknowledged
//! assert!(back.events.contains(EventCode::Method("Reboot"), "rb-1"));
//! ```

use cwmp_core::{DateTime, Duration, EventCode, FaultCode, Instant};

use super::CommandKey;
use super::events::{EventError, EventQueue, PendingEvent};
use super::retry::{Retry, RetryPolicy};
use super::transfer::{
    AutonomousQueue, AutonomousTransfer, TimeWindow, Transfer, TransferId, TransferKind, TransferQueue, TransferResult,
    TransferState,
};

/// The image's magic bytes.
pub const MAGIC: [u8; 4] = *b"CWPS";
/// The image format version this code writes and reads.
pub const VERSION: u8 = 1;
const HEADER: usize = 10;

/// Why an image could not be written or read, and where.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[error("{kind} at byte {offset}")]
pub struct PersistError {
    /// What is wrong.
    pub kind: PersistErrorKind,
    /// Byte offset in the image.
    pub offset: usize,
}

/// The kinds of [`PersistError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum PersistErrorKind {
    /// Encoding: the buffer is too small.
    #[error("buffer too small")]
    NoSpace,
    /// Not an image (magic bytes differ).
    #[error("bad magic")]
    Magic,
    /// An image of another format version.
    #[error("unsupported version")]
    Version,
    /// The image is shorter or longer than its header says.
    #[error("length mismatch")]
    Length,
    /// The checksum does not match: corrupted.
    #[error("checksum mismatch")]
    Checksum,
    /// A field runs past the payload.
    #[error("truncated field")]
    Truncated,
    /// A string is not UTF-8 or exceeds its capacity.
    #[error("bad string")]
    String,
    /// An invalid event code, date, enumeration or count.
    #[error("bad value")]
    Value,
    /// Bytes after the last field.
    #[error("trailing bytes")]
    Trailing,
}

pub(crate) fn fail<T>(kind: PersistErrorKind, offset: usize) -> Result<T, PersistError> {
    Err(PersistError { kind, offset })
}

/// Why [`CpeState::start`] or [`CpeState::acs_url_changed`] could not
/// queue its events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum StartError {
    /// The ACS URL is longer than 256 bytes.
    #[error("ACS URL longer than 256 bytes")]
    UrlTooLong,
    /// The event queue refused the event (full).
    #[error(transparent)]
    Events(#[from] EventError),
}

/// The CRC-32 lookup table (polynomial 0xEDB88320), built at compile time.
const CRC_TABLE: [u32; 256] = {
    let mut t = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
            k += 1;
        }
        t[i] = c;
        i += 1;
    }
    t
};

/// CRC-32 (IEEE) of `data`.
pub fn crc32(data: &[u8]) -> u32 {
    !data.iter().fold(!0u32, |c, &b| CRC_TABLE[usize::from((c as u8) ^ b)] ^ (c >> 8))
}

/// Field writer of the image (also used by the session's DU section).
pub(crate) struct Writer<'b> {
    pub(crate) buf: &'b mut [u8],
    pub(crate) pos: usize,
}

impl Writer<'_> {
    pub(crate) fn bytes(&mut self, b: &[u8]) -> Result<(), PersistError> {
        let end = self.pos + b.len();
        let dst = self
            .buf
            .get_mut(self.pos..end)
            .ok_or(PersistError { kind: PersistErrorKind::NoSpace, offset: self.pos })?;
        dst.copy_from_slice(b);
        self.pos = end;
        Ok(())
    }
    pub(crate) fn u8(&mut self, v: u8) -> Result<(), PersistError> {
        self.bytes(&[v])
    }
    pub(crate) fn u32(&mut self, v: u32) -> Result<(), PersistError> {
        self.bytes(&v.to_le_bytes())
    }
    pub(crate) fn u64(&mut self, v: u64) -> Result<(), PersistError> {
        self.bytes(&v.to_le_bytes())
    }
    /// A string with a u16 length (all strings here are ≤ 256 bytes).
    pub(crate) fn str(&mut self, s: &str) -> Result<(), PersistError> {
        self.bytes(&(s.len() as u16).to_le_bytes())?;
        self.bytes(s.as_bytes())
    }
    pub(crate) fn remaining(&mut self, at: Instant, now: Instant) -> Result<(), PersistError> {
        self.u64(at.duration_since(now).as_millis())
    }
    pub(crate) fn result(&mut self, r: &TransferResult) -> Result<(), PersistError> {
        self.u32(u32::from(r.fault.code()))?;
        self.str(&r.fault_string)?;
        self.date(r.start)?;
        self.date(r.complete)
    }
    pub(crate) fn date(&mut self, d: DateTime) -> Result<(), PersistError> {
        let mut b = [0u8; 35];
        let s = d.write_to(&mut b);
        let len = s.len();
        self.u8(len as u8)?;
        self.bytes(b.get(..len).unwrap_or(&[]))
    }
}

/// Field reader of the image (also used by the session's DU section).
pub(crate) struct Reader<'a> {
    pub(crate) b: &'a [u8],
    pub(crate) pos: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn bytes(&mut self, n: usize) -> Result<&'a [u8], PersistError> {
        let end = self.pos.checked_add(n).filter(|e| *e <= self.b.len());
        let Some(s) = end.and_then(|e| self.b.get(self.pos..e)) else {
            return fail(PersistErrorKind::Truncated, self.pos);
        };
        self.pos += n;
        Ok(s)
    }
    pub(crate) fn array<const K: usize>(&mut self) -> Result<[u8; K], PersistError> {
        let mut a = [0u8; K];
        a.copy_from_slice(self.bytes(K)?);
        Ok(a)
    }
    pub(crate) fn u8(&mut self) -> Result<u8, PersistError> {
        Ok(self.array::<1>()?[0])
    }
    pub(crate) fn u32(&mut self) -> Result<u32, PersistError> {
        Ok(u32::from_le_bytes(self.array()?))
    }
    pub(crate) fn u64(&mut self) -> Result<u64, PersistError> {
        Ok(u64::from_le_bytes(self.array()?))
    }
    pub(crate) fn str(&mut self) -> Result<&'a str, PersistError> {
        let at = self.pos;
        let n = u16::from_le_bytes(self.array()?);
        core::str::from_utf8(self.bytes(usize::from(n))?).or(fail(PersistErrorKind::String, at))
    }
    pub(crate) fn string<const N: usize, L: heapless::LenType>(
        &mut self,
    ) -> Result<heapless::String<N, L>, PersistError> {
        let at = self.pos;
        heapless::String::try_from(self.str()?).or(fail(PersistErrorKind::String, at))
    }
    pub(crate) fn instant(&mut self, now: Instant) -> Result<Instant, PersistError> {
        Ok(now + Duration::from_millis(self.u64()?))
    }
    pub(crate) fn result(&mut self) -> Result<TransferResult, PersistError> {
        let at = self.pos;
        let fault = FaultCode::new(need(u16::try_from(self.u32()?).ok(), at)?);
        Ok(TransferResult { fault, fault_string: self.string()?, start: self.date()?, complete: self.date()? })
    }
    pub(crate) fn date(&mut self) -> Result<DateTime, PersistError> {
        let at = self.pos;
        let n = self.u8()?;
        let s = core::str::from_utf8(self.bytes(usize::from(n))?).or(fail(PersistErrorKind::Value, at))?;
        DateTime::parse(s).or(fail(PersistErrorKind::Value, at))
    }
}

pub(crate) fn need<T>(v: Option<T>, at: usize) -> Result<T, PersistError> {
    v.ok_or(PersistError { kind: PersistErrorKind::Value, offset: at })
}

/// Everything that survives a reboot. `E` is the event capacity (≤ 64),
/// `T` the transfer-queue capacity, `A` that of pending
/// AutonomousTransferCompletes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CpeState<const E: usize = 64, const T: usize = 4, const A: usize = 1> {
    /// Whether an Inform carrying `0 BOOTSTRAP` for [`CpeState::acs_url`]
    /// was acknowledged.
    pub bootstrapped: bool,
    /// The ACS URL the CPE bootstrapped (or is bootstrapping) with.
    pub acs_url: heapless::String<256, u16>,
    /// `ManagementServer.ParameterKey`.
    pub parameter_key: CommandKey,
    /// RetryCount (and the policy in force; only the count is persisted,
    /// the model's parameters give the policy back after a restart).
    pub retry: Retry,
    /// Undelivered events.
    pub events: EventQueue<E>,
    /// Transfers and pending TransferCompletes.
    pub transfers: TransferQueue<T>,
    /// Pending AutonomousTransferCompletes.
    pub autonomous: AutonomousQueue<A>,
}

impl<const E: usize, const T: usize, const A: usize> Default for CpeState<E, T, A> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const E: usize, const T: usize, const A: usize> CpeState<E, T, A> {
    /// The state of a CPE that never contacted an ACS (or was factory
    /// reset): the next [`start`](Self::start) bootstraps.
    pub const fn new() -> Self {
        CpeState {
            bootstrapped: false,
            acs_url: heapless::String::new(),
            parameter_key: heapless::String::new(),
            retry: Retry::new(RetryPolicy::DEFAULT),
            events: EventQueue::new(),
            transfers: TransferQueue::new(),
            autonomous: AutonomousQueue::new(),
        }
    }

    /// Called once at every start, on the restored (or fresh) state, with
    /// the configured ACS URL: drops the events that do not survive a
    /// reboot, bootstraps if needed (see the module docs) and queues
    /// `1 BOOT`. Returns whether `0 BOOTSTRAP` is pending (newly queued, or
    /// still undelivered from before the reboot for the same URL). An ACS-requested
    /// reboot's `M Reboot` was queued before the reboot and is restored
    /// with the other events.
    pub fn start(&mut self, acs_url: &str) -> Result<bool, StartError> {
        if acs_url.len() > 256 {
            return Err(StartError::UrlTooLong);
        }
        self.events.rebooted();
        let same_url = self.acs_url.as_str() == acs_url;
        let pending = same_url && self.events.contains(EventCode::Bootstrap, "");
        let bootstrap = !self.bootstrapped || !same_url;
        // A bootstrap still undelivered for this URL stays as it is, with the
        // events that occurred after it.
        if bootstrap && !pending {
            self.acs_url_changed(acs_url)?;
        }
        self.events.add(EventCode::Boot, "")?;
        Ok(bootstrap)
    }

    /// The ACS URL was changed (or is first set): queue `0 BOOTSTRAP`,
    /// which discards every other undelivered event, and drop the transfers
    /// and TransferCompletes owed to the previous ACS. A URL over 256 bytes
    /// is refused and changes nothing (`ManagementServer.URL` is
    /// `string(256)`).
    pub fn acs_url_changed(&mut self, acs_url: &str) -> Result<(), StartError> {
        self.acs_url = heapless::String::try_from(acs_url).map_err(|_| StartError::UrlTooLong)?;
        self.bootstrapped = false;
        self.transfers.clear();
        self.autonomous.clear();
        self.events.add(EventCode::Bootstrap, "")?;
        Ok(())
    }

    /// The InformResponse arrived: delivers the events (see
    /// [`EventQueue::inform_acknowledged`]), resets RetryCount, and records
    /// the bootstrap as done if the Inform carried `0 BOOTSTRAP`.
    pub fn inform_acknowledged(&mut self) {
        if self.events.iter().any(|e| e.in_flight() && e.code() == EventCode::Bootstrap) {
            self.bootstrapped = true;
        }
        self.events.inform_acknowledged();
        self.retry.inform_acknowledged();
    }

    /// Writes the image into `buf`, returning its length. Time-outs are
    /// stored relative to `now`.
    ///
    /// Payload fields, in order: flags (bit 0 bootstrapped), ACS URL,
    /// ParameterKey, RetryCount, event count and per event (code,
    /// CommandKey), transfer next id, transfer count and per transfer
    /// (kind, state, id, CommandKey, FileType, URL, Username, Password,
    /// FileSize, TargetFileName, remaining delay, window count and per
    /// window (remaining start, remaining end, mode, UserMessage,
    /// MaxRetries), result flag and result (FaultCode, FaultString,
    /// StartTime, CompleteTime)), autonomous count and per entry
    /// (AnnounceURL, TransferURL, IsDownload, FileType, FileSize,
    /// TargetFileName, result). Strings carry a u16 length, dates are their
    /// xsd:dateTime text.
    pub fn encode(&self, now: Instant, buf: &mut [u8]) -> Result<usize, PersistError> {
        let mut w = Writer { buf, pos: HEADER };
        w.u8(u8::from(self.bootstrapped))?;
        w.str(&self.acs_url)?;
        w.str(&self.parameter_key)?;
        w.u32(self.retry.retry_count())?;
        w.u8(self.events.len() as u8)?;
        for e in self.events.iter() {
            w.str(e.code_str())?;
            w.str(e.command_key())?;
        }
        w.u32(self.transfers.next_id)?;
        w.u8(self.transfers.len() as u8)?;
        for t in self.transfers.iter() {
            w.u8(t.kind.to_u8())?;
            w.u8(t.state.code())?;
            w.u32(t.id.0)?;
            for s in [t.command_key(), t.file_type(), t.url(), t.username(), t.password()] {
                w.str(s)?;
            }
            w.u32(t.file_size)?;
            w.str(&t.target_file_name)?;
            w.remaining(t.not_before, now)?;
            w.u8(t.windows.len() as u8)?;
            for win in &t.windows {
                w.remaining(win.start, now)?;
                w.remaining(win.end, now)?;
                w.str(&win.mode)?;
                w.str(&win.user_message)?;
                w.u32(win.max_retries as u32)?;
            }
            match &t.result {
                None => w.u8(0)?,
                Some(r) => {
                    w.u8(1)?;
                    w.result(r)?;
                }
            }
        }
        w.u8(self.autonomous.len() as u8)?;
        for a in self.autonomous.pending() {
            w.str(a.announce_url())?;
            w.str(a.transfer_url())?;
            w.u8(u8::from(a.is_download()))?;
            w.str(a.file_type())?;
            w.u32(a.file_size())?;
            w.str(a.target_file_name())?;
            w.result(a.result())?;
        }
        let end = w.pos;
        let buf = w.buf;
        let payload_len = (end - HEADER) as u32;
        let mut h = Writer { buf, pos: 0 };
        h.bytes(&MAGIC)?;
        h.u8(VERSION)?;
        h.u8(0)?;
        h.u32(payload_len)?;
        let crc = crc32(h.buf.get(..end).unwrap_or(&[]));
        let mut t = Writer { buf: h.buf, pos: end };
        t.u32(crc)?;
        Ok(t.pos)
    }

    /// Reads an image written by [`encode`](Self::encode), restoring
    /// deadlines from `now`. See the module docs for what is checked.
    pub fn decode(image: &[u8], now: Instant) -> Result<Self, PersistError> {
        use PersistErrorKind as K;
        let mut r = Reader { b: image, pos: 0 };
        if r.array::<4>()? != MAGIC {
            return fail(K::Magic, 0);
        }
        if r.u8()? != VERSION {
            return fail(K::Version, 4);
        }
        if r.u8()? != 0 {
            return fail(K::Version, 5);
        }
        let len = r.u32()? as usize;
        let Some(end) = HEADER.checked_add(len).filter(|e| e.checked_add(4) == Some(image.len())) else {
            return fail(K::Length, 6);
        };
        let (body, tail) = image.split_at(end);
        let stored = u32::from_le_bytes(tail.try_into().map_err(|_| PersistError { kind: K::Length, offset: end })?);
        if crc32(body) != stored {
            return fail(K::Checksum, end);
        }
        let mut r = Reader { b: body, pos: HEADER };
        let mut s = CpeState::new();
        let at = r.pos;
        s.bootstrapped = match r.u8()? {
            0 => false,
            1 => true,
            _ => return fail(K::Value, at),
        };
        s.acs_url = r.string()?;
        s.parameter_key = r.string()?;
        s.retry = Retry::with_retry_count(RetryPolicy::DEFAULT, r.u32()?);
        let n = r.u8()?;
        for _ in 0..n {
            let at = r.pos;
            let code = r.str()?;
            let key = r.str()?;
            let code = EventCode::parse(code).or(fail(K::Value, at))?;
            let entry = PendingEvent::new(code, key).or(fail(K::Value, at))?;
            s.events.push_restored(entry).or(fail(K::Value, at))?;
        }
        s.transfers.next_id = r.u32()?;
        let n = r.u8()?;
        for _ in 0..n {
            let at = r.pos;
            let kind = need(TransferKind::from_u8(r.u8()?), at)?;
            let state = need(TransferState::from_code(r.u8()?), at + 1)?;
            let id = TransferId(r.u32()?);
            let mut t = Transfer {
                id,
                kind,
                state,
                command_key: r.string()?,
                file_type: r.string()?,
                url: r.string()?,
                username: r.string()?,
                password: r.string()?,
                file_size: r.u32()?,
                target_file_name: r.string()?,
                not_before: r.instant(now)?,
                windows: heapless::Vec::new(),
                result: None,
            };
            let at = r.pos;
            let windows = r.u8()?;
            if windows > 2 || (kind == TransferKind::ScheduleDownload) != (windows > 0) {
                return fail(K::Value, at);
            }
            for _ in 0..windows {
                let win = TimeWindow {
                    start: r.instant(now)?,
                    end: r.instant(now)?,
                    mode: r.string()?,
                    user_message: r.string()?,
                    max_retries: r.u32()? as i32,
                };
                t.windows.push(win).or(fail(K::Value, at))?;
            }
            let at = r.pos;
            t.result = match r.u8()? {
                0 => None,
                1 => Some(r.result()?),
                _ => return fail(K::Value, at),
            };
            if t.result.is_some() != (t.state == TransferState::Completed) {
                return fail(K::Value, at);
            }
            s.transfers.entries.push(t).or(fail(K::Value, at))?;
        }
        let count = r.u8()?;
        for _ in 0..count {
            let at = r.pos;
            let a = AutonomousTransfer {
                announce_url: r.string()?,
                transfer_url: r.string()?,
                is_download: match r.u8()? {
                    0 => false,
                    1 => true,
                    _ => return fail(K::Value, r.pos - 1),
                },
                file_type: r.string()?,
                file_size: r.u32()?,
                target_file_name: r.string()?,
                result: r.result()?,
            };
            s.autonomous.entries.push(a).or(fail(K::Value, at))?;
        }
        if r.pos != body.len() {
            return fail(K::Trailing, r.pos);
        }
        Ok(s)
    }

    /// [`decode`](Self::decode), or — for a missing, corrupt, truncated or
    /// foreign image — a fresh state (so the next start bootstraps) and the
    /// reason.
    pub fn restore_or_bootstrap(image: &[u8], now: Instant) -> (Self, Option<PersistError>) {
        match Self::decode(image, now) {
            Ok(s) => (s, None),
            Err(e) => (Self::new(), Some(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_check_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn persist_state_size_is_pinned() {
        assert_eq!(core::mem::size_of::<CpeState<64, 4, 1>>(), 17904);
    }
}
