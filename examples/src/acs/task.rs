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
    AddObject, DeleteObject, FactoryReset, GetParameterNames, GetParameterValues, Reboot, ScheduleInform,
    SetParameterValues,
};
use cwmp_soap::structs::ParameterValueStruct;
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
    /// `ScheduleInform`.
    ScheduleInform {
        /// Seconds until the Inform.
        delay: u32,
        /// The CommandKey.
        command_key: String,
    },
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

const SUPPORTED: &str = "GetParameterValues, GetParameterNames, SetParameterValues, AddObject, DeleteObject, Reboot, FactoryReset, ScheduleInform";

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
}

impl<'a> Prepared<'a> {
    /// The lists of `task`.
    pub fn new(task: &'a Task) -> Prepared<'a> {
        let mut p = Prepared::default();
        match task {
            Task::GetParameterValues { names } => p.names = names.iter().map(|n| Text::Plain(n)).collect(),
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
    }
}
