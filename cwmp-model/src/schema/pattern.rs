//! A matcher for the subset of XSD regular expressions the data models use.
//!
//! XSD patterns are implicitly anchored: the whole value must match. The
//! subset supported here covers every pattern in TR-181 2.17 and TR-098
//! (a test checks that each one compiles):
//!
//! * literals, `.` (any character but newline), escapes `\d \D \s \S \w \W`
//!   and escaped metacharacters (`\.`, `\-`, `\\`, …);
//! * character classes `[a-f0-9:]`, negated classes `[^…]`, escapes inside;
//! * groups `( … )`, alternation `|`;
//! * quantifiers `* + ?` and `{n}`, `{n,}`, `{n,m}` (a trailing `?` is ignored:
//!   laziness does not change whether a whole string matches).
//!
//! Anything else (`\p{…}`, class subtraction, more than [`MAX_PROGRAM`]
//! compiled instructions, groups nested deeper than 8) makes [`matches()`]
//! return `None`, and [`ParamDef::check`](super::ParamDef::check) does not
//! enforce such a pattern.
//!
//! The pattern is compiled into a small Thompson NFA in a fixed array on the
//! stack and the text is run through it once, all threads in step (a Pike
//! VM), so the work is O(len(text) × len(program)) with no backtracking and no
//! heap:
//!
//! ```
//! use cwmp_model::schema::pattern::matches;
//! let mac = "([0-9A-Fa-f][0-9A-Fa-f]:){5}([0-9A-Fa-f][0-9A-Fa-f])";
//! assert_eq!(matches(mac, "00:1A:2b:3C:4d:5E"), Some(true));
//! assert_eq!(matches(mac, "00:1A:2b:3C:4d"), Some(false));
//! assert_eq!(matches(r"\p{L}+", "x"), None); // not supported
//! ```

/// Largest compiled program, in instructions.
pub const MAX_PROGRAM: usize = 256;

/// Deepest group nesting accepted.
const MAX_DEPTH: u32 = 8;

/// One NFA instruction. Consuming instructions advance to `pc + 1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Inst {
    /// A literal character.
    Char(char),
    /// `.`: any character except `\n` and `\r`.
    Any,
    /// A shorthand escape (`d`, `D`, `s`, `S`, `w`, `W`).
    Escape(u8),
    /// A class `[...]`: byte range of its body in the pattern, negation.
    Class { start: u16, end: u16, negated: bool },
    /// Continue at both targets.
    Split(u16, u16),
    /// Continue at the target.
    Jmp(u16),
    /// The whole pattern matched.
    Match,
}

/// Why compilation stopped (the caller only learns "unsupported").
struct Unsupported;

struct Compiler<'p> {
    pat: &'p [u8],
    pos: usize,
    prog: [Inst; MAX_PROGRAM],
    len: usize,
}

fn shorthand_matches(kind: u8, c: char) -> bool {
    match kind {
        b'd' => c.is_ascii_digit(),
        b'D' => !c.is_ascii_digit(),
        b's' => matches!(c, ' ' | '\t' | '\n' | '\r'),
        b'S' => !matches!(c, ' ' | '\t' | '\n' | '\r'),
        b'w' => c.is_alphanumeric() || c == '_',
        _ => !(c.is_alphanumeric() || c == '_'),
    }
}

const fn is_shorthand(b: u8) -> bool {
    matches!(b, b'd' | b'D' | b's' | b'S' | b'w' | b'W')
}

/// Decodes the character at `pos` of a UTF-8 pattern.
fn char_at(pat: &[u8], pos: usize) -> Option<(char, usize)> {
    let first = *pat.get(pos)?;
    if first.is_ascii() {
        return Some((char::from(first), 1));
    }
    let rest = pat.get(pos..)?;
    let head = rest.get(..rest.len().min(4))?;
    let s = match core::str::from_utf8(head) {
        Ok(s) => s,
        Err(e) => core::str::from_utf8(head.get(..e.valid_up_to())?).ok()?,
    };
    let c = s.chars().next()?;
    Some((c, c.len_utf8()))
}

