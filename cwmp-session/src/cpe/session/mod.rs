//! The CPE session state machine (TR-069 §3.7): one [`Session`] per
//! device, driven with bytes, a caller clock and caller randomness.
//!
//! A session opens one connection to the ACS, sends an Inform carrying the
//! pending events, RetryCount, the schema's forced-inform parameters (and
//! `ManagementServer.ConnectionRequestURL` always) and the pending value
//! changes; after the InformResponse it sends the TransferCompletes and
//! AutonomousTransferCompletes, (Autonomous)DUStateChangeCompletes and
//! other requests the application queued, then an empty POST,
//! then serves the ACS's requests until the ACS answers with an empty body.
//! The data-model RPCs run through the `cwmp-model` [`Engine`]; the read
//! RPCs and the Inform stream through the resumable encoder into HTTP
//! chunks, so the caller's transmit buffer can be small. See the crate
//! docs for the run loop and the poll order.
//!
//! State is plain data: fixed buffers sized by const generics (`RX`, the
//! receive buffer for one ACS message), the persisted [`CpeState`], `Copy`
//! engine cursors and a [`ResumeState`]. The engine, the model, the device
//! identity, credentials, randomness and a scratch buffer come in per call
//! through a [`Context`], as smoltcp passes its device and sockets to
//! `Interface::poll`.
//!
//! Contract: no panics on any input; zero heap allocations (tested for a
//! whole session); every bound crossed is reported ([`Outcome`],
//! [`TransmitError`], a CWMP fault to the ACS), never cut silently.
//!
//! Policies worth knowing:
//! * a failed or abnormally ended session keeps the undelivered events,
//!   counts RetryCount and waits per §3.2.1.1 (parameters read from the
//!   model's `CWMPRetryMinimumWaitInterval` / `CWMPRetryIntervalMultiplier`
//!   at each Inform); a new reason to inform (connection request, event,
//!   transfer complete) starts a session without waiting for the retry;
//! * a 401 or a redirect is answered by sending the Inform (or the queued
//!   request) again, on the same connection unless the ACS closes it;
//!   redirects are for the session only, never persisted;
//! * a value the backend holds that is not a literal of its type goes out
//!   as `xsd:string` (see [`source`]);
//! * the Inform and the GPV/GPN/GPA responses go out chunked, the other
//!   messages with `Content-Length`.
//!
//! `ChangeDUState` is validated, answered at once and its operations are
//! handed over after the session ([`Event::ChangeDuState`], [`du`]).
//!
//! Not done yet (answered honestly, never silently): the deprecated
//! methods answer 9000 *Method not supported* (and GetRPCMethods does not
//! list them); a queued RequestDownload and GetRPCMethods are not
//! persisted (the accepted ChangeDUState and the queued
//! (Autonomous)DUStateChangeComplete are, in [`Session::persist`]'s DU
//! section); a
//! `SessionTimeout` sent by the ACS is not applied (ours is sent to 1.3+ ACSes); a 401 or redirect answering a
//! *response* to an ACS request ends the session (the request is gone);
//! an InformResponse's MaxEnvelopes is not needed (one envelope per
//! message is always sent); the engine's notification attributes persist
//! through the engine's own `AttributeStore::encode`, not in
//! [`Session::persist`].

pub mod du;
mod rx;
mod serve;
pub mod source;

use core::fmt::Write as _;

use cwmp_core::event::EventCode;
use cwmp_core::{CwmpVersion, DateTime, Duration, FaultCode, Instant};
use cwmp_model::datamodel::DataModel;
use cwmp_model::engine::{Engine, NamesCursor, ParamCursor, RpcError, SessionState};
use cwmp_model::path::Path;
use cwmp_soap::resumable::{EntrySource, Resumable, ResumeState};
use cwmp_soap::rpc::{AutonomousTransferComplete, Inform, TransferComplete};
use cwmp_soap::structs::{DeviceIdStruct, EventStruct, TransferFault};
use cwmp_soap::{Body, EncodeError, Envelope, Header, List, Role, Rpc, Text};

use self::du::{DuComplete, DuRequest, DuResult};
use self::rx::{Rx, RxError};
use self::source::{InformCursor, InformSource, Reader};
use super::periodic::Periodic;
use super::persist::{CpeState, PersistError};
use super::retry::RetryPolicy;
use super::transfer::TransferId;
use crate::auth::{ClientAuth, ClientPolicy, Credentials};
use crate::http::chunked::{ChunkFrame, LAST_CHUNK};
use crate::http::cookie::CookieJar;
use crate::http::head::{self, EMPTY_HEADER, Method, Quirks};
use crate::http::redirect::{RedirectPolicy, Redirects};
use crate::http::url::{Scheme, Url};
use crate::http::write::{BodyLength, CwmpRequest, HeadWriter, SoapAction};
use crate::http::{HttpError, HttpLimits, Parsed};

pub use self::rx::MAX_HEADERS;

