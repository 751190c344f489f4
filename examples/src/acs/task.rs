//! Tasks: RPCs an operator queues for a device, as JSON (API and command
//! line alike), stored as that JSON and turned into a typed [`Rpc`] when
//! the device's session asks for its next request.
//!
//! The JSON names follow the RPC's own: `{"method": "GetParameterValues",
//! "parameterNames": ["Device.DeviceInfo.UpTime"]}`. Every field is checked
//! when the task is queued ([`Task::from_json`]), so a task that was
//! accepted always builds.

use cwmp_core::ParamType;
use cwmp_soap::rpc::{
    AddObject, DeleteObject, Download, FactoryReset, GetParameterAttributes, GetParameterNames, GetParameterValues,
    Reboot, ScheduleInform, SetParameterAttributes, SetParameterValues, Upload,
};
use cwmp_soap::structs::{ParameterValueStruct, SetParameterAttributesStruct};
use cwmp_soap::{List, ParamValue, Rpc, Text};
use serde_json::{Value, json};

/// A queued RPC with owned arguments.
#[derive(Debug, Clone, PartialEq)]
pub enum Task {
    /// `GetParameterValues` of full names or partial paths.
    GetParameterValues {
        /// The names.
        names: Vec<String>,
    },
    /// `GetParameterNames` below a path.
    GetParameterNames {
        /// The path (empty: the whole tree).
        path: String,
        /// Only the next level.
        next_level: bool,
    },
    /// `SetParameterValues`.
    SetParameterValues {
        /// (name, value, type) each.
        values: Vec<(String, String, ParamType)>,
        /// The new ParameterKey.
        key: String,
    },
    /// `AddObject`.
    AddObject {
        /// The table path, ending in `.`.
        object: String,
        /// The new ParameterKey.
        key: String,
    },
    /// `DeleteObject`.
    DeleteObject {
        /// The instance path, ending in `.`.
        object: String,
        /// The new ParameterKey.
        key: String,
    },
    /// `Reboot`.
    Reboot {
        /// The CommandKey reported back in the `M Reboot` event.
        command_key: String,
    },
    /// `FactoryReset`.
    FactoryReset,
    /// `GetParameterAttributes`.
    GetParameterAttributes {
        /// Names or partial paths.
        names: Vec<String>,
    },
    /// `SetParameterAttributes`: per name, the new notification (0 off,
    /// 1 passive, 2 active) and access list (`Subscriber` or nobody), each
    /// unchanged when `None`.
    SetParameterAttributes {
        /// (name, notification, subscriber may write) each.
        attributes: Vec<Attribute>,
    },
    /// `Download`.
    Download(Transfer),
    /// `Upload`.
    Upload(Transfer),
    /// `ScheduleInform`.
    ScheduleInform {
        /// Seconds until the Inform.
        delay: u32,
        /// The CommandKey.
        command_key: String,
    },
}

/// One SetParameterAttributes change: (name, notification, subscriber may write).
pub type Attribute = (String, Option<i32>, Option<bool>);

/// The arguments of a Download or Upload (`file_size` and
/// `target_file_name` are Download's only).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Transfer {
    /// `FileType`, e.g. `1 Firmware Upgrade Image`.
    pub file_type: String,
    /// `URL`.
    pub url: String,
    /// `Username`.
    pub username: String,
    /// `Password`.
    pub password: String,
    /// `FileSize` (Download).
    pub file_size: u32,
    /// `TargetFileName` (Download).
    pub target_file_name: String,
    /// `DelaySeconds`.
    pub delay: u32,
    /// `CommandKey`.
    pub command_key: String,
}

impl Transfer {
    fn from_json(v: &Value) -> Result<Transfer, TaskError> {
        let url = string(v, "url", None)?;
        if url.len() > 256 {
            return Err(TaskError::Field { field: "url", why: "at most 256 bytes" });
        }
        Ok(Transfer {
            file_type: string(v, "fileType", None)?,
            url,
            username: string(v, "username", Some(""))?,
            password: string(v, "password", Some(""))?,
            file_size: uint(v, "fileSize")?,
            target_file_name: string(v, "targetFileName", Some(""))?,
            delay: uint(v, "delaySeconds")?,
            command_key: string(v, "commandKey", Some(""))?,
        })
    }