/// Whether `c` is in the class body `pat[start..end]` (without brackets and `^`).
fn class_matches(pat: &[u8], start: usize, end: usize, c: char) -> bool {
    let mut i = start;
    while i < end {
        let Some((first, n)) = char_at(pat, i) else { return false };
        i += n;
        let lo = if first == '\\' {
            let Some((e, n)) = char_at(pat, i) else { return false };
            i += n;
            if e.is_ascii() && is_shorthand(e as u8) {
                if shorthand_matches(e as u8, c) {
                    return true;
                }
                continue;
            }
            e
        } else {
            first
        };
        // A range `lo-hi` (a `-` right before `]` is a literal).
        if pat.get(i) == Some(&b'-') && i + 1 < end {
            let Some((mut hi, mut n)) = char_at(pat, i + 1) else { return false };
            if hi == '\\' {
                let Some((e, m)) = char_at(pat, i + 1 + n) else { return false };
                hi = e;
                n += m;
            }
            i += 1 + n;
            if (lo..=hi).contains(&c) {
                return true;
            }
        } else if lo == c {
            return true;
        }
    }
    false
}

impl<'p> Compiler<'p> {
    fn emit(&mut self, inst: Inst) -> Result<u16, Unsupported> {
        let at = self.len;
        *self.prog.get_mut(at).ok_or(Unsupported)? = inst;
        self.len += 1;
        u16::try_from(at).map_err(|_| Unsupported)
    }

    fn patch(&mut self, at: u16, inst: Inst) {
        if let Some(slot) = self.prog.get_mut(usize::from(at)) {
            *slot = inst;
        }
    }

    fn here(&self) -> Result<u16, Unsupported> {
        u16::try_from(self.len).map_err(|_| Unsupported)
    }

    fn peek(&self) -> Option<u8> {
        self.pat.get(self.pos).copied()
    }

    /// regex := branch ('|' branch)*
    fn regex(&mut self, depth: u32) -> Result<(), Unsupported> {
        if depth > MAX_DEPTH {
            return Err(Unsupported);
        }
        let mut jumps: [u16; 32] = [0; 32];
        let mut njumps = 0usize;
        loop {
            let split = self.emit(Inst::Jmp(0))?; // becomes Split(branch, next)
            let body = self.here()?;
            self.branch(depth)?;
            if self.peek() != Some(b'|') {
                // Last branch: the placeholder just falls through.
                self.patch(split, Inst::Jmp(body));
                break;
            }
            self.pos += 1;
            *jumps.get_mut(njumps).ok_or(Unsupported)? = self.emit(Inst::Jmp(0))?;
            njumps += 1;
            let next = self.here()?;
            self.patch(split, Inst::Split(body, next));
        }
        let end = self.here()?;
        for &j in jumps.get(..njumps).unwrap_or(&[]) {
            self.patch(j, Inst::Jmp(end));
        }
        Ok(())
    }

    /// branch := piece*
    fn branch(&mut self, depth: u32) -> Result<(), Unsupported> {
        while let Some(b) = self.peek() {
            if b == b'|' || b == b')' {
                break;
            }
            self.piece(depth)?;
        }
        Ok(())
    }

    /// Parses `{n}`, `{n,}`, `{n,m}` at `pos`; returns (min, max).
    fn counted(&mut self) -> Result<(u32, Option<u32>), Unsupported> {
        let num = |this: &mut Self| -> Option<u32> {
            let start = this.pos;
            let mut v: u32 = 0;
            while let Some(d) = this.peek().filter(u8::is_ascii_digit) {
                v = v.checked_mul(10)?.checked_add(u32::from(d - b'0'))?;
                this.pos += 1;
            }
            (this.pos > start).then_some(v)
        };
        self.pos += 1; // '{'
        let min = num(self).ok_or(Unsupported)?;
        let max = if self.peek() == Some(b',') {
            self.pos += 1;
            num(self)
        } else {
            Some(min)
        };
        if self.peek() != Some(b'}') || max.is_some_and(|m| m < min) {
            return Err(Unsupported);
        }
        self.pos += 1;
        Ok((min, max))
    }

