//! Inform event codes (the `EventStruct/EventCode` of an Inform).
//!
//! Three families exist: the numbered standard codes `0 BOOTSTRAP` …
//! `14 HEARTBEAT`, `M <Method>` codes naming the RPC that caused the event
//! (with that RPC's CommandKey), and vendor codes `X <OUI> <event>`.
//! Every code knows its cumulative behaviour, which response from the ACS
//! lets the CPE discard it, and whether it survives a failed session or a
//! reboot.
//!
//! ```
//! use cwmp_core::{EventCode, EventKind, event::RequiredResponse};
//!
//! let e = EventCode::parse("M Download").unwrap();
//! assert_eq!(e, EventCode::Method("Download"));
//! assert_eq!(e.kind(), EventKind::Multiple);
//! assert_eq!(e.required_response(), RequiredResponse::TransferCompleteResponse);
//! assert_eq!(EventCode::ConnectionRequest.to_string(), "6 CONNECTION REQUEST");
//! assert!(!EventCode::ConnectionRequest.retried_after_failed_session());
//! let v = EventCode::parse("X 00256D FIRMWARE UPGRADED").unwrap();
//! assert_eq!(v, EventCode::Vendor { oui: "00256D", event: "FIRMWARE UPGRADED" });
//! ```
//!
//! # Sources and confidence
//!
//! The code strings and their numbers come from the official schemas
//! (cwmp-1-0.xsd enumerates 0–9 and the `M` methods; 1-1 adds 10; the 1-2
//! documentation lists 0–12; 1-4 adds `13 WAKEUP`) and `14 HEARTBEAT` from
//! TR-069 Annex O as used by TR-181's `HeartbeatPolicy`. The normative
//! retry/discard table of TR-069 §3.7.1.5 was not reachable in our reference
//! material; the retention rules below follow the behaviour of deployed
//! open implementations (icwmp, easycwmp, RDK-B) recorded in
//! `SPEC-FACTS.md` §2, and are kept as data in one table so a correction is
//! a one-line change.

use core::fmt;

/// Cumulative behaviour of an event code (TR-069 Table 7 "Cumulative
/// behavior").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum EventKind {
    /// At most one undelivered instance is kept; a new one merges into it.
    Single,
    /// One instance per occurrence (the `M` codes, one per CommandKey).
    Multiple,
}

/// The ACS response after which the CPE may discard an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum RequiredResponse {
    /// `InformResponse`.
    InformResponse,
    /// `TransferCompleteResponse`.
    TransferCompleteResponse,
    /// `AutonomousTransferCompleteResponse`.
    AutonomousTransferCompleteResponse,
    /// `RequestDownloadResponse`.
    RequestDownloadResponse,
    /// `DUStateChangeCompleteResponse`.
    DuStateChangeCompleteResponse,
    /// `AutonomousDUStateChangeCompleteResponse`.
    AutonomousDuStateChangeCompleteResponse,
    /// `KickedResponse`.
    KickedResponse,
}

/// An Inform event code, borrowing method, OUI and vendor text from its input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum EventCode<'a> {
    /// `0 BOOTSTRAP`: first contact, factory reset, or a changed ACS URL.
    Bootstrap,
    /// `1 BOOT`: power-up or reset (any reboot, not waking from standby).
    Boot,
    /// `2 PERIODIC`: the periodic inform interval elapsed.
    Periodic,
    /// `3 SCHEDULED`: a ScheduleInform came due (with `M ScheduleInform`).
    Scheduled,
    /// `4 VALUE CHANGE`: a notified parameter changed.
    ValueChange,
    /// `5 KICKED`: web-browser kick (deprecated with the Kicked RPC).
    Kicked,
    /// `6 CONNECTION REQUEST`: the ACS asked for this session.
    ConnectionRequest,
    /// `7 TRANSFER COMPLETE`: an ACS-requested transfer ended.
    TransferComplete,
    /// `8 DIAGNOSTICS COMPLETE`: an ACS-requested diagnostic ended.
    DiagnosticsComplete,
    /// `9 REQUEST DOWNLOAD`: the CPE will call RequestDownload.
    RequestDownload,
    /// `10 AUTONOMOUS TRANSFER COMPLETE`.
    AutonomousTransferComplete,
    /// `11 DU STATE CHANGE COMPLETE`.
    DuStateChangeComplete,
    /// `12 AUTONOMOUS DU STATE CHANGE COMPLETE`.
    AutonomousDuStateChangeComplete,
    /// `13 WAKEUP`: woke from standby (CWMP 1.4).
    Wakeup,
    /// `14 HEARTBEAT`: heartbeat policy (TR-069 Annex O).
    Heartbeat,
    /// `M <method>`: `Reboot`, `ScheduleInform`, `Download`,
    /// `ScheduleDownload`, `Upload`, `ChangeDUState`, or a vendor `X_…` method.
    Method(&'a str),
    /// `X <OUI> <event>`: a vendor event. The schema allows any non-space
    /// token where the OUI goes; [`EventCode::vendor_oui_is_valid`] checks it.
    Vendor {
        /// The organisation identifier (normally 6 upper-case hex digits).
        oui: &'a str,
        /// The vendor's event text (may contain spaces).
        event: &'a str,
    },
    /// A numbered code this library does not know (a later amendment):
    /// `\d+( \S+)+`, kept as received.
    Other {
        /// The number.
        number: u16,
        /// The text after the number.
        name: &'a str,
    },
}