    fn to_json(&self, method: &str) -> Value {
        json!({
            "method": method, "fileType": self.file_type, "url": self.url, "username": self.username,
            "password": self.password, "fileSize": self.file_size, "targetFileName": self.target_file_name,
            "delaySeconds": self.delay, "commandKey": self.command_key,
        })
    }
}

fn uint(v: &Value, field: &'static str) -> Result<u32, TaskError> {
    match v.get(field) {
        None => Ok(0),
        Some(n) => n
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .ok_or(TaskError::Field { field, why: "must be a 32-bit unsigned integer" }),
    }
}

fn attributes(v: &Value) -> Result<Vec<Attribute>, TaskError> {
    let bad = TaskError::Field {
        field: "parameterAttributes",
        why: "must be a non-empty array of {name, notification: 0|1|2, accessList: [] or [\"Subscriber\"]}",
    };
    let Some(Value::Array(a)) = v.get("parameterAttributes") else { return Err(bad) };
    let mut out = Vec::with_capacity(a.len());
    for e in a {
        let name = e.get("name").and_then(Value::as_str).filter(|n| n.len() <= 256).ok_or(bad.clone())?;
        let notification = match e.get("notification") {
            None => None,
            Some(n) => Some(n.as_i64().filter(|n| (0..=2).contains(n)).ok_or(bad.clone())? as i32),
        };
        let access = match e.get("accessList").map(|a| a.as_array().map(Vec::as_slice)) {
            None => None,
            Some(Some([])) => Some(false),
            Some(Some([Value::String(s)])) if s == "Subscriber" => Some(true),
            Some(_) => return Err(bad),
        };
        out.push((name.to_owned(), notification, access));
    }
    if out.is_empty() {
        return Err(bad);
    }
    Ok(out)
}

/// Why a task's JSON was refused (the API answers 400 with it).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TaskError {
    /// Not a JSON object with a `method` string.
    #[error("a task is a JSON object with a \"method\" string")]
    NotATask,
    /// A method this ACS does not queue.
    #[error("unsupported method {0:?} (supported: {SUPPORTED})")]
    Unsupported(String),
    /// A field missing or of the wrong type.
    #[error("field {field:?}: {why}")]
    Field {
        /// The field.
        field: &'static str,
        /// What is wrong.
        why: &'static str,
    },
}

const SUPPORTED: &str = "GetParameterValues, GetParameterNames, SetParameterValues, GetParameterAttributes, \
    SetParameterAttributes, AddObject, DeleteObject, Reboot, FactoryReset, Download, Upload, ScheduleInform";

fn string(v: &Value, field: &'static str, default: Option<&str>) -> Result<String, TaskError> {
    match (v.get(field), default) {
        (Some(Value::String(s)), _) => Ok(s.clone()),
        (None, Some(d)) => Ok(d.to_owned()),
        (None, None) => Err(TaskError::Field { field, why: "missing" }),
        (Some(_), _) => Err(TaskError::Field { field, why: "must be a string" }),
    }
}

fn object_path(v: &Value, field: &'static str) -> Result<String, TaskError> {
    let s = string(v, field, None)?;
    if !s.ends_with('.') || s.len() > 256 {
        return Err(TaskError::Field { field, why: "must be an object path ending in '.' (at most 256 bytes)" });
    }
    Ok(s)
}

fn names(v: &Value, field: &'static str) -> Result<Vec<String>, TaskError> {
    let bad = TaskError::Field { field, why: "must be a non-empty array of names (at most 256 bytes each)" };
    let Some(Value::Array(a)) = v.get(field) else { return Err(bad) };
    let names: Option<Vec<String>> =
        a.iter().map(|n| n.as_str().filter(|s| s.len() <= 256).map(str::to_owned)).collect();
    names.filter(|n| !n.is_empty()).ok_or(bad)
}

