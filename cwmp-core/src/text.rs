//! Character data that may still be escaped where it was received.
//!
//! A decoder hands out strings as views of the input (entity references,
//! character references and `\r\n` line ends still in place); a data-model
//! engine wants to compare, check and store their *unescaped* characters.
//! [`TextSource`] is the seam between the two: whatever produces text
//! implements it (a plain `str`, `cwmp_soap::Text`), and whatever consumes
//! text reads it piece by piece, without a copy or an allocation.
//!
//! ```
//! use cwmp_core::text::TextSource;
//!
//! let name = "Device.DeviceInfo.";
//! assert!(name.eq_text("Device.DeviceInfo."));
//! assert_eq!(name.text_len(), 18);
//! let mut buf = [0u8; 32];
//! assert_eq!(name.copy_text_into(&mut buf), Some("Device.DeviceInfo."));
//! ```

use core::ops::ControlFlow;

/// Text read as consecutive pieces of unescaped UTF-8.
///
/// Implementors give the pieces in order; their concatenation is the text.
/// Empty pieces are allowed. The provided methods never allocate.
pub trait TextSource {
    /// Calls `f` with each consecutive piece of the unescaped text, stopping
    /// as soon as `f` breaks; returns what the last call returned
    /// (`Continue` when every piece was visited).
    fn for_each_piece(&self, f: &mut dyn FnMut(&str) -> ControlFlow<()>) -> ControlFlow<()>;

    /// The whole text as one borrowed string, when it needs no unescaping.
    /// Consumers use it as a fast path; `None` is always correct.
    fn as_contiguous(&self) -> Option<&str> {
        None
    }

    /// Length in bytes after unescaping.
    fn text_len(&self) -> usize {
        if let Some(s) = self.as_contiguous() {
            return s.len();
        }
        let mut n = 0usize;
        let _ = self.for_each_piece(&mut |p| {
            n = n.saturating_add(p.len());
            ControlFlow::Continue(())
        });
        n
    }

    /// True when the unescaped text equals `s`.
    fn eq_text(&self, s: &str) -> bool {
        if let Some(t) = self.as_contiguous() {
            return t == s;
        }
        let mut rest = s.as_bytes();
        let flow = self.for_each_piece(&mut |p| match rest.strip_prefix(p.as_bytes()) {
            Some(r) => {
                rest = r;
                ControlFlow::Continue(())
            }
            None => ControlFlow::Break(()),
        });
        flow.is_continue() && rest.is_empty()
    }

    /// Copies the unescaped text into `buf` and returns it; `None` when `buf`
    /// is too small (nothing useful is left in `buf` then).
    fn copy_text_into<'b>(&self, buf: &'b mut [u8]) -> Option<&'b str> {
        let mut n = 0usize;
        let flow = self.for_each_piece(&mut |p| {
            let Some(end) = n.checked_add(p.len()) else {
                return ControlFlow::Break(());
            };
            match buf.get_mut(n..end) {
                Some(dst) => {
                    dst.copy_from_slice(p.as_bytes());
                    n = end;
                    ControlFlow::Continue(())
                }
                None => ControlFlow::Break(()),
            }
        });
        if flow.is_break() {
            return None;
        }
        // Whole pieces of UTF-8 were copied, so the prefix is UTF-8.
        core::str::from_utf8(buf.get(..n)?).ok()
    }
}

impl TextSource for str {
    fn for_each_piece(&self, f: &mut dyn FnMut(&str) -> ControlFlow<()>) -> ControlFlow<()> {
        f(self)
    }

    fn as_contiguous(&self) -> Option<&str> {
        Some(self)
    }
}

impl<T: TextSource + ?Sized> TextSource for &T {
    fn for_each_piece(&self, f: &mut dyn FnMut(&str) -> ControlFlow<()>) -> ControlFlow<()> {
        (**self).for_each_piece(f)
    }

    fn as_contiguous(&self) -> Option<&str> {
        (**self).as_contiguous()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Text split into fixed pieces, to exercise the non-contiguous paths.
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
    fn pieces_compare_and_copy_as_their_concatenation() {
        let t = Pieces(&["Dev", "", "ice.", "A&B"]);
        assert!(t.eq_text("Device.A&B"));
        assert!(!t.eq_text("Device.A&"));
        assert!(!t.eq_text("Device.A&BC"));
        assert!(!t.eq_text("Devjce.A&B"));
        assert_eq!(t.text_len(), 10);
        let mut buf = [0u8; 10];
        assert_eq!(t.copy_text_into(&mut buf), Some("Device.A&B"));
        let mut small = [0u8; 9];
        assert_eq!(t.copy_text_into(&mut small), None);
    }

    #[test]
    fn str_is_contiguous() {
        assert_eq!("abc".as_contiguous(), Some("abc"));
        assert!("".eq_text(""));
        assert!(!"".eq_text("a"));
    }
}