/// What was wrong with an event code, and where.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[error("{kind} at byte {offset}")]
pub struct EventCodeError {
    /// The fault.
    pub kind: EventCodeErrorKind,
    /// Byte offset in the input.
    pub offset: usize,
}

/// The kinds of [`EventCodeError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum EventCodeErrorKind {
    /// Empty input.
    #[error("empty event code")]
    Empty,
    /// Not a number, `M` or `X` at the start.
    #[error("event code must start with a number, 'M' or 'X'")]
    BadStart,
    /// A single space was expected.
    #[error("expected one space")]
    Space,
    /// A known number with another name (e.g. `1 BOOTSTRAP`).
    #[error("name does not match the event number")]
    NameMismatch,
    /// The method name of an `M` code is empty or contains whitespace.
    #[error("bad method name")]
    BadMethod,
    /// The `X` code lacks its OUI or event text.
    #[error("bad vendor event")]
    BadVendor,
    /// The number does not fit.
    #[error("event number out of range")]
    Number,
}

struct StdDef {
    number: u16,
    name: &'static str,
    code: EventCode<'static>,
    required: RequiredResponse,
    retried: bool,
    kept_over_reboot: bool,
}

macro_rules! standard_events {
    ($( $num:literal $name:literal $variant:ident $resp:ident retry=$retry:literal reboot=$reboot:literal; )*) => {
        const STANDARD: &[StdDef] = &[
            $( StdDef {
                number: $num,
                name: $name,
                code: EventCode::$variant,
                required: RequiredResponse::$resp,
                retried: $retry,
                kept_over_reboot: $reboot,
            }, )*
        ];
    };
}

// Retry after a failed session / kept over a reboot: icwmp's table
// (SPEC-FACTS.md §2); 6 CONNECTION REQUEST is never retried (icwmp, easycwmp).
standard_events! {
    0 "BOOTSTRAP" Bootstrap InformResponse retry=true reboot=true;
    1 "BOOT" Boot InformResponse retry=true reboot=false;
    2 "PERIODIC" Periodic InformResponse retry=true reboot=true;
    3 "SCHEDULED" Scheduled InformResponse retry=true reboot=true;
    4 "VALUE CHANGE" ValueChange InformResponse retry=true reboot=false;
    5 "KICKED" Kicked KickedResponse retry=true reboot=true;
    6 "CONNECTION REQUEST" ConnectionRequest InformResponse retry=false reboot=false;
    7 "TRANSFER COMPLETE" TransferComplete TransferCompleteResponse retry=true reboot=true;
    8 "DIAGNOSTICS COMPLETE" DiagnosticsComplete InformResponse retry=true reboot=false;
    9 "REQUEST DOWNLOAD" RequestDownload RequestDownloadResponse retry=true reboot=true;
    10 "AUTONOMOUS TRANSFER COMPLETE" AutonomousTransferComplete AutonomousTransferCompleteResponse retry=true reboot=true;
    11 "DU STATE CHANGE COMPLETE" DuStateChangeComplete DuStateChangeCompleteResponse retry=true reboot=true;
    12 "AUTONOMOUS DU STATE CHANGE COMPLETE" AutonomousDuStateChangeComplete AutonomousDuStateChangeCompleteResponse retry=true reboot=true;
    13 "WAKEUP" Wakeup InformResponse retry=true reboot=true;
    14 "HEARTBEAT" Heartbeat InformResponse retry=true reboot=true;
}

/// The `M` methods TR-069 defines event codes for.
pub const STANDARD_METHODS: [&str; 6] =
    ["Reboot", "ScheduleInform", "Download", "ScheduleDownload", "Upload", "ChangeDUState"];

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

