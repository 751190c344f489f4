//! The default on a device's first contact, when nothing is queued:
//! discover its tree level by level with GetParameterNames
//! ([`GpnWalk`]), then read its summary parameters by their full names
//! (only those the walk found: some deployed CPEs fault or crash on a
//! partial-path GetParameterValues, and one unknown name faults the whole
//! request). One discovery runs within one session; a session cut short
//! leaves the device undiscovered and the next one starts over.

use std::collections::HashSet;

use cwmp_session::acs::plan::{Found, GpnWalk};
use cwmp_soap::rpc::GetParameterNamesResponse;

/// Objects the walk keeps waiting at most (larger trees are reported as
/// overflowed and their deeper levels skipped).
const FRONTIER: usize = 512;
/// GetParameterNames requests per discovery at most.
pub const MAX_REQUESTS: u32 = 2000;

macro_rules! summary {
    ($($leaf:literal),* $(,)?) => {
        /// The summary parameters read after the walk, under both data-model roots.
        pub const SUMMARY: &[&str] = &[
            $(concat!("Device.", $leaf),)*
            $(concat!("InternetGatewayDevice.", $leaf),)*
        ];
    };
}

summary!(
    "DeviceInfo.Manufacturer",
    "DeviceInfo.ManufacturerOUI",
    "DeviceInfo.ModelName",
    "DeviceInfo.ProductClass",
    "DeviceInfo.SerialNumber",
    "DeviceInfo.HardwareVersion",
    "DeviceInfo.SoftwareVersion",
    "DeviceInfo.UpTime",
    "ManagementServer.ConnectionRequestURL",
    "ManagementServer.PeriodicInformInterval",
);

/// Where a discovery is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Walking the tree.
    Walk,
    /// Reading the summary.
    Summary,
    /// Finished (or nothing to read).
    Done,
}

/// One device's discovery within a session.
#[derive(Debug)]
pub struct Discovery {
    walk: Box<GpnWalk<FRONTIER>>,
    /// Parameter names the walk found.
    found: HashSet<String>,
    requests: u32,
    /// Where it is.
    pub stage: Stage,
    /// The `cwmp:ID` of the discovery request awaiting its answer.
    pub outstanding: Option<u32>,
}

impl Default for Discovery {
    fn default() -> Self {
        Discovery::new()
    }
}

impl Discovery {
    /// A discovery from the root (the empty path).
    pub fn new() -> Discovery {
        Discovery {
            walk: Box::new(GpnWalk::new("")),
            found: HashSet::new(),
            requests: 0,
            stage: Stage::Walk,
            outstanding: None,
        }
    }

    /// The next path to ask with GetParameterNames, or `None` when the walk
    /// is over (then [`Discovery::summary`] tells what to read).
    pub fn next_path(&mut self) -> Option<String> {
        if self.stage != Stage::Walk {
            return None;
        }
        let path = match self.walk.next_request() {
            Some(r) if self.requests < MAX_REQUESTS => r.parameter_path.to_string(),
            _ => {
                self.stage = Stage::Summary;
                return None;
            }
        };
        self.requests += 1;
        Some(path)
    }

    /// The summary names the walk found, in [`SUMMARY`] order.
    pub fn summary(&self) -> impl Iterator<Item = &'static str> + '_ {
        SUMMARY.iter().copied().filter(|n| self.found.contains(*n))
    }

    /// Feeds a GetParameterNames answer to the walk; the names it accepted,
    /// with their writability.
    pub fn on_names(&mut self, resp: &GetParameterNamesResponse<'_>) -> Vec<(String, bool)> {
        let mut names = Vec::new();
        self.walk.on_response(resp, |f| match f {
            Found::Object { name, writable } => names.push((name.to_owned(), writable)),
            Found::Parameter { name, writable } => {
                self.found.insert(name.to_owned());
                names.push((name.to_owned(), writable));
            }
        });
        names
    }

    /// The current GetParameterNames faulted or went unanswered: its subtree is skipped.
    pub fn on_names_failed(&mut self) {
        self.walk.on_fault();
    }

    /// GetParameterNames requests sent so far.
    pub fn requests(&self) -> u32 {
        self.requests
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cwmp_soap::List;
    use cwmp_soap::Text;
    use cwmp_soap::structs::ParameterInfoStruct;

    fn info(name: &'static str) -> ParameterInfoStruct<'static> {
        ParameterInfoStruct { name: Text::Plain(name), writable: false }
    }

    /// The walk goes root → objects → parameters, then the summary is
    /// exactly the summary names it found, and nothing else.
    #[test]
    fn walk_then_summary_of_the_names_found_only() {
        let mut d = Discovery::new();
        assert_eq!(d.next_path().as_deref(), Some(""));
        let root = [info("Device.")];
        d.on_names(&GetParameterNamesResponse { parameter_list: List::from(&root) });
        assert_eq!(d.next_path().as_deref(), Some("Device."));
        let level = [info("Device.DeviceInfo.")];
        d.on_names(&GetParameterNamesResponse { parameter_list: List::from(&level) });
        assert_eq!(d.next_path().as_deref(), Some("Device.DeviceInfo."));
        let leaves = [info("Device.DeviceInfo.UpTime"), info("Device.DeviceInfo.X_Vendor")];
        let names = d.on_names(&GetParameterNamesResponse { parameter_list: List::from(&leaves) });
        assert_eq!(names.len(), 2);
        assert_eq!(d.next_path(), None);
        assert_eq!(d.stage, Stage::Summary);
        assert_eq!(d.summary().collect::<Vec<_>>(), ["Device.DeviceInfo.UpTime"]);
        assert_eq!(d.requests(), 3);
    }
}