    /// piece := atom quantifier?
    fn piece(&mut self, depth: u32) -> Result<(), Unsupported> {
        let atom_pos = self.pos;
        // Compile once to find where the atom ends; re-emit for repetition.
        let start = self.here()?;
        self.atom(depth)?;
        let after_atom = self.pos;
        let (min, max) = match self.peek() {
            Some(b'*') => {
                self.pos += 1;
                (0, None)
            }
            Some(b'+') => {
                self.pos += 1;
                (1, None)
            }
            Some(b'?') => {
                self.pos += 1;
                (0, Some(1))
            }
            Some(b'{') => self.counted()?,
            _ => return Ok(()),
        };
        if self.peek() == Some(b'?') {
            self.pos += 1; // lazy: same language
        }
        let after_quant = self.pos;
        // Throw away the trial compilation and emit the expansion.
        self.len = usize::from(start);
        let atom = |this: &mut Self| -> Result<(), Unsupported> {
            this.pos = atom_pos;
            this.atom(depth)?;
            debug_assert_eq!(this.pos, after_atom);
            Ok(())
        };
        for _ in 0..min {
            atom(self)?;
        }
        match max {
            None => {
                // x*: L: Split(body, out); body; Jmp L; out:
                let l = self.emit(Inst::Jmp(0))?;
                atom(self)?;
                self.emit(Inst::Jmp(l))?;
                let out = self.here()?;
                self.patch(l, Inst::Split(l + 1, out));
            }
            Some(max) => {
                let mut splits: [u16; 64] = [0; 64];
                let optional = usize::try_from(max - min).map_err(|_| Unsupported)?;
                if optional > splits.len() {
                    return Err(Unsupported);
                }
                for slot in splits.iter_mut().take(optional) {
                    *slot = self.emit(Inst::Jmp(0))?;
                    atom(self)?;
                }
                let out = self.here()?;
                for &s in splits.iter().take(optional) {
                    self.patch(s, Inst::Split(s + 1, out));
                }
            }
        }
        self.pos = after_quant;
        Ok(())
    }

    /// atom := char | '.' | escape | class | '(' regex ')'
    fn atom(&mut self, depth: u32) -> Result<(), Unsupported> {
        let (c, n) = char_at(self.pat, self.pos).ok_or(Unsupported)?;
        self.pos += n;
        match c {
            '.' => {
                self.emit(Inst::Any)?;
            }
            '(' => {
                self.regex(depth + 1)?;
                if self.peek() != Some(b')') {
                    return Err(Unsupported);
                }
                self.pos += 1;
            }
            '[' => {
                let negated = self.peek() == Some(b'^');
                if negated {
                    self.pos += 1;
                }
                let start = self.pos;
                loop {
                    match self.peek() {
                        None => return Err(Unsupported),
                        Some(b']') if self.pos > start => break,
                        Some(b'\\') => {
                            if matches!(self.pat.get(self.pos + 1), Some(b'p' | b'P' | b'i' | b'I' | b'c' | b'C')) {
                                return Err(Unsupported);
                            }
                            self.pos += 2;
                        }
                        // `-[` is XSD class subtraction.
                        Some(b'-') if self.pat.get(self.pos + 1) == Some(&b'[') => return Err(Unsupported),
                        Some(_) => self.pos += 1,
                    }
                }
                let end = self.pos;
                self.pos += 1;
                let start = u16::try_from(start).map_err(|_| Unsupported)?;
                let end = u16::try_from(end).map_err(|_| Unsupported)?;
                self.emit(Inst::Class { start, end, negated })?;
            }
            '\\' => {
                let (e, n) = char_at(self.pat, self.pos).ok_or(Unsupported)?;
                self.pos += n;
                if e.is_ascii() && is_shorthand(e as u8) {
                    self.emit(Inst::Escape(e as u8))?;
                } else if e.is_ascii_punctuation() {
                    self.emit(Inst::Char(e))?;
                } else {
                    // \p{..}, \i, \c, \n etc.: not in the supported subset.
                    return Err(Unsupported);
                }
            }
            '*' | '+' | '?' | '{' | ')' | '|' => return Err(Unsupported),
            c => {
                self.emit(Inst::Char(c))?;
            }
        }
        Ok(())
    }
}

