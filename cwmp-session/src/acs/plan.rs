//! Plans real ACSes need around GetParameterValues and GetParameterNames.
//!
//! * [`GpvBisect`]: a GetParameterValues over many names faulted (one bad
//!   name spoils the whole request on most CPEs): split the list, retry
//!   each half, narrow the faulting halves down to the single names at
//!   fault, and keep the values of every half that succeeds.
//! * [`GpnWalk`]: discover a device's tree level by level with
//!   `GetParameterNames(path, NextLevel=true)`, breadth first; answers
//!   are hostile input: only direct children of the path asked are taken.

use core::ops::Range;

use cwmp_core::FaultCode;
use cwmp_soap::Text;
use cwmp_soap::rpc::{GetParameterNames, GetParameterNamesResponse};

/// Ranges a bisect keeps pending: depth-first, at most one pending range
/// per halving, so 32 cover any list a `u32` indexes.
const BISECT_DEPTH: usize = 33;

/// What the caller does after reporting an answer to [`GpvBisect`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BisectStep {
    /// Send GetParameterValues for these indices of the original list.
    Request(Range<usize>),
    /// Done: every bad name has been reported.
    Done,
}

/// The bisect-and-retry plan for a GetParameterValues that faulted. Plain
/// data; indices refer to the caller's original name list.
///
/// ```
/// use cwmp_core::FaultCode;
/// use cwmp_session::acs::plan::{BisectStep, GpvBisect};
///
/// // Names 0..5 faulted together; name 3 is the bad one.
/// let mut plan = GpvBisect::new(5);
/// let mut bad = Vec::new();
/// let mut step = plan.next_step();
/// while let BisectStep::Request(r) = step {
///     step = if r.contains(&3) {
///         if let Some(i) = plan.on_fault(FaultCode::new(9005)) { bad.push(i) }
///         plan.next_step()
///     } else {
///         plan.on_success();
///         plan.next_step()
///     };
/// }
/// assert_eq!(bad, [3]);
/// assert_eq!(plan.requests(), 6);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GpvBisect {
    pending: heapless::Vec<(u32, u32), BISECT_DEPTH>,
    current: Option<(u32, u32)>,
    requests: u32,
    bad: u32,
    last_fault: Option<FaultCode>,
}

impl GpvBisect {
    /// A plan for a request over `len` names that faulted as a whole.
    /// Lists beyond `u32::MAX` names are clamped (no CPE takes them).
    pub fn new(len: usize) -> GpvBisect {
        let len = u32::try_from(len).unwrap_or(u32::MAX);
        let mut plan =
            GpvBisect { pending: heapless::Vec::new(), current: None, requests: 0, bad: 0, last_fault: None };
        plan.split(0, len);
        plan
    }

    fn split(&mut self, lo: u32, hi: u32) {
        if hi <= lo {
            return;
        }
        let mid = lo + (hi - lo) / 2;
        // Depth first: the lower half is tried first (pushed last). The
        // stack grows by one per halving, and halvings are bounded by 32.
        let _ = self.pending.push((mid, hi));
        if mid > lo {
            let _ = self.pending.push((lo, mid));
        }
    }

    /// The next request to send, or [`BisectStep::Done`].
    pub fn next_step(&mut self) -> BisectStep {
        match self.pending.pop() {
            Some((lo, hi)) => {
                self.current = Some((lo, hi));
                self.requests += 1;
                BisectStep::Request(lo as usize..hi as usize)
            }
            None => {
                self.current = None;
                BisectStep::Done
            }
        }
    }

    /// The current request succeeded: its values are good.
    pub fn on_success(&mut self) {
        self.current = None;
    }

    /// The current request faulted with `code`. Returns the index of a bad
    /// name once the fault is narrowed to one; otherwise the range is
    /// split and both halves retried.
    pub fn on_fault(&mut self, code: FaultCode) -> Option<usize> {
        let (lo, hi) = self.current.take()?;
        self.last_fault = Some(code);
        if hi - lo == 1 {
            self.bad += 1;
            return Some(lo as usize);
        }
        self.split(lo, hi);
        None
    }

    /// Requests planned so far.
    pub fn requests(&self) -> u32 {
        self.requests
    }

    /// Bad names found so far.
    pub fn bad_names(&self) -> u32 {
        self.bad
    }

    /// The code of the last fault reported.
    pub fn last_fault(&self) -> Option<FaultCode> {
        self.last_fault
    }
}

