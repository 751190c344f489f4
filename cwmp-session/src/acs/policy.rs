//! The caller's side of the ACS session: credentials, admission, the queue
//! of RPCs and the results. The store stays the caller's; the engine only
//! asks.

use cwmp_core::FaultCode;
use cwmp_soap::{Envelope, Fault, Method, Rpc};

/// The caller's handle for a device (its key in the caller's store),
/// returned by [`AcsPolicy::admit`] and kept in the session state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct DeviceRef(pub u64);

/// The caller's decision on an authenticated Inform.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Admission {
    /// Serve the device.
    Accept {
        /// The device's key in the caller's store.
        device: DeviceRef,
        /// Send HoldRequests=true in the InformResponse: the CPE must not
        /// send its own requests until the ACS releases it.
        hold_requests: bool,
    },
    /// Refuse it (unknown device, credentials of another device): 403 and
    /// the session ends.
    Reject,
}

/// An RPC from the caller's queue.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Queued<'a> {
    /// The request; must be a method the ACS sends.
    pub rpc: Rpc<'a>,
    /// Send it with HoldRequests=true (the CPE keeps holding its requests).
    /// The engine releases a hold before it ends the session.
    pub hold_requests: bool,
}

/// What became of a request the ACS sent, as given to [`AcsPolicy::on_response`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Completion<'a, 'e> {
    /// The CPE's response (the whole envelope: its body is the response).
    Response(&'e Envelope<'a>),
    /// The CPE's CWMP fault.
    Fault(&'e Fault<'a>),
    /// No usable answer; the [`Outcome`](super::Outcome) says why.
    Failed(super::Outcome),
}

/// Policy and storage of an ACS, called by
/// [`AcsSession::handle_request`](super::AcsSession::handle_request). Every
/// argument borrowed from the request is decoded CPE input: hostile.
pub trait AcsPolicy {
    /// The password of `username` for HTTP authentication, `None` for an
    /// unknown user (which fails exactly like a wrong password).
    fn password(&mut self, username: &str) -> Option<&[u8]>;

    /// Decides on an Inform (already authenticated when authentication is
    /// on; `username` is the authenticated user). Store what it reports here.
    fn admit(&mut self, inform: &Envelope<'_>, username: Option<&str>) -> Admission;

    /// A CPE request other than Inform and GetRPCMethods (TransferComplete,
    /// AutonomousTransferComplete, DUStateChangeComplete,
    /// AutonomousDUStateChangeComplete, RequestDownload): `Ok` answers with
    /// its response, `Err` with that fault (e.g. 8005 *Retry request* when
    /// it cannot be stored now).
    fn cpe_request(&mut self, device: DeviceRef, request: &Envelope<'_>) -> Result<(), FaultCode>;

    /// The next RPC to send to `device` under `cwmp:ID` `id` (numbered
    /// from 1 in each session), or `None` when nothing is queued. The
    /// caller keeps the entry until it is reported: by
    /// [`AcsPolicy::on_response`] when a request decides it, else (session
    /// timed out or its connection lost) by the
    /// [`Event::RpcCompleted`](super::Event::RpcCompleted) with
    /// [`Outcome::NoResponse`](super::Outcome::NoResponse).
    fn next_request(&mut self, device: DeviceRef, id: u32) -> Option<Queued<'_>>;

    /// The request sent as `id` (`method`) is done.
    fn on_response(&mut self, device: DeviceRef, id: u32, method: Method, completion: Completion<'_, '_>);
}
