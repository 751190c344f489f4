//! Deployment-unit state changes (TR-069 A.4.1.10 ChangeDUState): the
//! operations of one accepted request, copied out of the ACS's message into
//! fixed storage and handed to the application after the session.
//!
//! Bounds: [`DU_OPERATIONS`] operations per request (more answers 9004
//! *Resources exceeded*), one request waiting for the application at a time
//! (a second answers 9004 too); every string at its schema cap (URL 1024,
//! UUID 64, Username/Password/ExecutionEnvRef 256, Version 32,
//! CommandKey 32).

use cwmp_core::FaultCode;
use cwmp_soap::Text;
use cwmp_soap::rpc::ChangeDuState;
use cwmp_soap::structs::Operation;

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