/// Longest path a walk keeps (TR-069 parameter names are ≤ 256).
pub const MAX_PATH: usize = 256;

/// An entry of a GetParameterNames answer, checked against the path asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Found<'a> {
    /// A direct child object (name ends in `.`): the walk asks it next.
    Object {
        /// The partial path.
        name: &'a str,
        /// Writable (AddObject/DeleteObject possible).
        writable: bool,
    },
    /// A direct child parameter.
    Parameter {
        /// The name.
        name: &'a str,
        /// Writable.
        writable: bool,
    },
}

/// How one answer went into the walk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct WalkReport {
    /// Child objects queued for the next level.
    pub objects: usize,
    /// Child parameters found.
    pub parameters: usize,
    /// Entries that are not direct children of the path asked (the path
    /// itself, deeper or unrelated names, names with references): ignored.
    pub ignored: usize,
    /// Child objects that did not fit the walk's frontier (ask them later
    /// with a larger walk): reported, not silently lost.
    pub overflowed: usize,
}

/// A breadth-first, level-by-level discovery of a device's tree with
/// `NextLevel=true`, keeping at most `N` partial paths to visit.
#[derive(Debug, Clone)]
pub struct GpnWalk<const N: usize> {
    frontier: heapless::Deque<heapless::String<MAX_PATH>, N>,
    current: heapless::String<MAX_PATH>,
    asked: bool,
    overflowed: usize,
}

impl<const N: usize> GpnWalk<N> {
    /// A walk from `root` (e.g. `Device.`; the empty path asks the CPE for
    /// its root objects). A root longer than [`MAX_PATH`] gives an empty walk.
    pub fn new(root: &str) -> GpnWalk<N> {
        let mut frontier = heapless::Deque::new();
        let mut s = heapless::String::new();
        if s.push_str(root).is_ok() {
            let _ = frontier.push_back(s);
        }
        GpnWalk { frontier, current: heapless::String::new(), asked: false, overflowed: 0 }
    }

    /// The next request, `None` when the tree is discovered. The request
    /// borrows the walk: send (encode) it before reporting its answer.
    pub fn next_request(&mut self) -> Option<GetParameterNames<'_>> {
        if !self.asked {
            self.current = self.frontier.pop_front()?;
            self.asked = true;
        }
        Some(GetParameterNames { parameter_path: Text::plain(&self.current), next_level: true })
    }

    /// The path currently asked.
    pub fn current(&self) -> Option<&str> {
        self.asked.then_some(self.current.as_str())
    }

    /// Reports the answer to the current request; `found` sees every
    /// accepted entry (store parameters there). Faults: call
    /// [`GpnWalk::on_fault`] instead.
    pub fn on_response(
        &mut self,
        resp: &GetParameterNamesResponse<'_>,
        mut found: impl FnMut(Found<'_>),
    ) -> WalkReport {
        let mut report = WalkReport::default();
        if !self.asked {
            return report;
        }
        self.asked = false;
        let asked = self.current.as_str();
        for info in resp.parameter_list.iter() {
            let Some(name) = info.name.as_borrowed() else {
                report.ignored += 1;
                continue;
            };
            let Some(rest) = name.strip_prefix(asked) else {
                report.ignored += 1;
                continue;
            };
            let (is_object, leaf) = match rest.strip_suffix('.') {
                Some(leaf) => (true, leaf),
                None => (false, rest),
            };
            if leaf.is_empty() || leaf.contains('.') {
                report.ignored += 1;
                continue;
            }
            if is_object {
                let mut s = heapless::String::new();
                if s.push_str(name).is_ok() && self.frontier.push_back(s).is_ok() {
                    report.objects += 1;
                } else {
                    report.overflowed += 1;
                }
                found(Found::Object { name, writable: info.writable });
            } else {
                report.parameters += 1;
                found(Found::Parameter { name, writable: info.writable });
            }
        }
        self.overflowed += report.overflowed;
        report
    }

    /// The current request faulted: the subtree is skipped.
    pub fn on_fault(&mut self) {
        self.asked = false;
    }

    /// Paths waiting to be asked.
    pub fn pending(&self) -> usize {
        self.frontier.len() + usize::from(self.asked)
    }

    /// Objects that did not fit the frontier, over the whole walk.
    pub fn overflowed(&self) -> usize {
        self.overflowed
    }
}