/// The smallest transmit buffer an answer to an ACS request is computed
/// for: the request runs (and changes the model) before its response is
/// written, so the buffer is checked first. A whole response larger than
/// the buffer given then ends the session with [`Outcome::Encode`].
pub const MIN_ANSWER_BUF: usize = 1024;

/// The session phases (TR-069 §3.7.1, as the spec names the steps).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum State {
    /// No session; waiting for something to report (an event, the periodic
    /// or scheduled Inform, a connection request).
    Idle,
    /// The last session failed; the next attempt is due at
    /// [`Session::poll_timeout`] (§3.2.1.1).
    WaitRetry,
    /// The caller was asked to open the connection.
    Connecting,
    /// The Inform is being sent or waits for its InformResponse.
    InformSent,
    /// A CPE request (TransferComplete, DUStateChangeComplete, …) is being
    /// sent or waits for its response.
    CpeRequestSent,
    /// The empty POST went out: the ACS sends a request or ends the session.
    EmptyPostSent,
    /// A response to an ACS request is being sent or was sent.
    AcsResponseSent,
    /// The session ended; the caller was asked to close the connection.
    Closing,
}

/// Why a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Outcome {
    /// The ACS answered the last message with an empty body.
    Success,
    /// The connection could not be opened or closed before the end.
    ConnectionLost,
    /// No response within the response timeout, or the session deadline passed.
    Timeout,
    /// The ACS's bytes were not HTTP we accept.
    Http(HttpError),
    /// A response did not fit the receive buffer (`RX`).
    TooLarge,
    /// The ACS sent an HTTP status we cannot go on with.
    Status(u16),
    /// Authentication failed (no usable challenge, credentials refused).
    AuthFailed,
    /// The ACS answered our request with a SOAP fault (its code).
    Fault(FaultCode),
    /// The ACS's message was not the one the session expects at this point
    /// (or not CWMP at all).
    Unexpected,
    /// Our message could not be encoded (a value the schema refuses, a
    /// transmit buffer too small) or the data model failed mid-stream.
    Encode(EncodeError),
}

/// What the caller must do: [`Session::poll_event`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event<'a> {
    /// Open a TCP (TLS for `https`) connection to `url`, then call
    /// [`Session::handle_connected`] (or [`Session::handle_closed`] if it
    /// fails). One connection serves the whole session.
    OpenConnection {
        /// Where (the ACS URL, or a redirect target for this session only).
        url: &'a str,
    },
    /// Close the connection.
    CloseConnection,
    /// The session ended.
    SessionEnded {
        /// How.
        outcome: Outcome,
    },
    /// Reboot now (an ACS `Reboot`; handed over after its session ended).
    /// Persist first: `M Reboot` is in the image.
    Reboot,
    /// Factory reset now (handed over after its session ended); after it,
    /// the next start bootstraps.
    FactoryReset,
    /// Start transfer `id` (see [`Session::state`]'s transfer queue); report
    /// with [`Session::transfer_complete`].
    StartTransfer {
        /// The transfer.
        id: TransferId,
    },
    /// Persisted state changed: write [`Session::persist`] to flash.
    Persist,
    /// Carry out the operations of an accepted ChangeDUState (handed over
    /// after its session ended); they stay readable through
    /// [`Session::du_request`] until taken with [`Session::take_du_request`].
    ChangeDuState {
        /// The operations.
        request: &'a DuRequest,
    },
}

/// Internal form of [`Event`], without borrows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pending {
    Open,
    Close,
    Ended(Outcome),
    Reboot,
    FactoryReset,
    Transfer(TransferId),
    Persist,
    ChangeDuState,
}

/// Settings of a [`Session`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    /// The highest CWMP version we speak (1.0 … 1.4).
    pub version: CwmpVersion,
    /// How long to wait for each HTTP response; at least 30 s (TR-069
    /// §3.4.2), smaller values are raised to 30 s.
    pub response_timeout: Duration,
    /// The longest a whole session may last before it is abandoned (and
    /// retried); also sent as `SessionTimeout` to 1.3+ ACSes.
    pub session_timeout: Duration,
    /// HTTP bounds for the responses read.
    pub limits: HttpLimits,
    /// Basic over plain http allowed (off by default, TR-069 §3.4.4).
    pub auth: ClientPolicy,
    /// Redirects followed per session.
    pub redirects: RedirectPolicy,
}

impl Config {
    /// CWMP 1.4, 30 s response timeout, 10 min per session.
    pub const DEFAULT: Config = Config {
        version: CwmpVersion::V1_4,
        response_timeout: Duration::from_secs(30),
        session_timeout: Duration::from_secs(600),
        limits: HttpLimits::DEFAULT,
        auth: ClientPolicy { allow_basic_without_tls: false },
        redirects: RedirectPolicy::DEFAULT,
    };
}

impl Default for Config {
    fn default() -> Self {
        Config::DEFAULT
    }
}

