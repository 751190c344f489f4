//! External tools a test needs, found or reported: a test that needs one
//! fails naming what to install, it never passes by skipping.

use std::path::PathBuf;
use std::process::Command;

/// `shared/tools/xsd-validate` (beside the corpus) as a command ready for
/// file arguments, after checking that `xmllint` runs. Panics naming what
/// is missing and how to install it.
#[track_caller]
pub fn xsd_validate() -> Command {
    if let Err(e) = Command::new("xmllint").arg("--version").output() {
        panic!(
            "xmllint cannot run ({e}): schema validation needs it on PATH. Install it with \
             `apt-get install -y libxml2-utils` (.ci/run does)."
        );
    }
    let tool = xsd_validate_path();
    assert!(
        tool.is_file(),
        "{} is missing: it ships beside the corpus (shared/tools/xsd-validate; the corpus is found through CWMP_CORPUS or ../shared/corpus)",
        tool.display()
    );
    Command::new(tool)
}

/// Where `xsd-validate` is expected: `tools/xsd-validate` beside the
/// corpus directory.
pub fn xsd_validate_path() -> PathBuf {
    crate::corpus::root().join("../tools/xsd-validate")
}