impl<'a> EventCode<'a> {
    fn std_def(&self) -> Option<&'static StdDef> {
        STANDARD.iter().find(|d| d.code == *self)
    }

    /// Parses an EventCode string exactly as the schema spells it (single
    /// spaces, upper-case names, case-sensitive method names).
    pub fn parse(s: &'a str) -> Result<EventCode<'a>, EventCodeError> {
        use EventCodeErrorKind as K;
        let err = |kind, offset| Err(EventCodeError { kind, offset });
        let b = s.as_bytes();
        match b.first() {
            None => err(K::Empty, 0),
            Some(b'M') => {
                let Some(m) = s.strip_prefix("M ") else { return err(K::Space, 1) };
                if m.is_empty() || m.bytes().any(is_ws) {
                    return err(K::BadMethod, 2);
                }
                Ok(EventCode::Method(m))
            }
            Some(b'X') => {
                let Some(rest) = s.strip_prefix("X ") else { return err(K::Space, 1) };
                let Some((oui, event)) = rest.split_once(' ') else { return err(K::BadVendor, s.len()) };
                if oui.is_empty() || event.is_empty() || oui.bytes().any(is_ws) {
                    return err(K::BadVendor, 2);
                }
                Ok(EventCode::Vendor { oui, event })
            }
            Some(d) if d.is_ascii_digit() => {
                let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
                let Some(num) = s.get(..digits).and_then(|n| n.parse::<u16>().ok()) else {
                    return err(K::Number, 0);
                };
                let name = match s.get(digits..).and_then(|r| r.strip_prefix(' ')) {
                    Some(n) if !n.is_empty() => n,
                    _ => return err(K::Space, digits),
                };
                // `\d+( \S+)+`: words separated by single spaces.
                if name.split(' ').any(|w| w.is_empty() || w.bytes().any(is_ws)) {
                    return err(K::Space, digits + 1);
                }
                match STANDARD.iter().find(|d| d.number == num) {
                    Some(d) if d.name == name => Ok(d.code),
                    Some(_) => err(K::NameMismatch, digits + 1),
                    None => Ok(EventCode::Other { number: num, name }),
                }
            }
            Some(_) => err(K::BadStart, 0),
        }
    }

    /// The event number of a numbered code.
    pub fn number(&self) -> Option<u16> {
        match self {
            EventCode::Other { number, .. } => Some(*number),
            _ => self.std_def().map(|d| d.number),
        }
    }

    /// Cumulative behaviour: numbered and vendor codes are single, `M`
    /// codes multiple.
    pub fn kind(&self) -> EventKind {
        match self {
            EventCode::Method(_) => EventKind::Multiple,
            _ => EventKind::Single,
        }
    }

    /// The ACS response after which the CPE may discard this event.
    pub fn required_response(&self) -> RequiredResponse {
        match self {
            EventCode::Method("Download" | "ScheduleDownload" | "Upload") => RequiredResponse::TransferCompleteResponse,
            EventCode::Method("ChangeDUState") => RequiredResponse::DuStateChangeCompleteResponse,
            _ => self.std_def().map_or(RequiredResponse::InformResponse, |d| d.required),
        }
    }

    /// Whether an undelivered event is carried again in the next attempt
    /// after a failed session. `6 CONNECTION REQUEST` is not: the ACS will
    /// ask again.
    pub fn retried_after_failed_session(&self) -> bool {
        self.std_def().is_none_or(|d| d.retried)
    }

    /// Whether an undelivered event must survive a reboot (persisted by the
    /// firmware). `M` codes do (their CommandKey must reach the ACS); vendor
    /// and unknown codes do not.
    pub fn kept_over_reboot(&self) -> bool {
        match self {
            EventCode::Method(_) => true,
            EventCode::Vendor { .. } | EventCode::Other { .. } => false,
            _ => self.std_def().is_some_and(|d| d.kept_over_reboot),
        }
    }

    /// Whether a new `0 BOOTSTRAP` discards this undelivered event: it
    /// discards every other event (the new ACS knows nothing of them).
    pub fn discarded_by_bootstrap(&self) -> bool {
        *self != EventCode::Bootstrap
    }

    /// For `Vendor` codes: whether the OUI is 6 upper-case hex digits as
    /// cwmp-1-0 requires (`X [0-9A-F]{6} .*`).
    pub fn vendor_oui_is_valid(&self) -> bool {
        match self {
            EventCode::Vendor { oui, .. } => {
                oui.len() == 6 && oui.bytes().all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(&b))
            }
            _ => false,
        }
    }

    /// The standard numbered codes, `0 BOOTSTRAP` to `14 HEARTBEAT`.
    pub fn standard() -> impl Iterator<Item = EventCode<'static>> {
        STANDARD.iter().map(|d| d.code)
    }
}