/// The device's identity (the Inform's DeviceId).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeviceId<'a> {
    /// Manufacturer.
    pub manufacturer: &'a str,
    /// OUI (6 hex digits).
    pub oui: &'a str,
    /// ProductClass.
    pub product_class: &'a str,
    /// SerialNumber.
    pub serial_number: &'a str,
}

/// What [`Session::poll_transmit`] needs for one call: the engine and data
/// model, the per-session model state, identity, credentials, the clock as
/// calendar time, randomness and a scratch buffer for one value.
pub struct Context<'c, 's, M: DataModel, const A: usize> {
    /// The RPC engine (schema, attributes).
    pub engine: &'c mut Engine<'s, A>,
    /// The data model.
    pub model: &'c mut M,
    /// What the engine keeps per CWMP session.
    pub model_session: &'c mut SessionState,
    /// Who the device is.
    pub device: DeviceId<'c>,
    /// Credentials for the ACS (`ManagementServer.Username`/`Password`).
    pub credentials: Option<Credentials<'c>>,
    /// The Inform's CurrentTime (Unknown Time if the clock is not set).
    pub current_time: DateTime,
    /// Fresh randomness for this call (Digest cnonce, retry jitter).
    pub random: [u8; 16],
    /// Scratch for one parameter value (and request strings); its size is
    /// the longest value this CPE can send or receive.
    pub scratch: &'c mut [u8],
}

/// Why [`Session::poll_transmit`] wrote nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum TransmitError {
    /// The buffer cannot hold the next indivisible piece (an HTTP head with
    /// a whole unstreamed message, or one streamed entry): call again with
    /// at least `needed` bytes.
    #[error("transmit buffer too small, {needed} bytes needed")]
    BufferTooSmall {
        /// Bytes needed.
        needed: usize,
    },
}

/// A message the session owes, streamed with the resumable encoder.
#[derive(Debug, Clone, Copy)]
enum Stream<N> {
    Inform(InformCursor<N>),
    Values(ParamCursor<N>),
    Names(NamesCursor<N>),
    Attributes(ParamCursor<N>),
}

/// What goes out next. (Plain data kept inline, not boxed: no allocator.)
#[derive(Debug, Clone, Copy)]
#[allow(clippy::large_enum_variant)]
enum Tx<N> {
    /// Nothing.
    None,
    /// The Inform, not started.
    Inform,
    /// A queued CPE request or the empty POST, written at once.
    Next,
    /// The answer to the ACS request in the receive buffer.
    Answer,
    /// A streamed message under way.
    Streaming { stream: Stream<N>, state: ResumeState, id: MsgId, head_sent: bool, finished: bool },
}

/// The `cwmp:ID` of a message: ours (a counter) or the ACS request's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MsgId {
    Ours(u32),
    Echo,
}

/// What the last request we sent was, to read its response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sent {
    Inform,
    TransferComplete(TransferId),
    Autonomous,
    RequestDownload,
    GetRpcMethods,
    DuComplete,
    AutonomousDu,
    EmptyPost,
    Answer,
}

/// Longest RequestDownload FileType (cwmp xsd: string(64)).
pub const REQUEST_DOWNLOAD_FILE_TYPE_LEN: usize = 64;
/// FileTypeArg entries a queued RequestDownload holds.
pub const REQUEST_DOWNLOAD_ARGS: usize = 4;

/// A RequestDownload the application queued.
#[derive(Debug, Clone, PartialEq, Eq)]
struct RequestDl {
    file_type: heapless::String<REQUEST_DOWNLOAD_FILE_TYPE_LEN>,
    /// Name (≤ 64) and value (≤ 256) of each FileTypeArg.
    args: heapless::Vec<(heapless::String<64>, heapless::String<256, u16>), REQUEST_DOWNLOAD_ARGS>,
}

/// CPE-originated requests the application queued besides the transfer
/// completions (which live in the persisted [`CpeState`]).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Queued {
    request_download: Option<RequestDl>,
    get_rpc_methods: bool,
    /// The results of a ChangeDUState (DUStateChangeComplete).
    du_complete: Option<DuComplete>,
    /// Results of autonomous DU changes (AutonomousDUStateChangeComplete).
    autonomous_du: Option<DuComplete>,
}

/// Effects the ACS asked for, handed over when the session ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Effects {
    reboot: bool,
    factory_reset: bool,
    /// A ChangeDUState was accepted (its operations are in `Session::du`).
    change_du_state: bool,
}

/// `SupportedCWMPVersions` we send as 1.4.
const SUPPORTED_VERSIONS: &str = "1.0,1.1,1.2,1.3,1.4";

