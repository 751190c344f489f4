//! Loads a [`MemoryModel`] from a GenieACS device dump (CSV). Needs `std`.
//!
//! Two header layouts exist in the wild and both are read by column name:
//! the genieacs-sim 5-column form `Parameter,Object,Writable,Value,Value type`
//! and the GenieACS UI export with timestamps, notification and access-list
//! columns. Fields follow RFC 4180 (read by the `csv` crate): quoted fields
//! may hold commas, doubled quotes and newlines.
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

use std::string::{String, ToString};
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
    /// The `csv` reader refused the text (invalid UTF-8).
    #[error("line {line}: {error}")]
    Csv {
        /// 1-based line of the problem.
        line: usize,
        /// The reader's error.
        error: String,
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

/// Splits CSV text into records of fields (RFC 4180, read by the `csv`
/// crate), each with the 1-based line it starts on. Blank lines yield no
/// record.
///
/// A quoted field left open at the end of the file is an error here, where
/// the `csv` crate would end the field silently: the last record is checked
/// for an odd number of `"` (every closed quoted field, doubled quotes
/// included, holds an even number).
pub fn records(text: &str) -> impl Iterator<Item = Result<(usize, Vec<String>), LoadError>> + '_ {
    let as_usize = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut out = Vec::new();
    let mut last_start = None;
    for rec in reader.records() {
        match rec {
            Ok(rec) => {
                let (mut line, mut byte) = rec.position().map_or((0, 0), |p| (as_usize(p.line()), as_usize(p.byte())));
                // The reader's position is where it started reading: before
                // the blank lines it skipped, and before the `\n` of a CRLF
                // that ended the previous record. Count those here.
                while let Some(&c @ (b'\r' | b'\n')) = text.as_bytes().get(byte) {
                    line += usize::from(c == b'\n');
                    byte += 1;
                }
                last_start = Some(byte);
                out.push(Ok((line, rec.iter().map(String::from).collect())));
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| as_usize(p.line()));
                out.push(Err(LoadError::Csv { line, error: e.to_string() }));
                last_start = None;
                break;
            }
        }
    }
    let tail = last_start.and_then(|b| text.as_bytes().get(b..)).unwrap_or_default();
    if tail.iter().filter(|&&b| b == b'"').count() % 2 == 1
        && let Some(Ok((line, _))) = out.last()
    {
        let line = *line;
        out.pop();
        out.push(Err(LoadError::UnterminatedQuote { line }));
    }
    out.into_iter()
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
    use std::format;
    use std::string::ToString;

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
        let after_good: Vec<_> = records("a,b\nc,\"d\n\ne").collect();
        assert_eq!(after_good, [Ok((1, vec!["a".into(), "b".into()])), Err(LoadError::UnterminatedQuote { line: 2 })]);
    }

    #[test]
    fn blank_lines_yield_no_record_and_keep_line_numbers() {
        let recs: Vec<_> = records("a\n\n\nb,c\n").collect::<Result<_, _>>().unwrap();
        assert_eq!(recs, [(1, vec!["a".to_string()]), (4, vec!["b".to_string(), "c".to_string()])]);
    }

    proptest::proptest! {
        /// Any records, written as RFC 4180 says (fields with `,`, `"` or a
        /// line break quoted, quotes doubled; CRLF or LF record ends), read
        /// back field for field, each with the line it starts on.
        #[test]
        fn rfc4180_written_records_read_back(
            rows in proptest::collection::vec(
                proptest::collection::vec("[a-z ,\"\n.:]{0,8}", 1..5), 1..8),
            crlf: bool,
        ) {
            let mut text = String::new();
            let mut line = 1;
            let mut expected = Vec::new();
            for row in &rows {
                // A record of one empty field is a blank line: no record.
                if row.len() == 1 && row[0].is_empty() {
                    continue;
                }
                expected.push((line, row.clone()));
                let fields: Vec<String> = row
                    .iter()
                    .map(|f| if f.contains([',', '"', '\n']) { format!("\"{}\"", f.replace('"', "\"\"")) } else { f.clone() })
                    .collect();
                text.push_str(&fields.join(","));
                text.push_str(if crlf { "\r\n" } else { "\n" });
                line += 1 + row.iter().map(|f| f.matches('\n').count()).sum::<usize>();
            }
            let got: Vec<_> = records(&text).collect::<Result<_, _>>().unwrap();
            proptest::prop_assert_eq!(got, expected);
        }
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
