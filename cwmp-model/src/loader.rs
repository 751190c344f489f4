//! Loads a [`MemoryModel`] from a GenieACS device dump (CSV). Needs `std`.
//!
//! Two header layouts exist in the wild and both are read by column name:
//! the genieacs-sim 5-column form `Parameter,Object,Writable,Value,Value type`
//! and the GenieACS UI export with timestamps, notification and access-list
//! columns. Fields follow RFC 4180: quoted fields may hold commas, doubled
//! quotes and newlines.
//!
//! Rows outside the data model (`DeviceID.*`, `Events.*`, …: GenieACS
//! bookkeeping) are skipped and counted. `Value type` is matched
//! case-insensitively on its local name (devices send `xsd:unsignedint`,
//! `xsd:Int`, `xsd:base64`); an empty or unknown type loads as `string`.
//!
//! ```no_run
//! use cwmp_model::loader::{Storage, load_genieacs_csv};
//!
//! let text = std::fs::read_to_string("tplink-EX220.csv").unwrap();
//! let mut storage = Storage::for_text(&text);
//! let mut model = storage.model();
//! let stats = load_genieacs_csv(&text, &mut model).unwrap();
//! assert!(stats.parameters > 0);
//! ```

use std::string::String;
use std::vec;
use std::vec::Vec;

use cwmp_core::ParamType;

use crate::datamodel::{BackendError, NodeKind};
use crate::memory::{MemoryModel, Slot, Undo};

/// What went wrong while loading, and on which line of the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoadError {
    /// A quoted field is not closed before the end of the file.
    #[error("line {line}: unterminated quoted field")]
    UnterminatedQuote {
        /// 1-based line where the record starts.
        line: usize,
    },
    /// A column the loader needs is missing from the header.
    #[error("header lacks the {column:?} column")]
    MissingColumn {
        /// The column name.
        column: &'static str,
    },
    /// A record has fewer fields than the header.
    #[error("line {line}: {got} fields, header has {want}")]
    ShortRecord {
        /// 1-based line where the record starts.
        line: usize,
        /// Fields found.
        got: usize,
        /// Fields in the header.
        want: usize,
    },
    /// The model refused the row (full, or a name under a second root).
    #[error("line {line}: {name}: {error}")]
    Model {
        /// 1-based line where the record starts.
        line: usize,
        /// The parameter name.
        name: String,
        /// The model's error.
        error: BackendError,
    },
}

/// Counts of what a load did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LoadStats {
    /// Parameter rows loaded.
    pub parameters: usize,
    /// Object rows loaded.
    pub objects: usize,
    /// Rows outside the data model, skipped.
    pub skipped: usize,
    /// Rows whose `Value type` was empty or unknown, loaded as string.
    pub untyped: usize,
}

/// Splits CSV text into records of fields (RFC 4180), each with the 1-based
/// line it starts on.
pub fn records(text: &str) -> impl Iterator<Item = Result<(usize, Vec<String>), LoadError>> + '_ {
    let mut chars = text.chars().peekable();
    let mut line = 1usize;
    core::iter::from_fn(move || {
        chars.peek()?;
        let start = line;
        let mut fields = Vec::new();
        let mut field = String::new();
        let mut quoted = false;
        loop {
            let Some(c) = chars.next() else {
                if quoted {
                    return Some(Err(LoadError::UnterminatedQuote { line: start }));
                }
                fields.push(field);
                return Some(Ok((start, fields)));
            };
            match (quoted, c) {
                (true, '"') if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                (true, '"') => quoted = false,
                (true, c) => {
                    if c == '\n' {
                        line += 1;
                    }
                    field.push(c);
                }
                (false, '"') => quoted = true,
                (false, ',') => fields.push(core::mem::take(&mut field)),
                (false, '\r') if chars.peek() == Some(&'\n') => {}
                (false, '\n') => {
                    line += 1;
                    fields.push(field);
                    return Some(Ok((start, fields)));
                }
                (false, c) => field.push(c),
            }
        }
    })
}

/// The parameter type of a GenieACS `Value type` cell, if it names one.
pub fn value_type(cell: &str) -> Option<ParamType> {
    let local = cell.rsplit_once(':').map_or(cell, |(_, l)| l);
    if local.eq_ignore_ascii_case("base64") {
        return Some(ParamType::Base64);
    }
    ParamType::ALL.into_iter().find(|t| t.xsd_local_name().eq_ignore_ascii_case(local))
}