/// The CPE session. `N` is the data model's node handle
/// ([`DataModel::Node`]); `RX` the receive buffer (the largest ACS message
/// with its HTTP head; 8 KiB by default).
///
/// Size (pinned by a test): with `MemoryNode` and the default `RX`,
/// 46 896 bytes on 64-bit targets, most of it the persisted
/// [`CpeState`] (64 events, 4 transfers), the 8 KiB receive buffer, the
/// streamed message's engine cursor, a queued RequestDownload, an
/// accepted ChangeDUState waiting for the application (7 568 bytes:
/// [`du::DU_OPERATIONS`] operations with their strings at schema caps) and
/// a queued DUStateChangeComplete and AutonomousDUStateChangeComplete
/// (7 856 bytes for both).
pub struct Session<N, const RX: usize = 8192> {
    config: Config,
    state: State,
    cpe: CpeState,
    periodic: Periodic,
    rx: Rx<RX>,
    tx: Tx<N>,
    sent: Option<Sent>,
    /// Version in force in this session (the Inform's until the ACS chooses).
    version: CwmpVersion,
    /// The next `cwmp:ID` we give.
    next_id: u32,
    /// When the current wait for a response ends.
    response_deadline: Option<Instant>,
    /// When the whole session must be over.
    session_deadline: Option<Instant>,
    /// A session is wanted as soon as possible.
    wanted: bool,
    /// A connection request arrived during the session: one follow-up.
    follow_up: bool,
    /// Another reason to inform (event, transfer completion, queued
    /// request) arrived during the session: one more session after it.
    again: bool,
    /// The ACS asked us to hold our requests.
    hold: bool,
    /// The ACS held our requests at some point in this session (a later
    /// message may have released the hold without giving us a turn).
    held: bool,
    /// The InformResponse arrived in this session.
    informed: bool,
    /// The connection is open.
    connected: bool,
    /// A complete response waits to be read.
    unread: bool,
    /// The phase after [`State::Closing`].
    closing_then: State,
    /// A redirect target for this session only.
    target: heapless::String<256, u16>,
    cookies: CookieJar<1024>,
    auth: ClientAuth,
    redirects: Redirects,
    effects: Effects,
    queued: Queued,
    /// The accepted ChangeDUState the application has not taken yet.
    du: Option<DuRequest>,
    /// Randomness for retry waits decided without a context (a timeout, a
    /// close): refreshed from every [`Context::random`].
    retry_seed: u64,
    events: heapless::Deque<Pending, 8>,
}

impl<N: Copy + PartialEq, const RX: usize> Session<N, RX> {
    /// Starts the CPE: restores the persisted `image` (`None` on first
    /// boot; a corrupt image is reported and bootstraps), queues `1 BOOT`
    /// (and `0 BOOTSTRAP` for a new ACS URL) and asks for a session at once.
    pub fn new(image: Option<&[u8]>, acs_url: &str, config: Config, now: Instant) -> (Self, Option<PersistError>) {
        // The CpeState image, then the DU section (see [`Session::persist`]).
        let split = image.map(|img| {
            let len = img.get(6..10).map_or(0, |l| u32::from_le_bytes([l[0], l[1], l[2], l[3]]) as usize);
            img.split_at(len.saturating_add(14).min(img.len()))
        });
        let (cpe, mut err) = match split {
            Some((img, _)) => CpeState::restore_or_bootstrap(img, now),
            None => (CpeState::new(), None),
        };
        let du = match split.map(|(img, rest)| du::DuSection::decode(rest, img.len())) {
            Some(Ok(section)) if err.is_none() => section,
            Some(Err(e)) if err.is_none() => {
                err = Some(e);
                du::DuSection::default()
            }
            _ => du::DuSection::default(),
        };
        let mut s = Session {
            config,
            state: State::Idle,
            cpe,
            periodic: Periodic::new(),
            rx: Rx::new(),
            tx: Tx::None,
            sent: None,
            version: config.version,
            next_id: 1,
            response_deadline: None,
            session_deadline: None,
            wanted: true,
            follow_up: false,
            again: false,
            hold: false,
            held: false,
            informed: false,
            connected: false,
            unread: false,
            closing_then: State::Idle,
            target: heapless::String::new(),
            cookies: CookieJar::new(),
            auth: ClientAuth::new(config.auth),
            redirects: Redirects::new(config.redirects),
            effects: Effects::default(),
            queued: Queued { du_complete: du.complete, autonomous_du: du.autonomous, ..Queued::default() },
            du: du.request,
            retry_seed: 0x9e37_79b9_7f4a_7c15,
            events: heapless::Deque::new(),
        };
        // A URL over 256 bytes is refused by `start`; the old one stays.
        let _ = s.cpe.start(acs_url);
        s.push(Pending::Persist);
        s.begin(now);
        (s, err)
    }

    /// The session phase.
    pub fn phase(&self) -> State {
        self.state
    }

    /// The persisted state (events, transfers, RetryCount, ParameterKey).
    pub fn state(&self) -> &CpeState {
        &self.cpe
    }

    /// Periodic and scheduled Informs, to configure from the model.
    pub fn periodic_mut(&mut self) -> &mut Periodic {
        &mut self.periodic
    }

    /// The CWMP version in force in the current session.
    pub fn version(&self) -> CwmpVersion {
        self.version
    }

