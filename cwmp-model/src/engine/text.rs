//! Reading request text through [`TextSource`]: names into one bounded path
//! buffer, values into the caller's scratch buffer, hashes and comparisons
//! streamed piece by piece. Nothing is stored per request entry.

use core::ops::ControlFlow;

use cwmp_core::text::TextSource;

use crate::attributes::{Watch, WatchBuilder};
use crate::path::{MAX_PATH_LEN, Path, PathError, PathErrorKind};

/// A buffer for one name: a TR-106 path never exceeds [`MAX_PATH_LEN`].
pub(crate) type PathBuf = [u8; MAX_PATH_LEN];

/// The text as one `&str`: borrowed when the source is contiguous, copied
/// into `buf` otherwise; `None` when it does not fit.
pub(crate) fn as_str<'a, T: TextSource + ?Sized>(text: &'a T, buf: &'a mut [u8]) -> Option<&'a str> {
    match text.as_contiguous() {
        Some(s) => Some(s),
        None => text.copy_text_into(buf),
    }
}

/// Parses a name given as text; longer than [`MAX_PATH_LEN`] is
/// [`PathErrorKind::TooLong`] (9005), as for a `&str`.
pub(crate) fn parse_path<'a, T: TextSource + ?Sized>(text: &'a T, buf: &'a mut PathBuf) -> Result<Path<'a>, PathError> {
    match as_str(text, buf) {
        Some(s) => Path::parse(s),
        None => Err(PathError { kind: PathErrorKind::TooLong, offset: MAX_PATH_LEN }),
    }
}

/// Length of the text in characters (what `<size>` facets of strings measure).
pub(crate) fn char_len<T: TextSource + ?Sized>(text: &T) -> usize {
    let mut n = 0usize;
    let _ = text.for_each_piece(&mut |p| {
        n = n.saturating_add(p.chars().count());
        ControlFlow::Continue(())
    });
    n
}

/// The [`Watch`] of the text, streamed (equals [`Watch::of`] its bytes).
pub(crate) fn watch_text<T: TextSource + ?Sized>(text: &T) -> Watch {
    let mut w = WatchBuilder::new();
    let _ = text.for_each_piece(&mut |p| {
        w.push(p.as_bytes());
        ControlFlow::Continue(())
    });
    w.finish()
}

/// Whether the text, with XML whitespace around it removed, equals `word`
/// (which has no whitespace of its own). Streamed: any length is read.
pub(crate) fn eq_trimmed<T: TextSource + ?Sized>(text: &T, word: &str) -> bool {
    let is_ws = |b: u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
    // 0: leading whitespace, 1: inside the word, 2: trailing whitespace.
    let (mut state, mut rest) = (0u8, word.as_bytes());
    let flow = text.for_each_piece(&mut |p| {
        for &b in p.as_bytes() {
            match state {
                0 if is_ws(b) => {}
                0 | 1 if rest.first() == Some(&b) => {
                    state = 1;
                    rest = rest.get(1..).unwrap_or(&[]);
                }
                1 | 2 if rest.is_empty() && is_ws(b) => state = 2,
                _ => return ControlFlow::Break(()),
            }
        }
        ControlFlow::Continue(())
    });
    flow.is_continue() && rest.is_empty() && state != 0
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Pieces<'a>(&'a [&'a str]);

    impl TextSource for Pieces<'_> {
        fn for_each_piece(&self, f: &mut dyn FnMut(&str) -> ControlFlow<()>) -> ControlFlow<()> {
            for p in self.0 {
                f(p)?;
            }
            ControlFlow::Continue(())
        }
    }

    #[test]
    fn trimmed_comparison_streams_across_pieces() {
        assert!(eq_trimmed(&Pieces(&[" \n Sub", "scr", "iber\t "]), "Subscriber"));
        assert!(eq_trimmed("Subscriber", "Subscriber"));
        assert!(!eq_trimmed(&Pieces(&["Sub scriber"]), "Subscriber"));
        assert!(!eq_trimmed(&Pieces(&["Subscriber", "s"]), "Subscriber"));
        assert!(!eq_trimmed(&Pieces(&["Subscribe"]), "Subscriber"));
        assert!(!eq_trimmed(&Pieces(&["  "]), "Subscriber"));
        assert!(!eq_trimmed(&Pieces(&["Subscriber x"]), "Subscriber"));
    }

    #[test]
    fn streamed_hash_and_length_equal_the_contiguous_ones() {
        let t = Pieces(&["a", "", "éb", "c"]);
        assert_eq!(watch_text(&t), Watch::of("aébc".as_bytes()));
        let long = Pieces(&["0123456789", "abcdefghij", "&"]);
        assert_eq!(watch_text(&long), Watch::of(b"0123456789abcdefghij&"));
        assert_eq!(char_len(&t), 4);
        let mut buf = [0u8; MAX_PATH_LEN];
        assert_eq!(parse_path(&Pieces(&["Device.", "IP."]), &mut buf).unwrap().as_str(), "Device.IP.");
        let long = "A.".repeat(200);
        assert_eq!(parse_path(&Pieces(&[&long]), &mut buf).unwrap_err().kind, PathErrorKind::TooLong);
    }
}
