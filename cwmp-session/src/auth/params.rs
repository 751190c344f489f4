//! The grammar of HTTP authentication headers (RFC 9110 §11): challenges in
//! `WWW-Authenticate` and credentials in `Authorization`, parsed with `nom`
//! over the header bytes without allocating. Values are borrowed; quoted
//! strings keep their escapes and are unescaped on use.

use nom::bytes::complete::{tag, take_while, take_while1};
use nom::character::complete::char;
use nom::combinator::recognize;
use nom::multi::fold_many0;
use nom::sequence::{delimited, preceded};
use nom::{IResult, Parser};

use super::AuthError;
use crate::http::write::is_tchar;

/// Longest parameter value accepted (nonces, realms, `uri`, …): the
/// longest URL [`cwmp_core::Limits`] allows.
pub const MAX_PARAM_LEN: usize = 1024;
/// Most parameters in one challenge or credentials.
pub const MAX_PARAMS: usize = 24;

/// An auth-param value: a token or a quoted string (escapes kept).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value<'a> {
    /// A bare token, or bytes without escapes.
    Token(&'a [u8]),
    /// The inside of a quoted string, `\"`-style escapes still in it.
    Quoted(&'a [u8]),
}

impl<'a> Value<'a> {
    /// Feeds the unescaped value to `f` in pieces.
    pub fn for_each_piece(&self, mut f: impl FnMut(&[u8])) {
        match *self {
            Value::Token(t) => f(t),
            Value::Quoted(mut q) => {
                while let Some(i) = q.iter().position(|&b| b == b'\\') {
                    f(q.get(..i).unwrap_or(&[]));
                    f(q.get(i + 1..i + 2).unwrap_or(&[]));
                    q = q.get(i + 2..).unwrap_or(&[]);
                }
                f(q);
            }
        }
    }

    /// The unescaped bytes, one at a time.
    pub fn bytes(&self) -> impl Iterator<Item = u8> + 'a {
        let (raw, quoted) = match *self {
            Value::Token(t) => (t, false),
            Value::Quoted(q) => (q, true),
        };
        let mut escaped = false;
        raw.iter().filter_map(move |&b| {
            if quoted && !escaped && b == b'\\' {
                escaped = true;
                return None;
            }
            escaped = false;
            Some(b)
        })
    }

    /// Unescaped value equals `other` (case-sensitive).
    pub fn eq_bytes(&self, other: &[u8]) -> bool {
        let mut it = self.bytes();
        other.iter().all(|&b| it.next() == Some(b)) && it.next().is_none()
    }

    /// Unescaped value equals `other` ignoring ASCII case.
    pub fn eq_ignore_case(&self, other: &[u8]) -> bool {
        let mut it = self.bytes();
        other.iter().all(|&b| it.next().is_some_and(|c| c.eq_ignore_ascii_case(&b))) && it.next().is_none()
    }

    /// The raw bytes as sent (escapes kept for quoted values).
    pub fn raw(&self) -> &'a [u8] {
        match *self {
            Value::Token(t) | Value::Quoted(t) => t,
        }
    }

    /// Copies the unescaped value into `out`; `None` when it does not fit.
    pub fn unescape_into<'o>(&self, out: &'o mut [u8]) -> Option<&'o [u8]> {
        let mut n = 0;
        for b in self.bytes() {
            *out.get_mut(n)? = b;
            n += 1;
        }
        out.get(..n)
    }
}

fn is_ws(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

fn ows(i: &[u8]) -> IResult<&[u8], &[u8]> {
    take_while(is_ws)(i)
}

fn token(i: &[u8]) -> IResult<&[u8], &[u8]> {
    take_while1(is_tchar)(i)
}

fn is_qdtext(b: u8) -> bool {
    b == b'\t' || b == b' ' || b == 0x21 || (0x23..=0x5b).contains(&b) || (0x5d..=0x7e).contains(&b) || b >= 0x80
}

fn quoted_pair(i: &[u8]) -> IResult<&[u8], &[u8]> {
    let escapable = |b: u8| b == b'\t' || (b >= 0x20 && b != 0x7f);
    recognize(preceded(char('\\'), nom::bytes::complete::take_while_m_n(1, 1, escapable))).parse(i)
}

/// `"…"` with escapes; returns the inside.
fn quoted_string(i: &[u8]) -> IResult<&[u8], &[u8]> {
    delimited(
        char('"'),
        recognize(fold_many0(nom::branch::alt((take_while1(is_qdtext), quoted_pair)), || (), |(), _| ())),
        char('"'),
    )
    .parse(i)
}

fn value(i: &[u8]) -> IResult<&[u8], Value<'_>> {
    nom::branch::alt((quoted_string.map(Value::Quoted), token.map(Value::Token))).parse(i)
}

/// `name BWS = BWS value`.
fn auth_param(i: &[u8]) -> IResult<&[u8], (&[u8], Value<'_>)> {
    (token, ows, char('='), ows, value).map(|(n, _, _, _, v)| (n, v)).parse(i)
}

/// token68 (RFC 9110 §11.2), followed by nothing but a list separator.
fn token68(i: &[u8]) -> IResult<&[u8], &[u8]> {
    recognize((take_while1(|b: u8| b.is_ascii_alphanumeric() || b"-._~+/".contains(&b)), take_while(|b| b == b'=')))
        .parse(i)
}

/// The end of an item: optional whitespace, then `,` or the end.
fn at_item_end(i: &[u8]) -> bool {
    let rest = ows(i).map_or(i, |(r, _)| r);
    rest.is_empty() || rest.first() == Some(&b',')
}