    /// The accepted ChangeDUState not yet taken by the application.
    pub fn du_request(&self) -> Option<&DuRequest> {
        self.du.as_ref()
    }

    /// Takes the accepted ChangeDUState (after [`Event::ChangeDuState`]),
    /// making room for the next one.
    pub fn take_du_request(&mut self) -> Option<DuRequest> {
        self.push(Pending::Persist);
        self.du.take()
    }

    /// Writes the persisted image into `buf`: the [`CpeState`] image (see
    /// [`CpeState::encode`]) followed, when there is one, by the DU section
    /// (an accepted ChangeDUState not yet taken, queued
    /// DUStateChangeComplete / AutonomousDUStateChangeComplete:
    /// `"CWDU" len:u32le payload crc32:u32le`, at most about 16 KiB).
    pub fn persist(&self, now: Instant, buf: &mut [u8]) -> Result<usize, PersistError> {
        let n = self.cpe.encode(now, buf)?;
        let (_, rest) = buf.split_at_mut(n);
        let m = du::encode_section(
            self.du.as_ref(),
            self.queued.du_complete.as_ref(),
            self.queued.autonomous_du.as_ref(),
            rest,
        )
        .map_err(|e| PersistError { offset: e.offset + n, ..e })?;
        Ok(n + m)
    }

    fn push(&mut self, p: Pending) {
        push_pending(&mut self.events, p);
    }

    /// [`Session::url`], copied (to use while the session changes).
    fn url_copy(&self) -> heapless::String<256, u16> {
        let mut s = heapless::String::new();
        let _ = s.push_str(self.url());
        s
    }

    // ---- application inputs ----

    /// An event to report (a value change with active notification, a
    /// vendor event …): queued and a session is asked for.
    pub fn add_event(&mut self, now: Instant, code: EventCode<'_>, command_key: &str) -> bool {
        let ok = self.cpe.events.add(code, command_key).is_ok();
        self.push(Pending::Persist);
        self.request_session(now);
        ok
    }

    /// A valid connection request arrived (from a CR listener): a session
    /// with `6 CONNECTION REQUEST` now, or exactly one follow-up session
    /// after the current one.
    pub fn connection_request(&mut self, now: Instant) {
        if self.in_session() {
            self.follow_up = true;
            return;
        }
        let _ = self.cpe.events.add(EventCode::ConnectionRequest, "");
        self.request_session(now);
    }

    /// The application finished transfer `id` (fault 0 on success):
    /// records the TransferComplete and asks for a session.
    pub fn transfer_complete(
        &mut self,
        now: Instant,
        id: TransferId,
        fault: FaultCode,
        fault_string: &str,
        start: DateTime,
        complete: DateTime,
    ) -> bool {
        let r = self.cpe.transfers.complete(id, fault, fault_string, start, complete, &mut self.cpe.events);
        self.push(Pending::Persist);
        self.request_session(now);
        matches!(r, Ok(true))
    }

    /// Queues a RequestDownload (TR-069 A.4.2.1) with `9 REQUEST DOWNLOAD`,
    /// and asks for a session. `false` (nothing queued) when one is already
    /// queued, the FileType is over 64 bytes, an argument name over 64 or a
    /// value over 256 bytes, or there are more than
    /// [`REQUEST_DOWNLOAD_ARGS`] arguments. Kept until its response
    /// arrives; not in the persisted image (a reboot forgets it).
    pub fn request_download(&mut self, now: Instant, file_type: &str, args: &[(&str, &str)]) -> bool {
        if self.queued.request_download.is_some() {
            return false;
        }
        let Ok(file_type) = heapless::String::try_from(file_type) else { return false };
        let mut list = heapless::Vec::new();
        for (n, v) in args {
            let (Ok(n), Ok(v)) = (heapless::String::try_from(*n), heapless::String::try_from(*v)) else { return false };
            if list.push((n, v)).is_err() {
                return false;
            }
        }
        if self.cpe.events.add(EventCode::RequestDownload, "").is_err() {
            return false;
        }
        self.queued.request_download = Some(RequestDl { file_type, args: list });
        self.request_session(now);
        true
    }

    /// Queues a GetRPCMethods to the ACS (sent in the next session, after
    /// the transfer completions and a RequestDownload). Nothing is sent
    /// that the application did not queue.
    pub fn get_rpc_methods(&mut self, now: Instant) {
        self.queued.get_rpc_methods = true;
        self.request_session(now);
    }

