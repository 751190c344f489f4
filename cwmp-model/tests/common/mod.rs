//! Helpers shared by the engine tests: a small hand-built TR-181 model.

use cwmp_core::ParamType;
use cwmp_model::datamodel::{DataModel, NodeKind};
use cwmp_model::loader::Storage;
use cwmp_model::memory::MemoryModel;
use cwmp_model::path::Path;

/// A few ManagementServer and vendor parameters and two IP interfaces
/// (aliases `cpe-lan`, `cpe-wan`).
pub(crate) fn small_model(st: &mut Storage) -> MemoryModel<'_> {
    let mut m = st.model();
    let rows: &[(&str, NodeKind, bool, ParamType, &str)] = &[
        ("Device.ManagementServer.URL", NodeKind::Parameter, true, ParamType::String, "http://acs/"),
        ("Device.ManagementServer.ConnectionRequestUsername", NodeKind::Parameter, true, ParamType::String, "u"),
        ("Device.ManagementServer.ParameterKey", NodeKind::Parameter, false, ParamType::String, ""),
        ("Device.DeviceInfo.X_ACME_Note", NodeKind::Parameter, true, ParamType::String, ""),
        ("Device.DeviceInfo.X_ACME_Log", NodeKind::Parameter, true, ParamType::String, ""),
        ("Device.IP.Interface", NodeKind::Object, true, ParamType::String, ""),
        ("Device.IP.Interface.1", NodeKind::Object, true, ParamType::String, ""),
        ("Device.IP.Interface.1.Alias", NodeKind::Parameter, true, ParamType::String, "cpe-lan"),
        ("Device.IP.Interface.1.Enable", NodeKind::Parameter, true, ParamType::Boolean, "true"),
        ("Device.IP.Interface.2", NodeKind::Object, true, ParamType::String, ""),
        ("Device.IP.Interface.2.Alias", NodeKind::Parameter, true, ParamType::String, "cpe-wan"),
        ("Device.IP.Interface.2.Enable", NodeKind::Parameter, true, ParamType::Boolean, "false"),
    ];
    for &(name, kind, w, ty, v) in rows {
        m.insert(name, kind, w, ty, v).unwrap();
    }
    m
}

/// The value the model holds for `name`, read without the engine.
#[allow(dead_code)]
pub(crate) fn model_value(m: &MemoryModel<'_>, name: &str) -> String {
    let node = m.lookup(&Path::parse(name).unwrap()).unwrap();
    let mut buf = vec![0u8; 64 * 1024];
    let n = m.get(node, &mut buf).unwrap();
    String::from_utf8(buf[..n].to_vec()).unwrap()
}

/// A change made by the device itself (not through the engine).
#[allow(dead_code)]
pub(crate) fn set_local(m: &mut MemoryModel<'_>, name: &str, value: &str) {
    let node = m.lookup(&Path::parse(name).unwrap()).unwrap();
    m.begin().unwrap();
    m.set(node, value).unwrap();
    m.commit().unwrap();
}
