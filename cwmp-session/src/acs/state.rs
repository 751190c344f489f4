//! The per-session state: plain data, a fixed byte image
//! ([`SESSION_STATE_LEN`] bytes) so a server can park a session in any
//! store between two HTTP exchanges and continue it on another node.

use cwmp_core::{CwmpVersion, Instant};
use cwmp_soap::Method;

use super::event::EndReason;
use super::policy::DeviceRef;

/// Where a transaction session is, named after its TR-069 stages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Phase {
    /// Waiting for the Inform (and authenticating it).
    AwaitInform,
    /// InformResponse sent: the CPE sends its requests, then an empty POST.
    CpeRequests,
    /// The CPE has no more requests: the ACS sends its queued RPCs.
    AcsRequests,
    /// Ended; see [`EndReason`].
    Ended,
}

/// A request the ACS sent and has no answer to yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub(crate) struct Outstanding {
    pub id: u32,
    pub method: Method,
    /// Sent by the engine to release a HoldRequests (not the caller's).
    pub release: bool,
}

/// Everything a session remembers between two HTTP exchanges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub(crate) struct SessionState {
    pub session_id: u64,
    pub phase: Phase,
    pub end: Option<EndReason>,
    pub device: DeviceRef,
    pub version: CwmpVersion,
    pub outstanding: Option<Outstanding>,
    pub next_id: u32,
    /// The last message sent carried HoldRequests=true.
    pub hold: bool,
    /// The CPE sent our session cookie back.
    pub cookie_seen: bool,
    pub auth_failures: u8,
    pub completed: u16,
    pub deadline: Instant,
}

/// Bytes of [`AcsSession::to_bytes`](super::AcsSession::to_bytes).
pub const SESSION_STATE_LEN: usize = 42;

const FORMAT: u8 = 1;

/// Why a parked session image was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum StateError {
    /// Not [`SESSION_STATE_LEN`] bytes.
    #[error("session image of {len} bytes, expected {SESSION_STATE_LEN}")]
    Length {
        /// Bytes given.
        len: usize,
    },
    /// A field holds a value no session writes.
    #[error("session image: invalid {field}")]
    Invalid {
        /// The field.
        field: &'static str,
    },
}

const PHASES: [Phase; 4] = [Phase::AwaitInform, Phase::CpeRequests, Phase::AcsRequests, Phase::Ended];
const ENDS: [EndReason; 9] = [
    EndReason::Completed,
    EndReason::Timeout,
    EndReason::ConnectionLost,
    EndReason::AuthFailed,
    EndReason::Rejected,
    EndReason::VersionMismatch,
    EndReason::ProtocolError,
    EndReason::Replaced,
    EndReason::Internal,
];

fn index_of<T: PartialEq>(table: &[T], v: &T) -> u8 {
    table.iter().position(|t| t == v).map_or(u8::MAX, |i| i as u8)
}

fn from_index<T: Copy>(table: &[T], i: u8, field: &'static str) -> Result<T, StateError> {
    table.get(usize::from(i)).copied().ok_or(StateError::Invalid { field })
}

/// A little-endian cursor over the fixed image (no panics: every access is checked).
struct Cursor<'a> {
    buf: &'a [u8],
    at: usize,
}

impl Cursor<'_> {
    fn take<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0u8; N];
        if let Some(src) = self.buf.get(self.at..self.at + N) {
            out.copy_from_slice(src);
        }
        self.at += N;
        out
    }
    fn u8(&mut self) -> u8 {
        self.take::<1>()[0]
    }
}

struct Sink<'a> {
    buf: &'a mut [u8; SESSION_STATE_LEN],
    at: usize,
}

impl Sink<'_> {
    fn put(&mut self, bytes: &[u8]) {
        if let Some(dst) = self.buf.get_mut(self.at..self.at + bytes.len()) {
            dst.copy_from_slice(bytes);
        }
        self.at += bytes.len();
    }
}

impl SessionState {
    pub(super) fn to_bytes(self) -> [u8; SESSION_STATE_LEN] {
        let mut buf = [0u8; SESSION_STATE_LEN];
        let mut s = Sink { buf: &mut buf, at: 0 };
        s.put(&[FORMAT, index_of(&PHASES, &self.phase)]);
        s.put(&[self.end.map_or(u8::MAX, |e| index_of(&ENDS, &e))]);
        s.put(&[index_of(&CwmpVersion::ALL, &self.version)]);
        s.put(&self.session_id.to_le_bytes());
        s.put(&self.device.0.to_le_bytes());
        match self.outstanding {
            Some(o) => {
                s.put(&[index_of(Method::ALL, &o.method), u8::from(o.release)]);
                s.put(&o.id.to_le_bytes());
            }
            None => s.put(&[u8::MAX, 0, 0, 0, 0, 0]),
        }
        s.put(&self.next_id.to_le_bytes());
        s.put(&[u8::from(self.hold) | u8::from(self.cookie_seen) << 1, self.auth_failures]);
        s.put(&self.completed.to_le_bytes());
        s.put(&self.deadline.as_millis().to_le_bytes());
        debug_assert_eq!(s.at, SESSION_STATE_LEN);
        buf
    }

    pub(super) fn from_bytes(bytes: &[u8]) -> Result<SessionState, StateError> {
        if bytes.len() != SESSION_STATE_LEN {
            return Err(StateError::Length { len: bytes.len() });
        }
        let mut c = Cursor { buf: bytes, at: 0 };
        if c.u8() != FORMAT {
            return Err(StateError::Invalid { field: "format" });
        }
        let phase = from_index(&PHASES, c.u8(), "phase")?;
        let end = match c.u8() {
            u8::MAX => None,
            i => Some(from_index(&ENDS, i, "end reason")?),
        };
        let version = from_index(&CwmpVersion::ALL, c.u8(), "version")?;
        let session_id = u64::from_le_bytes(c.take());
        let device = DeviceRef(u64::from_le_bytes(c.take()));
        let (method, release) = (c.u8(), c.u8());
        let id = u32::from_le_bytes(c.take());
        let outstanding = match method {
            u8::MAX => None,
            i => Some(Outstanding {
                id,
                method: from_index(Method::ALL, i, "outstanding method")?,
                release: match release {
                    0 => false,
                    1 => true,
                    _ => return Err(StateError::Invalid { field: "release flag" }),
                },
            }),
        };
        let next_id = u32::from_le_bytes(c.take());
        let flags = c.u8();
        if flags > 3 {
            return Err(StateError::Invalid { field: "flags" });
        }
        let auth_failures = c.u8();
        let completed = u16::from_le_bytes(c.take());
        let deadline = Instant::from_millis(u64::from_le_bytes(c.take()));
        if (phase == Phase::Ended) != end.is_some() {
            return Err(StateError::Invalid { field: "end reason" });
        }
        Ok(SessionState {
            session_id,
            phase,
            end,
            device,
            version,
            outstanding,
            next_id,
            hold: flags & 1 != 0,
            cookie_seen: flags & 2 != 0,
            auth_failures,
            completed,
            deadline,
        })
    }
}
