//! Deployment-unit state changes (TR-069 A.4.1.10 ChangeDUState): the
//! operations of one accepted request, copied out of the ACS's message into
//! fixed storage and handed to the application after the session.
//!
//! The application's results go back to the ACS as DUStateChangeComplete
//! (A.4.2.4) and AutonomousDUStateChangeComplete (A.4.2.5): one of each
//! kind waits for its response at a time.
//!
//! Bounds: [`DU_OPERATIONS`] operations per request (more answers 9004
//! *Resources exceeded*), one request waiting for the application at a time
//! (a second answers 9004 too); every string at its schema cap (URL 1024,
//! UUID 64, Username/Password/ExecutionEnvRef 256, Version 32,
//! CommandKey 32).

use cwmp_core::{DateTime, FaultCode};
use cwmp_soap::Text;
use cwmp_soap::rpc::ChangeDuState;
use cwmp_soap::structs::{AutonOpResultStruct, DuFault, OpResultStruct, Operation};

use crate::cpe::persist::{PersistError, PersistErrorKind, Reader, Writer, fail, need};

/// Operations one ChangeDUState may carry here.
pub const DU_OPERATIONS: usize = 4;

/// One operation of a ChangeDUState, as the ACS sent it (absent optional
/// arguments are empty).
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(clippy::large_enum_variant)] // Plain data inline: no allocator to box with.
pub enum DuOperation {
    /// Install a deployment unit.
    Install {
        /// Where to fetch it (never empty).
        url: heapless::String<1024, u16>,
        /// Its UUID.
        uuid: heapless::String<64>,
        /// User name for the URL.
        username: heapless::String<256, u16>,
        /// Password for the URL.
        password: heapless::String<256, u16>,
        /// Execution environment to install into.
        execution_env_ref: heapless::String<256, u16>,
    },
    /// Update a deployment unit.
    Update {
        /// Its UUID.
        uuid: heapless::String<64>,
        /// Its version.
        version: heapless::String<32>,
        /// Where to fetch the update.
        url: heapless::String<1024, u16>,
        /// User name for the URL.
        username: heapless::String<256, u16>,
        /// Password for the URL.
        password: heapless::String<256, u16>,
    },
    /// Uninstall a deployment unit.
    Uninstall {
        /// Its UUID (never empty).
        uuid: heapless::String<64>,
        /// Its version.
        version: heapless::String<32>,
        /// Execution environment to remove it from.
        execution_env_ref: heapless::String<256, u16>,
    },
}

/// An accepted ChangeDUState: its CommandKey and operations, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuRequest {
    /// CommandKey (empty when absent).
    pub command_key: heapless::String<32>,
    /// The operations (1 … [`DU_OPERATIONS`]).
    pub operations: heapless::Vec<DuOperation, DU_OPERATIONS>,
}

/// Copies `t` (unescaped) into a string of capacity `C`; longer than the
/// schema cap is a malformed request (9003).
fn text<const C: usize, L: heapless::LenType>(t: Option<&Text<'_>>) -> Result<heapless::String<C, L>, FaultCode> {
    let mut buf = [0u8; 1024];
    let Some(t) = t else { return Ok(heapless::String::new()) };
    let s = t.unescape_into(&mut buf).ok_or(FaultCode::INVALID_ARGUMENTS)?;
    heapless::String::try_from(s).map_err(|_| FaultCode::INVALID_ARGUMENTS)
}

impl DuRequest {
    /// Validates and copies a ChangeDUState: no operation, an Install
    /// without URL or an Uninstall without UUID is 9003, more than
    /// [`DU_OPERATIONS`] operations 9004.
    pub(super) fn from_request(c: &ChangeDuState<'_>) -> Result<DuRequest, FaultCode> {
        if c.operations.is_empty() {
            return Err(FaultCode::INVALID_ARGUMENTS);
        }
        if c.operations.len() > DU_OPERATIONS {
            return Err(FaultCode::RESOURCES_EXCEEDED);
        }
        let mut operations = heapless::Vec::new();
        for op in c.operations.iter() {
            let op = match op {
                Operation::Install(i) => DuOperation::Install {
                    url: text(Some(&i.url))?,
                    uuid: text(i.uuid.as_ref())?,
                    username: text(i.username.as_ref())?,
                    password: text(i.password.as_ref())?,
                    execution_env_ref: text(i.execution_env_ref.as_ref())?,
                },
                Operation::Update(u) => DuOperation::Update {
                    uuid: text(u.uuid.as_ref())?,
                    version: text(u.version.as_ref())?,
                    url: text(u.url.as_ref())?,
                    username: text(u.username.as_ref())?,
                    password: text(u.password.as_ref())?,
                },
                Operation::Uninstall(u) => DuOperation::Uninstall {
                    uuid: text(Some(&u.uuid))?,
                    version: text(u.version.as_ref())?,
                    execution_env_ref: text(u.execution_env_ref.as_ref())?,
                },
            };
            let missing = match &op {
                DuOperation::Install { url, .. } => url.is_empty(),
                DuOperation::Uninstall { uuid, .. } => uuid.is_empty(),
                DuOperation::Update { .. } => false,
            };
            if missing {
                return Err(FaultCode::INVALID_ARGUMENTS);
            }
            operations.push(op).map_err(|_| FaultCode::RESOURCES_EXCEEDED)?;
        }
        Ok(DuRequest { command_key: text(c.command_key.as_ref())?, operations })
    }
}

