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