fn param_type(name: &str) -> Option<ParamType> {
    ParamType::ALL.into_iter().find(|t| t.to_string() == name)
}

impl Task {
    /// Reads and checks a task.
    pub fn from_json(v: &Value) -> Result<Task, TaskError> {
        let method = v.get("method").and_then(Value::as_str).ok_or(TaskError::NotATask)?;
        Ok(match method {
            "GetParameterValues" => Task::GetParameterValues { names: names(v, "parameterNames")? },
            "GetParameterNames" => Task::GetParameterNames {
                path: string(v, "parameterPath", Some(""))?,
                next_level: match v.get("nextLevel") {
                    None => false,
                    Some(Value::Bool(b)) => *b,
                    Some(_) => return Err(TaskError::Field { field: "nextLevel", why: "must be a boolean" }),
                },
            },
            "SetParameterValues" => {
                let bad = TaskError::Field {
                    field: "parameterValues",
                    why: "must be a non-empty array of [name, value] or [name, value, xsd type without prefix]",
                };
                let Some(Value::Array(a)) = v.get("parameterValues") else { return Err(bad) };
                let mut values = Vec::with_capacity(a.len());
                for e in a {
                    let (n, val, ty) = match e.as_array().map(Vec::as_slice) {
                        Some([Value::String(n), Value::String(v)]) => (n, v, ParamType::String),
                        Some([Value::String(n), Value::String(v), Value::String(t)]) => {
                            (n, v, param_type(t).ok_or(bad.clone())?)
                        }
                        _ => return Err(bad),
                    };
                    values.push((n.clone(), val.clone(), ty));
                }
                if values.is_empty() {
                    return Err(bad);
                }
                Task::SetParameterValues { values, key: string(v, "parameterKey", Some(""))? }
            }
            "AddObject" => {
                Task::AddObject { object: object_path(v, "objectName")?, key: string(v, "parameterKey", Some(""))? }
            }
            "DeleteObject" => {
                Task::DeleteObject { object: object_path(v, "objectName")?, key: string(v, "parameterKey", Some(""))? }
            }
            "Reboot" => Task::Reboot { command_key: string(v, "commandKey", Some(""))? },
            "FactoryReset" => Task::FactoryReset,
            "GetParameterAttributes" => Task::GetParameterAttributes { names: names(v, "parameterNames")? },
            "SetParameterAttributes" => Task::SetParameterAttributes { attributes: attributes(v)? },
            "Download" => Task::Download(Transfer::from_json(v)?),
            "Upload" => Task::Upload(Transfer::from_json(v)?),
            "ScheduleInform" => Task::ScheduleInform {
                delay: v
                    .get("delaySeconds")
                    .and_then(Value::as_u64)
                    .and_then(|d| u32::try_from(d).ok())
                    .filter(|&d| d > 0)
                    .ok_or(TaskError::Field { field: "delaySeconds", why: "must be a positive 32-bit integer" })?,
                command_key: string(v, "commandKey", Some(""))?,
            },
            other => return Err(TaskError::Unsupported(other.to_owned())),
        })
    }

    /// The task as JSON (what [`Task::from_json`] reads back).
    pub fn to_json(&self) -> Value {
        match self {
            Task::GetParameterValues { names } => json!({"method": "GetParameterValues", "parameterNames": names}),
            Task::GetParameterNames { path, next_level } => {
                json!({"method": "GetParameterNames", "parameterPath": path, "nextLevel": next_level})
            }
            Task::SetParameterValues { values, key } => json!({
                "method": "SetParameterValues",
                "parameterValues": values.iter().map(|(n, v, t)| json!([n, v, t.to_string()])).collect::<Vec<_>>(),
                "parameterKey": key,
            }),
            Task::AddObject { object, key } => {
                json!({"method": "AddObject", "objectName": object, "parameterKey": key})
            }
            Task::DeleteObject { object, key } => {
                json!({"method": "DeleteObject", "objectName": object, "parameterKey": key})
            }
            Task::Reboot { command_key } => json!({"method": "Reboot", "commandKey": command_key}),
            Task::FactoryReset => json!({"method": "FactoryReset"}),
            Task::GetParameterAttributes { names } => {
                json!({"method": "GetParameterAttributes", "parameterNames": names})
            }
            Task::SetParameterAttributes { attributes } => json!({
                "method": "SetParameterAttributes",
                "parameterAttributes": attributes.iter().map(|(n, notif, access)| {
                    let mut e = json!({"name": n});
                    if let Some(x) = notif {
                        e["notification"] = json!(x);
                    }
                    if let Some(sub) = access {
                        e["accessList"] = if *sub { json!(["Subscriber"]) } else { json!([]) };
                    }
                    e
                }).collect::<Vec<_>>(),
            }),
            Task::Download(t) => t.to_json("Download"),
            Task::Upload(t) => t.to_json("Upload"),
            Task::ScheduleInform { delay, command_key } => {
                json!({"method": "ScheduleInform", "delaySeconds": delay, "commandKey": command_key})
            }
        }
    }
}