/// Longest DeploymentUnitRef / ExecutionUnitRefList / FaultString kept in
/// a result (the schema leaves them unbounded or at 256).
pub const DU_RESULT_TEXT: usize = 256;

/// `CurrentState` of a deployment unit after an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum DuState {
    /// `Installed`.
    Installed,
    /// `Uninstalled`.
    Uninstalled,
    /// `Failed`.
    Failed,
}

impl DuState {
    /// The schema's literal.
    pub fn as_str(self) -> &'static str {
        match self {
            DuState::Installed => "Installed",
            DuState::Uninstalled => "Uninstalled",
            DuState::Failed => "Failed",
        }
    }
}

/// The outcome of one operation, as the application reports it
/// ([`Session::du_state_change_complete`](super::Session::du_state_change_complete)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DuResult<'a> {
    /// Deployment unit UUID (≤ 64).
    pub uuid: &'a str,
    /// Path of its DeploymentUnit instance (≤ [`DU_RESULT_TEXT`]).
    pub deployment_unit_ref: &'a str,
    /// Its version (≤ 32).
    pub version: &'a str,
    /// Its state now.
    pub current_state: DuState,
    /// Whether all its dependencies are resolved.
    pub resolved: bool,
    /// Comma-separated ExecutionUnit paths (≤ [`DU_RESULT_TEXT`]).
    pub execution_unit_ref_list: &'a str,
    /// Start of the operation.
    pub start_time: DateTime,
    /// End of the operation.
    pub complete_time: DateTime,
    /// Fault code (0: success).
    pub fault_code: FaultCode,
    /// Fault string (≤ [`DU_RESULT_TEXT`]).
    pub fault_string: &'a str,
    /// `Install`, `Update` or `Uninstall` (≤ 32; only sent in the
    /// autonomous variant).
    pub operation_performed: &'a str,
}

/// A [`DuResult`] kept until its completion is acknowledged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct StoredResult {
    uuid: heapless::String<64>,
    deployment_unit_ref: heapless::String<DU_RESULT_TEXT, u16>,
    version: heapless::String<32>,
    current_state: DuState,
    resolved: bool,
    execution_unit_ref_list: heapless::String<DU_RESULT_TEXT, u16>,
    start_time: DateTime,
    complete_time: DateTime,
    fault_code: FaultCode,
    fault_string: heapless::String<DU_RESULT_TEXT, u16>,
    operation_performed: heapless::String<32>,
}

impl StoredResult {
    fn new(r: &DuResult<'_>) -> Option<StoredResult> {
        Some(StoredResult {
            uuid: heapless::String::try_from(r.uuid).ok()?,
            deployment_unit_ref: heapless::String::try_from(r.deployment_unit_ref).ok()?,
            version: heapless::String::try_from(r.version).ok()?,
            current_state: r.current_state,
            resolved: r.resolved,
            execution_unit_ref_list: heapless::String::try_from(r.execution_unit_ref_list).ok()?,
            start_time: r.start_time,
            complete_time: r.complete_time,
            fault_code: r.fault_code,
            fault_string: heapless::String::try_from(r.fault_string).ok()?,
            operation_performed: heapless::String::try_from(r.operation_performed).ok()?,
        })
    }