impl fmt::Display for EventCode<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EventCode::Method(m) => write!(f, "M {m}"),
            EventCode::Vendor { oui, event } => write!(f, "X {oui} {event}"),
            EventCode::Other { number, name } => write!(f, "{number} {name}"),
            _ => match self.std_def() {
                Some(d) => write!(f, "{} {}", d.number, d.name),
                None => Ok(()),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::string::ToString;

    #[test]
    fn standard_codes_round_trip_and_are_numbered_in_order() {
        for (i, e) in EventCode::standard().enumerate() {
            assert_eq!(e.number(), Some(i as u16));
            assert_eq!(EventCode::parse(&e.to_string()), Ok(e));
        }
        assert_eq!(EventCode::standard().count(), 15);
    }

    #[test]
    fn corpus_inform_events() {
        // Seen in shared/corpus/messages/real: ZTE BOOTSTRAP with a CommandKey,
        // MikroTik 8 DIAGNOSTICS COMPLETE, genieacs-sim 2 PERIODIC.
        assert_eq!(EventCode::parse("0 BOOTSTRAP"), Ok(EventCode::Bootstrap));
        assert_eq!(EventCode::parse("8 DIAGNOSTICS COMPLETE"), Ok(EventCode::DiagnosticsComplete));
        assert_eq!(EventCode::parse("2 PERIODIC"), Ok(EventCode::Periodic));
    }

    #[test]
    fn malformed_codes_say_where() {
        let k = |s| EventCode::parse(s).unwrap_err();
        assert_eq!(k("").kind, EventCodeErrorKind::Empty);
        assert_eq!(k("1 BOOTSTRAP"), EventCodeError { kind: EventCodeErrorKind::NameMismatch, offset: 2 });
        assert_eq!(k("1  BOOT").kind, EventCodeErrorKind::Space);
        assert_eq!(k("1BOOT").kind, EventCodeErrorKind::Space);
        assert_eq!(k("boot").kind, EventCodeErrorKind::BadStart);
        assert_eq!(k("M ").kind, EventCodeErrorKind::BadMethod);
        assert_eq!(k("M Sched Inform").kind, EventCodeErrorKind::BadMethod);
        assert_eq!(k("X 00256D").kind, EventCodeErrorKind::BadVendor);
        assert_eq!(k("99999 FOO").kind, EventCodeErrorKind::Number);
        assert_eq!(EventCode::parse("15 FUTURE THING"), Ok(EventCode::Other { number: 15, name: "FUTURE THING" }));
    }

    #[test]
    fn retention_rules() {
        use RequiredResponse as R;
        assert_eq!(EventCode::TransferComplete.required_response(), R::TransferCompleteResponse);
        assert_eq!(EventCode::Method("ChangeDUState").required_response(), R::DuStateChangeCompleteResponse);
        assert_eq!(EventCode::Method("Reboot").required_response(), R::InformResponse);
        assert_eq!(EventCode::Method("X_ACME_Foo").kind(), EventKind::Multiple);
        assert!(EventCode::Method("Reboot").kept_over_reboot());
        assert!(!EventCode::Boot.kept_over_reboot());
        assert!(EventCode::Bootstrap.kept_over_reboot());
        assert!(!EventCode::Bootstrap.discarded_by_bootstrap());
        assert!(EventCode::TransferComplete.discarded_by_bootstrap());
        assert!(EventCode::Vendor { oui: "00256D", event: "X" }.vendor_oui_is_valid());
        assert!(!EventCode::Vendor { oui: "00a859", event: "X" }.vendor_oui_is_valid());
    }

    fn arb_event() -> impl Strategy<Value = std::string::String> {
        prop_oneof![
            (0u16..15).prop_map(|n| EventCode::standard().nth(n as usize).unwrap().to_string()),
            "[A-Za-z_][A-Za-z0-9_]{0,20}".prop_map(|m| std::format!("M {m}")),
            ("[0-9A-F]{6}", "[A-Z][A-Z ]{0,10}[A-Z]").prop_map(|(o, e)| std::format!("X {o} {e}")),
            (15u16..1000, "[A-Z]{1,8}( [A-Z]{1,8}){0,3}").prop_map(|(n, s)| std::format!("{n} {s}")),
        ]
    }

    proptest! {
        #[test]
        fn parse_format_round_trip(s in arb_event()) {
            let e = EventCode::parse(&s).unwrap();
            prop_assert_eq!(e.to_string(), s);
        }

        #[test]
        fn arbitrary_input_never_panics(s in "\\PC{0,40}") {
            if let Ok(e) = EventCode::parse(&s) {
                prop_assert_eq!(e.to_string(), s);
            }
        }
    }
}