/// The borrowed lists a task's [`Rpc`] points into: built first, then
/// [`Prepared::rpc`] borrows them.
#[derive(Debug, Default)]
pub struct Prepared<'a> {
    names: Vec<Text<'a>>,
    values: Vec<ParameterValueStruct<'a>>,
    attributes: Vec<SetParameterAttributesStruct<'a>>,
}

/// The one access-list entry TR-069 defines.
const SUBSCRIBER: &[Text<'static>] = &[Text::Plain("Subscriber")];

impl<'a> Prepared<'a> {
    /// The lists of `task`.
    pub fn new(task: &'a Task) -> Prepared<'a> {
        let mut p = Prepared::default();
        match task {
            Task::GetParameterValues { names } | Task::GetParameterAttributes { names } => {
                p.names = names.iter().map(|n| Text::Plain(n)).collect();
            }
            Task::SetParameterAttributes { attributes } => {
                p.attributes = attributes
                    .iter()
                    .map(|(n, notif, access)| SetParameterAttributesStruct {
                        name: Text::Plain(n),
                        notification_change: notif.is_some(),
                        notification: notif.unwrap_or(0),
                        access_list_change: access.is_some(),
                        access_list: List::from(if *access == Some(true) { SUBSCRIBER } else { &[] }),
                    })
                    .collect();
            }
            Task::SetParameterValues { values, .. } => {
                p.values = values
                    .iter()
                    .map(|(n, v, t)| ParameterValueStruct {
                        name: Text::Plain(n),
                        value: ParamValue::new(*t, Text::Plain(v)),
                    })
                    .collect();
            }
            _ => {}
        }
        p
    }

    /// The RPC of `task` (the one given to [`Prepared::new`]).
    pub fn rpc<'p>(&'p self, task: &'p Task) -> Rpc<'p> {
        match task {
            Task::GetParameterValues { .. } => {
                Rpc::GetParameterValues(GetParameterValues { parameter_names: List::from(self.names.as_slice()) })
            }
            Task::GetParameterNames { path, next_level } => {
                Rpc::GetParameterNames(GetParameterNames { parameter_path: Text::Plain(path), next_level: *next_level })
            }
            Task::SetParameterValues { key, .. } => Rpc::SetParameterValues(SetParameterValues {
                parameter_list: List::from(self.values.as_slice()),
                parameter_key: Text::Plain(key),
            }),
            Task::AddObject { object, key } => {
                Rpc::AddObject(AddObject { object_name: Text::Plain(object), parameter_key: Text::Plain(key) })
            }
            Task::DeleteObject { object, key } => {
                Rpc::DeleteObject(DeleteObject { object_name: Text::Plain(object), parameter_key: Text::Plain(key) })
            }
            Task::Reboot { command_key } => Rpc::Reboot(Reboot { command_key: Text::Plain(command_key) }),
            Task::FactoryReset => Rpc::FactoryReset(FactoryReset),
            Task::GetParameterAttributes { .. } => Rpc::GetParameterAttributes(GetParameterAttributes {
                parameter_names: List::from(self.names.as_slice()),
            }),
            Task::SetParameterAttributes { .. } => Rpc::SetParameterAttributes(SetParameterAttributes {
                parameter_list: List::from(self.attributes.as_slice()),
            }),
            Task::Download(t) => Rpc::Download(Download {
                command_key: Text::Plain(&t.command_key),
                file_type: Text::Plain(&t.file_type),
                url: Text::Plain(&t.url),
                username: Text::Plain(&t.username),
                password: Text::Plain(&t.password),
                file_size: t.file_size,
                target_file_name: Text::Plain(&t.target_file_name),
                delay_seconds: t.delay,
                success_url: Text::Plain(""),
                failure_url: Text::Plain(""),
            }),
            Task::Upload(t) => Rpc::Upload(Upload {
                command_key: Text::Plain(&t.command_key),
                file_type: Text::Plain(&t.file_type),
                url: Text::Plain(&t.url),
                username: Text::Plain(&t.username),
                password: Text::Plain(&t.password),
                delay_seconds: t.delay,
            }),
            Task::ScheduleInform { delay, command_key } => {
                Rpc::ScheduleInform(ScheduleInform { delay_seconds: *delay, command_key: Text::Plain(command_key) })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every supported method reads back from its own JSON unchanged.
    #[test]
    fn every_task_round_trips_through_its_json() {
        let tasks = [
            Task::GetParameterValues { names: vec!["Device.DeviceInfo.UpTime".into()] },
            Task::GetParameterNames { path: "Device.".into(), next_level: true },
            Task::SetParameterValues {
                values: vec![("Device.X.Enable".into(), "true".into(), ParamType::Boolean)],
                key: "k".into(),
            },
            Task::AddObject { object: "Device.IP.Interface.".into(), key: String::new() },
            Task::DeleteObject { object: "Device.IP.Interface.2.".into(), key: String::new() },
            Task::Reboot { command_key: "r1".into() },
            Task::FactoryReset,
            Task::ScheduleInform { delay: 30, command_key: String::new() },
            Task::GetParameterAttributes { names: vec!["Device.DeviceInfo.".into()] },
            Task::SetParameterAttributes {
                attributes: vec![("Device.A".into(), Some(2), None), ("Device.B".into(), None, Some(true))],
            },
            Task::Download(Transfer {
                file_type: "1 Firmware Upgrade Image".into(),
                url: "http://fw/x.bin".into(),
                file_size: 10,
                ..Transfer::default()
            }),
            Task::Upload(Transfer {
                file_type: "3 Vendor Configuration File".into(),
                url: "http://up/".into(),
                ..Transfer::default()
            }),
        ];
        for t in tasks {
            assert_eq!(Task::from_json(&t.to_json()), Ok(t.clone()));
            let p = Prepared::new(&t);
            assert_eq!(p.rpc(&t).method().map(|m| m.name()), t.to_json()["method"].as_str());
        }
    }

    /// Malformed tasks are refused with the field at fault.
    #[test]
    fn malformed_tasks_name_the_field_at_fault() {
        let err = |v: Value| Task::from_json(&v).unwrap_err().to_string();
        assert!(err(json!({"method": "GetParameterValues"})).contains("parameterNames"));
        assert!(err(json!({"method": "GetParameterValues", "parameterNames": []})).contains("parameterNames"));
        assert!(err(json!({"method": "AddObject", "objectName": "Device.X"})).contains("objectName"));
        assert!(err(json!({"method": "ScheduleInform", "delaySeconds": 0})).contains("delaySeconds"));
        assert!(err(json!({"method": "Download2"})).contains("unsupported"));
        assert!(err(json!([1])).contains("method"));
        let spv = json!({"method": "SetParameterValues", "parameterValues": [["a", "1", "float"]]});
        assert!(err(spv).contains("parameterValues"));
        let spa =
            json!({"method": "SetParameterAttributes", "parameterAttributes": [{"name": "a", "notification": 3}]});
        assert!(err(spa).contains("parameterAttributes"));
        assert!(err(json!({"method": "Download", "url": "http://x/"})).contains("fileType"));
    }
}