    fn fault(&self) -> DuFault<'_> {
        DuFault {
            fault_code: self.fault_code,
            fault_string: (!self.fault_string.is_empty()).then_some(Text::plain(&self.fault_string)),
        }
    }

    pub(super) fn op_result(&self) -> OpResultStruct<'_> {
        OpResultStruct {
            uuid: Text::plain(&self.uuid),
            deployment_unit_ref: Text::plain(&self.deployment_unit_ref),
            version: Text::plain(&self.version),
            current_state: Text::Plain(self.current_state.as_str()),
            resolved: self.resolved,
            execution_unit_ref_list: Text::plain(&self.execution_unit_ref_list),
            start_time: self.start_time,
            complete_time: self.complete_time,
            fault: self.fault(),
        }
    }

    pub(super) fn auton_op_result(&self) -> AutonOpResultStruct<'_> {
        AutonOpResultStruct {
            uuid: Text::plain(&self.uuid),
            deployment_unit_ref: Text::plain(&self.deployment_unit_ref),
            version: Text::plain(&self.version),
            current_state: Text::Plain(self.current_state.as_str()),
            resolved: self.resolved,
            execution_unit_ref_list: Text::plain(&self.execution_unit_ref_list),
            start_time: self.start_time,
            complete_time: self.complete_time,
            fault: self.fault(),
            operation_performed: Text::plain(&self.operation_performed),
        }
    }
}

/// A DUStateChangeComplete (or, with an empty key and `autonomous`, an
/// AutonomousDUStateChangeComplete) waiting for its response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct DuComplete {
    pub(super) command_key: heapless::String<32>,
    pub(super) results: heapless::Vec<StoredResult, DU_OPERATIONS>,
}

impl DuComplete {
    /// `None` when a string is over its bound or there are more than
    /// [`DU_OPERATIONS`] results (or none).
    pub(super) fn new(command_key: &str, results: &[DuResult<'_>]) -> Option<DuComplete> {
        if results.is_empty() {
            return None;
        }
        let mut stored = heapless::Vec::new();
        for r in results {
            stored.push(StoredResult::new(r)?).ok()?;
        }
        Some(DuComplete { command_key: heapless::String::try_from(command_key).ok()?, results: stored })
    }
}

/// Magic of the DU section the session appends to the [`CpeState`]
/// image (`"CWDU" payload_len:u32le payload crc32:u32le`).
///
/// [`CpeState`]: crate::cpe::persist::CpeState
pub(super) const SECTION_MAGIC: [u8; 4] = *b"CWDU";

/// What of the DU state survives a reboot.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(super) struct DuSection {
    pub(super) request: Option<DuRequest>,
    pub(super) complete: Option<DuComplete>,
    pub(super) autonomous: Option<DuComplete>,
}

fn put_request(w: &mut Writer<'_>, q: &DuRequest) -> Result<(), PersistError> {
    w.str(&q.command_key)?;
    w.u8(q.operations.len() as u8)?;
    for op in &q.operations {
        let (kind, fields): (u8, [&str; 5]) = match op {
            DuOperation::Install { url, uuid, username, password, execution_env_ref } => {
                (0, [url, uuid, username, password, execution_env_ref])
            }
            DuOperation::Update { uuid, version, url, username, password } => {
                (1, [uuid, version, url, username, password])
            }
            DuOperation::Uninstall { uuid, version, execution_env_ref } => {
                (2, [uuid, version, execution_env_ref, "", ""])
            }
        };
        w.u8(kind)?;
        for f in fields {
            w.str(f)?;
        }
    }
    Ok(())
}

fn get_request(r: &mut Reader<'_>) -> Result<DuRequest, PersistError> {
    let command_key = r.string()?;
    let at = r.pos;
    let n = r.u8()?;
    let mut operations = heapless::Vec::new();
    for _ in 0..n {
        let at = r.pos;
        let op = match r.u8()? {
            0 => DuOperation::Install {
                url: r.string()?,
                uuid: r.string()?,
                username: r.string()?,
                password: r.string()?,
                execution_env_ref: r.string()?,
            },
            1 => DuOperation::Update {
                uuid: r.string()?,
                version: r.string()?,
                url: r.string()?,
                username: r.string()?,
                password: r.string()?,
            },
            2 => {
                let op =
                    DuOperation::Uninstall { uuid: r.string()?, version: r.string()?, execution_env_ref: r.string()? };
                // The two unused slots.
                r.str()?;
                r.str()?;
                op
            }
            _ => return fail(PersistErrorKind::Value, at),
        };
        operations.push(op).or(fail(PersistErrorKind::Value, at))?;
    }
    need((n > 0).then_some(()), at)?;
    Ok(DuRequest { command_key, operations })
}

fn put_complete(w: &mut Writer<'_>, c: &DuComplete) -> Result<(), PersistError> {
    w.str(&c.command_key)?;
    w.u8(c.results.len() as u8)?;
    for x in &c.results {
        for f in [&x.uuid[..], &x.deployment_unit_ref, &x.version, &x.execution_unit_ref_list, &x.fault_string] {
            w.str(f)?;
        }
        w.str(&x.operation_performed)?;
        w.u8(x.current_state as u8)?;
        w.u8(u8::from(x.resolved))?;
        w.date(x.start_time)?;
        w.date(x.complete_time)?;
        w.u32(u32::from(x.fault_code.code()))?;
    }
    Ok(())
}