    /// The application finished the ChangeDUState with `command_key`
    /// (one result per operation): queues `11 DU STATE CHANGE COMPLETE`
    /// and `M ChangeDUState`, sends DUStateChangeComplete in the next
    /// session and keeps both events until its response. `false` (nothing
    /// queued) when one is already waiting, there are no or more than
    /// [`du::DU_OPERATIONS`] results, or a string is over its bound
    /// ([`DuResult`]).
    pub fn du_state_change_complete(&mut self, now: Instant, command_key: &str, results: &[DuResult<'_>]) -> bool {
        if self.queued.du_complete.is_some() {
            return false;
        }
        let Some(c) = DuComplete::new(command_key, results) else { return false };
        if self.cpe.events.add(EventCode::DuStateChangeComplete, "").is_err()
            || self.cpe.events.add(EventCode::Method("ChangeDUState"), command_key).is_err()
        {
            return false;
        }
        self.queued.du_complete = Some(c);
        self.push(Pending::Persist);
        self.request_session(now);
        true
    }

    /// The device changed deployment units on its own (or for another
    /// party): queues `12 AUTONOMOUS DU STATE CHANGE COMPLETE` and sends
    /// AutonomousDUStateChangeComplete in the next session. Same bounds as
    /// [`Session::du_state_change_complete`].
    pub fn autonomous_du_state_change_complete(&mut self, now: Instant, results: &[DuResult<'_>]) -> bool {
        if self.queued.autonomous_du.is_some() {
            return false;
        }
        let Some(c) = DuComplete::new("", results) else { return false };
        if self.cpe.events.add(EventCode::AutonomousDuStateChangeComplete, "").is_err() {
            return false;
        }
        self.queued.autonomous_du = Some(c);
        self.push(Pending::Persist);
        self.request_session(now);
        true
    }

    fn in_session(&self) -> bool {
        !matches!(self.state, State::Idle | State::WaitRetry)
    }

    fn request_session(&mut self, now: Instant) {
        if self.in_session() {
            // Still connecting: the Inform and the requests after it are
            // not written yet and carry the new reason. Later: one more
            // session after this one, but not a `6 CONNECTION REQUEST`
            // (only `connection_request` is one).
            self.again |= self.state != State::Connecting;
        } else {
            // A new reason to inform does not wait for a scheduled retry
            // (RetryCount carries on).
            self.wanted = true;
            self.state = State::Idle;
            self.begin(now);
        }
    }

    /// Starts a session if one is wanted and none runs.
    fn begin(&mut self, now: Instant) {
        if self.in_session() || !self.wanted {
            return;
        }
        if self.state == State::WaitRetry && !self.cpe.retry.is_due(now) {
            return;
        }
        self.wanted = false;
        self.cpe.retry.attempt_started();
        self.state = State::Connecting;
        self.session_deadline = now.checked_add(self.config.session_timeout);
        self.response_deadline = now.checked_add(self.response_timeout());
        self.version = self.config.version;
        self.informed = false;
        self.hold = false;
        self.held = false;
        self.target.clear();
        self.cookies.clear();
        self.auth.reset();
        self.redirects = Redirects::new(self.config.redirects);
        self.rx.clear();
        self.tx = Tx::None;
        self.sent = None;
        self.push(Pending::Open);
    }

    fn response_timeout(&self) -> Duration {
        let d = self.config.response_timeout;
        if d.as_secs() < 30 { Duration::from_secs(30) } else { d }
    }

    /// The URL the connection goes to.
    pub fn url(&self) -> &str {
        if self.target.is_empty() { self.cpe.acs_url.as_str() } else { self.target.as_str() }
    }

    // ---- network inputs ----

    /// The connection asked for with [`Event::OpenConnection`] is open.
    pub fn handle_connected(&mut self, now: Instant) {
        if self.state != State::Connecting {
            return;
        }
        self.connected = true;
        self.rx.clear();
        if self.informed {
            // Reconnected mid-session (the ACS closed after a 401 or a
            // redirect): the interrupted request goes again.
            self.state = State::CpeRequestSent;
        } else {
            self.state = State::InformSent;
            self.tx = Tx::Inform;
        }
        self.response_deadline = now.checked_add(self.response_timeout());
    }

    /// Bytes from the ACS. Returns how many were taken (all, unless the
    /// session is not reading: then none).
    pub fn handle_input(&mut self, now: Instant, bytes: &[u8]) -> usize {
        if !self.connected || !self.expecting_response() {
            return 0;
        }
        if self.rx.complete().is_some() {
            // The previous message was read and answered.
            self.rx.clear();
        }
        match self.rx.push(bytes, &self.config.limits) {
            Ok(true) => {
                self.response_deadline = None;
                self.unread = true;
            }
            Ok(false) => {}
            Err(RxError::Http(e)) => self.fail(now, Outcome::Http(e)),
            Err(RxError::TooLarge) => self.fail(now, Outcome::TooLarge),
            Err(RxError::Trailing) => self.fail(now, Outcome::Unexpected),
        }
        bytes.len()
    }

    /// The connection closed (or could not be opened).
    pub fn handle_closed(&mut self, now: Instant) {
        let was = self.connected;
        self.connected = false;
        match self.state {
            State::Idle | State::WaitRetry => {}
            State::Closing => {
                self.state = self.closing_then;
                // A follow-up session (connection request, held requests).
                self.take_follow_up();
                self.begin(now);
            }
            _ if was && self.rx.closed() => {
                self.unread = true;
                // A body delimited by the close is complete; it is read on
                // the next poll_transmit, then the session reconnects if
                // it must.
                self.response_deadline = None;
            }
            _ => self.fail(now, Outcome::ConnectionLost),
        }
    }

    /// Time passed: response and session deadlines, retries, periodic and
    /// scheduled Informs, transfers due.
    pub fn handle_timeout(&mut self, now: Instant) {
        if self.in_session() && self.state != State::Closing {
            let late = |d: Option<Instant>| d.is_some_and(|d| d <= now);
            if late(self.response_deadline) || late(self.session_deadline) {
                self.fail(now, Outcome::Timeout);
            }
        }
        while let Some(due) = self.periodic.poll_due(now, None) {
            let _ = due.queue_events(&mut self.cpe.events);
            self.push(Pending::Persist);
            self.wanted = true;
        }
        if !self.in_session() {
            self.start_transfers(now);
        }
        if self.state == State::WaitRetry && self.cpe.retry.is_due(now) {
            self.wanted = true;
        }
        self.begin(now);
    }

    fn start_transfers(&mut self, now: Instant) {
        if self.cpe.transfers.expire(now, &mut self.cpe.events).is_ok_and(|n| n > 0) {
            self.push(Pending::Persist);
            self.wanted = true;
        }
        while let Some(id) = self.cpe.transfers.poll_start(now) {
            self.push(Pending::Transfer(id));
        }
    }

    fn expecting_response(&self) -> bool {
        self.sent.is_some() && matches!(self.tx, Tx::None)
    }

    // ---- outputs ----

    /// The next thing for the caller to do.
    pub fn poll_event(&mut self) -> Option<Event<'_>> {
        let next = loop {
            match self.events.pop_front()? {
                // Already taken by the application: nothing to hand over.
                Pending::ChangeDuState if self.du.is_none() => {}
                p => break p,
            }
        };
        Some(match next {
            Pending::Open => Event::OpenConnection { url: self.url() },
            Pending::Close => Event::CloseConnection,
            Pending::Ended(outcome) => Event::SessionEnded { outcome },
            Pending::Reboot => Event::Reboot,
            Pending::FactoryReset => Event::FactoryReset,
            Pending::Transfer(id) => Event::StartTransfer { id },
            Pending::Persist => Event::Persist,
            Pending::ChangeDuState => Event::ChangeDuState { request: self.du.as_ref()? },
        })
    }

    /// The one instant the caller waits for before [`Session::handle_timeout`]:
    /// the earliest of the response and session deadlines (in a session),
    /// the retry, the periodic or scheduled Inform and the next transfer.
    pub fn poll_timeout(&self) -> Option<Instant> {
        let mut t: Option<Instant> = None;
        let mut min = |x: Option<Instant>| {
            if let Some(x) = x {
                t = Some(t.map_or(x, |t| t.min(x)));
            }
        };
        if self.in_session() && self.state != State::Closing {
            min(self.response_deadline);
            min(self.session_deadline);
        } else {
            min(self.cpe.retry.poll_timeout());
            min(self.cpe.transfers.poll_timeout());
        }
        min(self.periodic.poll_timeout());
        t
    }

    /// Reads a complete response if one arrived, then writes the next
    /// bytes to send into `buf`; returns their length (0: nothing to send
    /// now). Call it after every `handle_*` until it returns 0.
    ///
    /// Streamed messages (the Inform, GetParameterValues/Names/Attributes
    /// responses) go out as HTTP chunks, as many whole entries per call as
    /// fit; the others go out whole with `Content-Length`. `buf` must hold
    /// the largest indivisible piece: the HTTP head with a whole unstreamed
    /// message, the Inform's head (envelope, DeviceId, events: about 1.1 KiB
    /// with two events) or one streamed entry; 2 KiB is enough for the
    /// usual messages. When it is not, [`TransmitError::BufferTooSmall`]
    /// says how much is, and nothing was lost: call again.
    pub fn poll_transmit<M: DataModel<Node = N>, const A: usize>(
        &mut self,
        now: Instant,
        buf: &mut [u8],
        cx: &mut Context<'_, '_, M, A>,
    ) -> Result<usize, TransmitError> {
        self.retry_seed ^= u64::from_le_bytes([
            cx.random[0],
            cx.random[1],
            cx.random[2],
            cx.random[3],
            cx.random[4],
            cx.random[5],
            cx.random[6],
            cx.random[7],
        ]);
        if self.unread {
            self.read_response(now, cx);
        }
        if !self.connected || self.state == State::Closing {
            return Ok(0);
        }
        if matches!(self.tx, Tx::Next) && !self.informed {
            return Ok(0);
        }
        let r = match self.tx {
            Tx::None => return Ok(0),
            Tx::Inform => self.start_inform(buf, cx),
            Tx::Next => self.write_next(buf, cx),
            Tx::Answer => self.answer(now, buf, cx),
            Tx::Streaming { .. } => self.continue_stream(buf, cx),
        };
        match r {
            Ok(n) => {
                if matches!(self.tx, Tx::None) {
                    // The whole message is out: wait for its response.
                    self.response_deadline = now.checked_add(self.response_timeout());
                }
                Ok(n)
            }
            Err(Fail::Buffer(needed)) => Err(TransmitError::BufferTooSmall { needed }),
            Err(Fail::Session(o)) => {
                self.fail(now, o);
                Ok(0)
            }
        }
    }

    // ---- session end ----

    /// The session failed: events and RetryCount per §3.2.1.1, retry later.
    fn fail(&mut self, now: Instant, outcome: Outcome) {
        if !self.in_session() || self.state == State::Closing {
            return;
        }
        // Events not yet acknowledged stay (but `6 CONNECTION REQUEST`);
        // the session ended abnormally, so RetryCount counts it and the
        // next attempt waits per §3.2.1.1 (events the InformResponse
        // acknowledged are delivered whatever happens after it).
        self.cpe.events.session_failed();
        let random = u64::from_le_bytes(self.cpe_random());
        self.cpe.retry.session_failed(now, random);
        self.finish(outcome);
        self.hand_over(now);
        self.after(now, State::WaitRetry);
    }

    /// Randomness for a retry wait: the caller's last randomness, stepped
    /// so that two waits never reuse it.
    fn cpe_random(&mut self) -> [u8; 8] {
        let seed = self.retry_seed;
        self.retry_seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (seed ^ (seed >> 29)).to_le_bytes()
    }

    /// Common end of a session: close, report, forget per-session state.
    fn finish(&mut self, outcome: Outcome) {
        if self.connected {
            self.push(Pending::Close);
        }
        self.push(Pending::Ended(outcome));
        self.tx = Tx::None;
        self.sent = None;
        self.rx.clear();
        self.response_deadline = None;
        self.session_deadline = None;
        self.target.clear();
        self.cookies.clear();
        self.auth.reset();
    }

    /// The session ended after its InformResponse.
    fn end(&mut self, now: Instant, outcome: Outcome) {
        self.finish(outcome);
        self.hand_over(now);
        self.after(now, State::Idle);
    }

    /// What follows a session: `next` (Idle or WaitRetry) once the caller
    /// closed the connection, at once if it is closed.
    fn after(&mut self, now: Instant, next: State) {
        self.closing_then = next;
        if self.connected {
            self.state = State::Closing;
        } else {
            self.state = next;
            self.begin(now);
        }
    }

    /// The session is over: hand the application what the ACS asked for,
    /// and note what needs another session.
    fn hand_over(&mut self, now: Instant) {
        let effects = core::mem::take(&mut self.effects);
        if effects.reboot {
            self.push(Pending::Persist);
            self.push(Pending::Reboot);
        }
        if effects.factory_reset {
            self.push(Pending::FactoryReset);
        }
        if effects.change_du_state && self.du.is_some() {
            self.push(Pending::ChangeDuState);
        }
        self.take_follow_up();
        let queued = self.queued.request_download.is_some()
            || self.queued.get_rpc_methods
            || self.queued.du_complete.is_some()
            || self.queued.autonomous_du.is_some();
        if queued || self.cpe.transfers.pending_complete().next().is_some() || !self.cpe.autonomous.is_empty() {
            // Held requests are owed to the ACS: another session. Our
            // session ends at the ACS's empty body even when the hold was
            // released before it (in a request's header), so a hold at
            // any point counts, not only one still in force.
            self.wanted |= self.held;
        }
        self.push(Pending::Persist);
        if !effects.reboot && !effects.factory_reset {
            self.start_transfers(now);
        }
    }

    /// A connection request came during the session: one follow-up.
    fn take_follow_up(&mut self) {
        if core::mem::take(&mut self.follow_up) {
            let _ = self.cpe.events.add(EventCode::ConnectionRequest, "");
            self.wanted = true;
        }
        self.wanted |= core::mem::take(&mut self.again);
    }
}

/// Queues an output; a Persist request already queued is not repeated.
fn push_pending(q: &mut heapless::Deque<Pending, 8>, p: Pending) {
    if p == Pending::Persist && q.iter().any(|x| *x == p) {
        return;
    }
    // Eight slots hold the most one session step produces.
    let _ = q.push_back(p);
}

/// Why writing stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fail {
    /// The transmit buffer is too small (bytes needed).
    Buffer(usize),
    /// The session cannot go on.
    Session(Outcome),
}

impl From<EncodeError> for Fail {
    fn from(e: EncodeError) -> Fail {
        match e {
            EncodeError::BufferTooSmall { needed } => Fail::Buffer(needed),
            e => Fail::Session(Outcome::Encode(e)),
        }
    }
}

impl From<HttpError> for Fail {
    fn from(e: HttpError) -> Fail {
        match e {
            HttpError::BufferFull { needed } => Fail::Buffer(needed),
            e => Fail::Session(Outcome::Http(e)),
        }
    }
}
