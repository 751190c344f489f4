//! What the session reports to the caller: plain data, no borrows, so the
//! caller can log or store it after the request buffer is gone.

use cwmp_core::FaultCode;
use cwmp_soap::Method;

use super::policy::DeviceRef;

/// How an RPC the ACS sent ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Outcome {
    /// The CPE answered with the matching response.
    Response,
    /// The CPE answered with a CWMP fault.
    Fault(FaultCode),
    /// The CPE sent something else instead (another ID, another method's
    /// response, or an empty POST): the request is considered lost.
    Mismatched,
    /// The CPE's answer did not decode; the code is the fault it maps to.
    Undecodable(FaultCode),
    /// The session ended (timeout, broken connection, new Inform) before
    /// the answer arrived.
    NoResponse,
    /// The queued RPC could not be sent: not an ACS request, not in the
    /// session's CWMP version, or over the caller's buffer or a schema cap.
    NotSent,
}

/// Why a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum EndReason {
    /// Both sides had nothing more: the ACS answered 204.
    Completed,
    /// No request within the session timeout.
    Timeout,
    /// The connection broke and the CPE does not keep the session cookie.
    ConnectionLost,
    /// The CPE failed authentication too many times.
    AuthFailed,
    /// [`AcsPolicy::admit`](super::AcsPolicy::admit) refused the device.
    Rejected,
    /// No CWMP version in common (fault 8006 sent).
    VersionMismatch,
    /// The CPE broke the protocol (no Inform first, an Inform that does
    /// not decode, a method other than POST).
    ProtocolError,
    /// The CPE started a new session with a new Inform.
    Replaced,
    /// Our own buffers were too small for a reply.
    Internal,
}

/// A typed event, from [`AcsSession::poll_event`](super::AcsSession::poll_event).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Event {
    /// An Inform was accepted and answered.
    Informed {
        /// The caller's device.
        device: DeviceRef,
        /// The version the session runs in.
        version: cwmp_core::CwmpVersion,
    },
    /// A CPE request was answered (with its response, or with `fault`).
    CpeRequest {
        /// The method (`None` for an unknown/vendor method).
        method: Option<Method>,
        /// The fault sent instead of the response, if any.
        fault: Option<FaultCode>,
    },
    /// An RPC the ACS sent is done.
    RpcCompleted {
        /// Its `cwmp:ID` (the number given to [`AcsPolicy::next_request`](super::AcsPolicy::next_request)).
        id: u32,
        /// The method sent.
        method: Method,
        /// How it ended.
        outcome: Outcome,
    },
    /// The session ended; no more events follow.
    Ended {
        /// Why.
        reason: EndReason,
        /// RPCs completed with a response or fault in this session.
        completed: u16,
    },
}
