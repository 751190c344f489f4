//! The validating pass over a received envelope, run before typed decoding:
//! the tokenizer ([`crate::xml::Reader`]) reads the whole document once, so
//! everything the typed decoder later walks is well-formed, namespace-valid
//! XML within every [`Limits`](cwmp_core::Limits) bound.

use crate::decode::{DecodeOptions, ElementIndex};
use crate::error::{DecodeError, DecodeErrorKind};
use crate::xml::{Event, Options, Reader, Step};

/// Depth (root = 1) down to which element ends are remembered: Envelope,
/// Header/Body, header entries, the method element and its arguments.
const INDEX_DEPTH: usize = 4;

/// Runs the tokenizer over the whole document.
pub(crate) fn validate(input: &[u8], opts: &DecodeOptions) -> Result<ElementIndex, DecodeError> {
    let options = if opts.strict { Options::STRICT } else { Options::TOLERANT };
    let mut r: Reader = Reader::new(&opts.limits, options);
    let mut ends = ElementIndex::default();
    let mut starts = [0usize; INDEX_DEPTH];
    let mut depth = 0usize;
    loop {
        match r.next_complete(input) {
            Ok(Step::Event(Event::Start(t))) => {
                if let Some(s) = starts.get_mut(depth) {
                    *s = t.offset();
                }
                depth = depth.saturating_add(1);
            }
            Ok(Step::Event(Event::End(t))) => {
                depth = depth.saturating_sub(1);
                if let Some(&s) = starts.get(depth) {
                    ends.record(s, t.offset(), t.end_offset());
                }
            }
            Ok(Step::Event(_)) => {}
            Ok(Step::Eof) => return Ok(ends),
            Ok(Step::NeedMore) => {
                return Err(DecodeError::new(
                    input.len(),
                    DecodeErrorKind::Xml(crate::xml::XmlErrorKind::UnexpectedEof),
                ));
            }
            Err(e) => return Err(DecodeError::new(e.offset, DecodeErrorKind::Xml(e.kind))),
        }
    }
}