/// One `name=value` parameter.
type Param<'a> = (&'a [u8], Value<'a>);

/// A parameter (`name=value`) at `i`, ending an item.
fn param_item(i: &[u8]) -> Option<(&[u8], Param<'_>)> {
    let (rest, p) = auth_param(i).ok()?;
    at_item_end(rest).then_some((rest, p))
}

/// Skips whitespace and empty list elements (`, ,`).
fn skip_separators(i: &[u8]) -> &[u8] {
    let r: IResult<&[u8], ()> =
        fold_many0(nom::branch::alt((tag(&b","[..]), take_while1(is_ws))), || (), |(), _| ()).parse(i);
    r.map_or(i, |(rest, ())| rest)
}

/// One challenge or credentials: scheme and either parameters or a token68.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuthItem<'a> {
    /// The auth scheme (`Digest`, `Basic`, …) as sent.
    pub scheme: &'a [u8],
    /// The token68 form (Basic credentials), if used.
    pub token68: Option<&'a [u8]>,
    /// The parameter list text; iterate with [`AuthItem::params`].
    params: &'a [u8],
}

impl<'a> AuthItem<'a> {
    /// The scheme equals `s`, ignoring case.
    pub fn is(&self, s: &str) -> bool {
        self.scheme.eq_ignore_ascii_case(s.as_bytes())
    }

    /// The parameters, in order. Each is well formed (checked while the
    /// item was split off), so the iterator yields every one.
    pub fn params(&self) -> impl Iterator<Item = (&'a [u8], Value<'a>)> + 'a {
        let mut rest = self.params;
        core::iter::from_fn(move || {
            rest = skip_separators(rest);
            let (r, p) = param_item(rest)?;
            rest = r;
            Some(p)
        })
    }
}

/// Splits a header value into its challenges (or credentials), in order.
/// Several per value are allowed (`Digest realm="a", Basic realm="b"`);
/// malformed text ends the iteration with an error naming the offset.
pub fn items(header: &[u8]) -> impl Iterator<Item = Result<AuthItem<'_>, AuthError>> {
    let mut rest = header;
    let mut failed = false;
    core::iter::from_fn(move || {
        if failed {
            return None;
        }
        rest = skip_separators(rest);
        if rest.is_empty() {
            return None;
        }
        let at = header.len() - rest.len();
        let r = next_item(rest, at);
        match r {
            Ok((r, item)) => {
                rest = r;
                Some(Ok(item))
            }
            Err(e) => {
                failed = true;
                Some(Err(e))
            }
        }
    })
}

fn next_item(i: &[u8], at: usize) -> Result<(&[u8], AuthItem<'_>), AuthError> {
    let (rest, scheme) = token(i).map_err(|_| AuthError::Malformed { at, what: "auth scheme" })?;
    let (after_sp, sp) = ows(rest).map_err(|_| AuthError::Malformed { at, what: "space" })?;
    if sp.is_empty() || after_sp.is_empty() || after_sp.first() == Some(&b',') {
        return Ok((rest, AuthItem { scheme, token68: None, params: &[] }));
    }
    let pos = |r: &[u8]| at + (i.len() - r.len());
    if let Some((mut r, _)) = param_item(after_sp) {
        let mut count = 1;
        let start = after_sp;
        loop {
            let next = skip_separators(r);
            match param_item(next) {
                Some((r2, _)) => {
                    count += 1;
                    if count > MAX_PARAMS {
                        return Err(AuthError::TooLong { what: "parameter count" });
                    }
                    r = r2;
                }
                None if next.is_empty() || token(next).is_ok_and(|(r2, _)| r2.first().is_none_or(|&b| b != b'=')) => {
                    break;
                }
                None => return Err(AuthError::Malformed { at: pos(next), what: "auth-param" }),
            }
        }
        let params = start.get(..start.len() - r.len()).unwrap_or(&[]);
        for (_, v) in (AuthItem { scheme, token68: None, params }).params() {
            if v.raw().len() > MAX_PARAM_LEN {
                return Err(AuthError::TooLong { what: "parameter value" });
            }
        }
        return Ok((r, AuthItem { scheme, token68: None, params }));
    }
    match token68(after_sp) {
        Ok((r, t)) if at_item_end(r) && t.len() <= MAX_PARAM_LEN => {
            Ok((r, AuthItem { scheme, token68: Some(t), params: &[] }))
        }
        Ok((r, _)) if at_item_end(r) => Err(AuthError::TooLong { what: "token68" }),
        _ => Err(AuthError::Malformed { at: pos(after_sp), what: "auth-param or token68" }),
    }
}

/// Strict collection of named parameters into fixed slots: duplicates,
/// valueless or over-long parameters are errors; unknown names are ignored
/// (RFC 7616 §3.3: unrecognised directives are ignored).
pub(crate) fn collect<'a, const N: usize>(
    item: &AuthItem<'a>,
    names: [&'static str; N],
) -> Result<[Option<Value<'a>>; N], AuthError> {
    let mut out = [None; N];
    for (name, v) in item.params() {
        if let Some(k) = names.iter().position(|n| name.eq_ignore_ascii_case(n.as_bytes())) {
            let slot = out.get_mut(k).ok_or(AuthError::Malformed { at: 0, what: "slot" })?;
            if slot.is_some() {
                return Err(AuthError::DuplicateParam { name: names.get(k).copied().unwrap_or("?") });
            }
            if v.raw().is_empty() && matches!(v, Value::Token(_)) {
                return Err(AuthError::Malformed { at: 0, what: "valueless parameter" });
            }
            *slot = Some(v);
        }
    }
    Ok(out)
}