fn get_complete(r: &mut Reader<'_>) -> Result<DuComplete, PersistError> {
    let command_key = r.string()?;
    let at = r.pos;
    let n = r.u8()?;
    let mut results = heapless::Vec::new();
    for _ in 0..n {
        let at = r.pos;
        let (uuid, deployment_unit_ref, version) = (r.string()?, r.string()?, r.string()?);
        let (execution_unit_ref_list, fault_string, operation_performed) = (r.string()?, r.string()?, r.string()?);
        let s = r.pos;
        let current_state = match r.u8()? {
            0 => DuState::Installed,
            1 => DuState::Uninstalled,
            2 => DuState::Failed,
            _ => return fail(PersistErrorKind::Value, s),
        };
        let resolved = r.u8()? != 0;
        let (start_time, complete_time) = (r.date()?, r.date()?);
        let f = r.pos;
        let fault_code = FaultCode::new(need(u16::try_from(r.u32()?).ok(), f)?);
        let x = StoredResult {
            uuid,
            deployment_unit_ref,
            version,
            current_state,
            resolved,
            execution_unit_ref_list,
            start_time,
            complete_time,
            fault_code,
            fault_string,
            operation_performed,
        };
        results.push(x).or(fail(PersistErrorKind::Value, at))?;
    }
    need((n > 0).then_some(()), at)?;
    Ok(DuComplete { command_key, results })
}

/// Appends the DU section to `buf` (nothing when there is nothing to
/// keep); returns its length.
pub(super) fn encode_section(
    request: Option<&DuRequest>,
    complete: Option<&DuComplete>,
    autonomous: Option<&DuComplete>,
    buf: &mut [u8],
) -> Result<usize, PersistError> {
    if request.is_none() && complete.is_none() && autonomous.is_none() {
        return Ok(0);
    }
    let mut w = Writer { buf, pos: 8 };
    for present in [request.is_some(), complete.is_some(), autonomous.is_some()] {
        w.u8(u8::from(present))?;
    }
    if let Some(q) = request {
        put_request(&mut w, q)?;
    }
    for c in [complete, autonomous].into_iter().flatten() {
        put_complete(&mut w, c)?;
    }
    let end = w.pos;
    let crc = crate::cpe::persist::crc32(w.buf.get(8..end).unwrap_or(&[]));
    w.u32(crc)?;
    let len = (end - 8) as u32;
    let head = w.buf.get_mut(..8).ok_or(PersistError { kind: PersistErrorKind::NoSpace, offset: 0 })?;
    head[..4].copy_from_slice(&SECTION_MAGIC);
    head[4..].copy_from_slice(&len.to_le_bytes());
    Ok(w.pos)
}

impl DuSection {
    /// Reads a section written by [`DuSection::encode`] (empty input: an
    /// empty section); `base` is its offset in the whole image, for errors.
    pub(super) fn decode(b: &[u8], base: usize) -> Result<DuSection, PersistError> {
        if b.is_empty() {
            return Ok(DuSection::default());
        }
        let at = |e: PersistError| PersistError { offset: e.offset + base, ..e };
        let mut r = Reader { b, pos: 0 };
        if r.array::<4>().map_err(at)? != SECTION_MAGIC {
            return fail(PersistErrorKind::Magic, base);
        }
        let len = r.u32().map_err(at)? as usize;
        // Checked: `len` comes from the image (a 32-bit usize could wrap).
        if len.checked_add(12) != Some(b.len()) {
            return fail(PersistErrorKind::Length, base + 4);
        }
        let payload = b.get(8..8 + len).unwrap_or(&[]);
        let mut crc = Reader { b, pos: 8 + len };
        if crc.u32().map_err(at)? != crate::cpe::persist::crc32(payload) {
            return fail(PersistErrorKind::Checksum, base + 8 + len);
        }
        let mut r = Reader { b: payload, pos: 0 };
        let (a, c, d) = (r.u8().map_err(at)?, r.u8().map_err(at)?, r.u8().map_err(at)?);
        let mut s = DuSection::default();
        if a != 0 {
            s.request = Some(get_request(&mut r).map_err(at)?);
        }
        if c != 0 {
            s.complete = Some(get_complete(&mut r).map_err(at)?);
        }
        if d != 0 {
            s.autonomous = Some(get_complete(&mut r).map_err(at)?);
        }
        if r.pos != payload.len() {
            return fail(PersistErrorKind::Length, base + 8 + r.pos);
        }
        Ok(s)
    }
}