/// Whether a name belongs to a CWMP data model root.
fn in_data_model(name: &str) -> bool {
    let root = name.split('.').next().unwrap_or("");
    root == "Device" || root == "InternetGatewayDevice"
}

/// Loads every data-model row of a GenieACS CSV dump into `model`.
pub fn load_genieacs_csv(text: &str, model: &mut MemoryModel<'_>) -> Result<LoadStats, LoadError> {
    let mut recs = records(text);
    let header = match recs.next() {
        Some(h) => h?.1,
        None => return Ok(LoadStats::default()),
    };
    let col = |column: &'static str| {
        header.iter().position(|h| h.trim() == column).ok_or(LoadError::MissingColumn { column })
    };
    let (c_name, c_obj, c_wr, c_val, c_ty) =
        (col("Parameter")?, col("Object")?, col("Writable")?, col("Value")?, col("Value type")?);
    let want = [c_name, c_obj, c_wr, c_val, c_ty].into_iter().max().unwrap_or(0) + 1;
    let mut stats = LoadStats::default();
    for rec in recs {
        let (line, f) = rec?;
        if f.len() == 1 && f.first().is_some_and(String::is_empty) {
            continue; // blank line
        }
        if f.len() < want {
            return Err(LoadError::ShortRecord { line, got: f.len(), want });
        }
        let name = f[c_name].as_str();
        if !in_data_model(name) {
            stats.skipped += 1;
            continue;
        }
        let is_object = f[c_obj] == "true";
        let writable = f[c_wr] == "true";
        let ty = if is_object {
            ParamType::String
        } else {
            value_type(&f[c_ty]).unwrap_or_else(|| {
                stats.untyped += 1;
                ParamType::String
            })
        };
        let kind = if is_object { NodeKind::Object } else { NodeKind::Parameter };
        model.insert(name, kind, writable, ty, &f[c_val]).map_err(|error| LoadError::Model {
            line,
            name: name.into(),
            error,
        })?;
        if is_object {
            stats.objects += 1;
        } else {
            stats.parameters += 1;
        }
    }
    Ok(stats)
}

/// Heap-owned storage for a [`MemoryModel`] (std only; the model itself
/// never allocates).
#[derive(Debug, Clone)]
pub struct Storage {
    /// Node slots.
    pub slots: Vec<Slot>,
    /// Name and value bytes.
    pub arena: Vec<u8>,
    /// Undo journal for batches.
    pub journal: Vec<Undo>,
}

impl Storage {
    /// Storage of the given capacities.
    pub fn new(slots: usize, arena: usize, journal: usize) -> Self {
        Storage { slots: vec![Slot::EMPTY; slots], arena: vec![0; arena], journal: vec![Undo::EMPTY; journal] }
    }

    /// Storage sized for a dump: twice its rows in slots, twice its bytes in
    /// the arena (room for added instances and rewritten values), 1024
    /// journal entries.
    pub fn for_text(text: &str) -> Self {
        let rows = text.bytes().filter(|&b| b == b'\n').count();
        Storage::new(rows.saturating_mul(2).max(64), text.len().saturating_mul(2).max(4096), 1024)
    }

    /// A fresh, empty model over this storage.
    pub fn model(&mut self) -> MemoryModel<'_> {
        MemoryModel::new(&mut self.slots, &mut self.arena, &mut self.journal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4180_fields() {
        let text = "a,b,c\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\r\nlast,,\n";
        let recs: Vec<_> = records(text).collect::<Result<_, _>>().unwrap();
        assert_eq!(recs.len(), 3);
        assert_eq!(recs[1].0, 2);
        assert_eq!(recs[1].1, ["x, y", "say \"hi\"", "two\nlines"]);
        assert_eq!(recs[2].0, 4);
        assert_eq!(recs[2].1, ["last", "", ""]);
        assert_eq!(records("a,\"b\n").next(), Some(Err(LoadError::UnterminatedQuote { line: 1 })));
    }

    #[test]
    fn value_types_are_lenient() {
        assert_eq!(value_type("xsd:unsignedint"), Some(ParamType::UnsignedInt));
        assert_eq!(value_type("xsd:Int"), Some(ParamType::Int));
        assert_eq!(value_type("xsd:base64"), Some(ParamType::Base64));
        assert_eq!(value_type("xsd:"), None);
        assert_eq!(value_type(""), None);
    }
}