/// A set of program counters.
#[derive(Clone, Copy)]
struct Set([u64; MAX_PROGRAM / 64]);

impl Set {
    const EMPTY: Set = Set([0; MAX_PROGRAM / 64]);

    fn insert(&mut self, pc: usize) -> bool {
        let Some(word) = self.0.get_mut(pc / 64) else { return false };
        let bit = 1u64 << (pc % 64);
        let new = *word & bit == 0;
        *word |= bit;
        new
    }

    fn contains(&self, pc: usize) -> bool {
        self.0.get(pc / 64).is_some_and(|w| w & (1u64 << (pc % 64)) != 0)
    }
}

/// Adds `pc` and everything reachable from it without consuming input.
fn add(prog: &[Inst], set: &mut Set, stack: &mut [u16; MAX_PROGRAM], pc: u16) {
    let mut top = 0usize;
    let push = |set: &mut Set, stack: &mut [u16; MAX_PROGRAM], top: &mut usize, pc: u16| {
        if set.insert(usize::from(pc))
            && let Some(slot) = stack.get_mut(*top)
        {
            *slot = pc;
            *top += 1;
        }
    };
    push(set, stack, &mut top, pc);
    while top > 0 {
        top -= 1;
        let pc = stack.get(top).copied().unwrap_or(0);
        match prog.get(usize::from(pc)) {
            Some(Inst::Jmp(t)) => push(set, stack, &mut top, *t),
            Some(Inst::Split(a, b)) => {
                push(set, stack, &mut top, *a);
                push(set, stack, &mut top, *b);
            }
            _ => {}
        }
    }
}

/// Whether `text` matches the XSD `pattern` as a whole. `None` when the
/// pattern uses a construct outside the supported subset.
pub fn matches(pattern: &str, text: &str) -> Option<bool> {
    let mut c = Compiler { pat: pattern.as_bytes(), pos: 0, prog: [Inst::Match; MAX_PROGRAM], len: 0 };
    c.regex(0).ok()?;
    if c.pos != c.pat.len() {
        return None; // a stray ')'
    }
    c.emit(Inst::Match).ok()?;
    let prog = c.prog.get(..c.len)?;
    let pat = c.pat;

    // Work list of the epsilon closure, shared by every `add`.
    let mut stack = [0u16; MAX_PROGRAM];
    let mut cur = Set::EMPTY;
    add(prog, &mut cur, &mut stack, 0);
    for ch in text.chars() {
        let mut next = Set::EMPTY;
        let mut any = false;
        // Visit only the live threads: the set bits of `cur`.
        for (w, &word) in cur.0.iter().enumerate() {
            let mut bits = word;
            while bits != 0 {
                let pc = w * 64 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                let ok = match prog.get(pc) {
                    Some(&Inst::Char(x)) => x == ch,
                    Some(&Inst::Any) => ch != '\n' && ch != '\r',
                    Some(&Inst::Escape(k)) => shorthand_matches(k, ch),
                    Some(&Inst::Class { start, end, negated }) => {
                        class_matches(pat, usize::from(start), usize::from(end), ch) != negated
                    }
                    _ => false,
                };
                if ok {
                    let to = u16::try_from(pc + 1).ok()?;
                    add(prog, &mut next, &mut stack, to);
                    any = true;
                }
            }
        }
        if !any {
            return Some(false);
        }
        cur = next;
    }
    Some(prog.iter().enumerate().any(|(pc, i)| *i == Inst::Match && cur.contains(pc)))
}

/// Whether `pattern` is within the supported subset (so it is enforced).
pub fn is_supported(pattern: &str) -> bool {
    matches(pattern, "").is_some()
}
