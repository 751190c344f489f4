//! A decoded message as a tree of named fields, for people (one line per
//! field) and programs (JSON).
//!
//! The tree is read from the message's `Debug` form (`{:?}`), which every
//! cwmp-soap type derives from its field table, so every RPC, present and
//! future, is listed with no per-type code here. Field names are the Rust
//! field names (`parameter_list`, `event_code`). Values whose `Debug` form
//! is not what a reader wants are rendered by [`SPECIAL`] (a dateTime as
//! `xsd:dateTime` text, a parameter value as its text and type); an `Option`
//! is its content or `null`.
//!
//! ```
//! use cwmp_examples::listing::Node;
//!
//! let n = Node::parse(r#"S { name: "a\"b", list: [1, 2], t: Some(Known(String)), n: None }"#).unwrap();
//! assert_eq!(n.lines(), ["name: a\"b", "list[0]: 1", "list[1]: 2", "t: Known(String)", "n: -"]);
//! assert_eq!(n.to_json(), serde_json::json!({"name": "a\"b", "list": [1, 2], "t": "Known(String)", "n": null}));
//! ```

use cwmp_core::DateTime;
use cwmp_core::datetime::Tz;
use serde_json::{Map, Value as Json};

/// One value of the tree.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// A string from the message (`Debug` quoted it).
    Str(String),
    /// Anything else written bare: a number, `true`, a unit variant.
    Bare(String),
    /// `Type { field: value, .. }`.
    Struct(String, Vec<(String, Node)>),
    /// `Variant(value, ..)`.
    Tuple(String, Vec<Node>),
    /// `[value, ..]`.
    List(Vec<Node>),
}

/// The fields of a struct, as read.
pub type Fields = [(String, Node)];

/// Renders a struct's fields as one text value, `None` when they do not
/// have the expected shape.
pub type Render = fn(&Fields) -> Option<String>;

/// Types whose `Debug` form is rendered as one text value: (type name,
/// renderer of its fields).
pub const SPECIAL: &[(&str, Render)] = &[("DateTime", date_time), ("ParamValue", param_value)];

/// `xsd:dateTime` text from `DateTime`'s fields, formatted by
/// `cwmp_core::DateTime` itself.
fn date_time(f: &Fields) -> Option<String> {
    let num = |name: &str| -> Option<u64> { field(f, name)?.bare()?.parse().ok() };
    let small = |name: &str| -> Option<u8> { u8::try_from(num(name)?).ok() };
    let tz = match field(f, "tz")? {
        Node::Bare(l) if l == "Local" => Tz::Local,
        Node::Bare(u) if u == "Utc" => Tz::Utc,
        Node::Tuple(o, v) if o == "Offset" => Tz::Offset(v.first()?.bare()?.parse().ok()?),
        _ => return None,
    };
    let year = u16::try_from(num("year")?).ok()?;
    let t =
        DateTime::new(year, small("month")?, small("day")?, small("hour")?, small("minute")?, small("second")?, tz)?
            .with_fraction(u32::try_from(num("nanos")?).ok()?, small("frac_digits")?)?;
    Some(t.to_string())
}

/// Newtypes whose one value is the value (`FaultCode(9001)` is `9001`).
pub const NEWTYPES: &[&str] = &["FaultCode"];

/// `ParamValue { xsi_type, text }` as `text (type)`.
fn param_value(f: &[(String, Node)]) -> Option<String> {
    let (text, ty) = param_parts(f)?;
    Some(format!("{text} ({ty})"))
}

/// The text of a `ParamValue` and its type as a reader says it
/// (`xsd:string`, `no xsi:type`, `xsi:type SOAP-ENC:string`).
fn param_parts(f: &[(String, Node)]) -> Option<(&str, String)> {
    let Node::Str(text) = field(f, "text")? else { return None };
    let ty = match field(f, "xsi_type")? {
        Node::Tuple(k, v) if k == "Known" => format!("xsd:{}", v.first()?.bare()?.to_ascii_lowercase()),
        Node::Tuple(o, v) if o == "Other" => format!("xsi:type {}", v.first()?.text()),
        Node::Bare(a) if a == "Absent" => "no xsi:type".to_string(),
        other => other.text(),
    };
    Some((text, ty))
}

fn field<'n>(fields: &'n [(String, Node)], name: &str) -> Option<&'n Node> {
    fields.iter().find(|(n, _)| n == name).map(|(_, v)| v)
}

impl Node {
    /// Parses a `Debug` form (`{:?}`, not `{:#?}`).
    pub fn parse(s: &str) -> Result<Node, String> {
        let mut p = Parser { s, at: 0 };
        let n = p.value()?;
        p.space();
        if p.at != s.len() {
            return Err(format!("unexpected {:?} at {}", &s[p.at..], p.at));
        }
        Ok(n)
    }

    /// The tree of a value's `Debug` form.
    pub fn of(v: &impl std::fmt::Debug) -> Result<Node, String> {
        Node::parse(&format!("{v:?}"))
    }

    fn bare(&self) -> Option<&str> {
        match self {
            Node::Bare(b) => Some(b),
            _ => None,
        }
    }

    /// The one-line text of a value: strings as they are (control
    /// characters such as line breaks escaped, so a value stays on its
    /// line), special types rendered, `None` as `-`, other compound values in
    /// their `Debug` form.
    pub fn text(&self) -> String {
        match self {
            Node::Bare(s) if s == "None" => "-".into(),
            Node::Str(s) if s.chars().any(char::is_control) => s.escape_debug().to_string(),
            Node::Str(s) | Node::Bare(s) => s.clone(),
            Node::Struct(name, f) => match special(name, f) {
                Some(t) => t,
                None => format!("{name} {{ .. }}"),
            },
            Node::Tuple(name, v) if v.len() == 1 && (name == "Some" || NEWTYPES.contains(&name.as_str())) => {
                v[0].text()
            }
            Node::Tuple(name, v) => {
                format!("{name}({})", v.iter().map(Node::text).collect::<Vec<_>>().join(", "))
            }
            Node::List(v) => format!("[{} entries]", v.len()),
        }
    }

    /// One `path: value` line per leaf field or list entry (an empty list
    /// is one line, `path: []`).
    pub fn lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.walk("", &mut out);
        out
    }

    fn walk(&self, path: &str, out: &mut Vec<String>) {
        let join = |name: &str| if path.is_empty() { name.to_string() } else { format!("{path}.{name}") };
        match self {
            Node::Struct(name, f) if special(name, f).is_none() => {
                for (n, v) in f {
                    v.walk(&join(n), out);
                }
            }
            Node::Tuple(name, v) if name == "Some" && v.len() == 1 => v[0].walk(path, out),
            // `Variant(Struct { .. })`, the shape of an enum of messages.
            Node::Tuple(_, v) if v.len() == 1 && matches!(v[0], Node::Struct(..) | Node::List(_)) => {
                v[0].walk(path, out)
            }
            Node::List(v) if v.is_empty() => out.push(format!("{path}: []")),
            Node::List(v) => {
                for (i, e) in v.iter().enumerate() {
                    e.walk(&format!("{path}[{i}]"), out);
                }
            }
            leaf => out.push(format!("{path}: {}", leaf.text())),
        }
    }

    /// The path and text of every value of type `ty` (a [`SPECIAL`] type,
    /// e.g. `DateTime`), in listing order.
    pub fn find(&self, ty: &str) -> Vec<(String, String)> {
        let mut out = Vec::new();
        self.find_into(ty, "", &mut out);
        out
    }

    fn find_into(&self, ty: &str, path: &str, out: &mut Vec<(String, String)>) {
        let join = |name: &str| if path.is_empty() { name.to_string() } else { format!("{path}.{name}") };
        match self {
            Node::Struct(name, _) if name == ty => out.push((path.to_string(), self.text())),
            Node::Struct(_, f) => f.iter().for_each(|(n, v)| v.find_into(ty, &join(n), out)),
            Node::Tuple(_, v) if v.len() == 1 => v[0].find_into(ty, path, out),
            Node::List(v) => v.iter().enumerate().for_each(|(i, e)| e.find_into(ty, &format!("{path}[{i}]"), out)),
            _ => {}
        }
    }

    /// JSON: structs as objects, lists as arrays, `None` as `null`, numbers
    /// and booleans as such, everything else as its [`Node::text`].
    pub fn to_json(&self) -> Json {
        match self {
            Node::Str(s) => Json::String(s.clone()),
            Node::Bare(b) if b == "None" => Json::Null,
            Node::Bare(b) => match b.as_str() {
                "true" => Json::Bool(true),
                "false" => Json::Bool(false),
                _ => serde_json::from_str::<serde_json::Number>(b).map(Json::Number).unwrap_or(Json::String(b.clone())),
            },
            Node::Struct(name, f) if name == "ParamValue" && param_parts(f).is_some() => {
                let (text, ty) = param_parts(f).unwrap_or_default();
                serde_json::json!({ "text": text, "type": ty })
            }
            Node::Struct(name, f) => match special(name, f) {
                Some(t) => Json::String(t),
                None => Json::Object(f.iter().map(|(n, v)| (n.clone(), v.to_json())).collect::<Map<_, _>>()),
            },
            Node::Tuple(name, v) if v.len() == 1 && (name == "Some" || NEWTYPES.contains(&name.as_str())) => {
                v[0].to_json()
            }
            Node::Tuple(_, v) if v.len() == 1 && matches!(v[0], Node::Struct(..) | Node::List(_)) => v[0].to_json(),
            Node::Tuple(..) => Json::String(self.text()),
            Node::List(v) => Json::Array(v.iter().map(Node::to_json).collect()),
        }
    }
}

fn special(name: &str, fields: &[(String, Node)]) -> Option<String> {
    SPECIAL.iter().find(|(n, _)| *n == name).and_then(|(_, render)| render(fields))
}

/// A recursive-descent reader of `Debug` output.
struct Parser<'s> {
    s: &'s str,
    at: usize,
}

impl Parser<'_> {
    fn rest(&self) -> &str {
        &self.s[self.at..]
    }

    fn space(&mut self) {
        let r = self.rest();
        self.at += r.len() - r.trim_start().len();
    }

    fn eat(&mut self, token: &str) -> bool {
        self.space();
        let hit = self.rest().starts_with(token);
        if hit {
            self.at += token.len();
        }
        hit
    }

    fn expect(&mut self, token: &str) -> Result<(), String> {
        if self.eat(token) { Ok(()) } else { Err(format!("expected {token:?} at {}: {:.40}", self.at, self.rest())) }
    }

    fn value(&mut self) -> Result<Node, String> {
        self.space();
        if self.eat("\"") {
            return self.string().map(Node::Str);
        }
        if self.eat("[") {
            return self.items("]").map(Node::List);
        }
        let word_len = self
            .rest()
            .find(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | '.' | '-' | '+')))
            .unwrap_or(self.rest().len());
        if word_len == 0 {
            return Err(format!("unexpected {:.40} at {}", self.rest(), self.at));
        }
        let word = self.rest()[..word_len].to_string();
        self.at += word_len;
        if self.eat(" {") || self.eat("{") {
            let mut fields = Vec::new();
            loop {
                if self.eat("}") {
                    break;
                }
                if self.eat("..") {
                    self.expect("}")?;
                    break;
                }
                let name_len = self.rest().find(':').ok_or("field without ':'")?;
                let name = self.rest()[..name_len].trim().to_string();
                self.at += name_len + 1;
                fields.push((name, self.value()?));
                if !self.eat(",") {
                    self.expect("}")?;
                    break;
                }
            }
            return Ok(Node::Struct(word, fields));
        }
        if self.eat("(") {
            let mut v = self.items(")")?;
            // `Reboot(Reboot)`: a variant holding a unit struct of its name
            // (a method without arguments) holds a struct with no fields.
            if let [Node::Bare(unit)] = v.as_slice()
                && *unit == word
            {
                v = vec![Node::Struct(word.clone(), Vec::new())];
            }
            return Ok(Node::Tuple(word, v));
        }
        Ok(Node::Bare(word))
    }

    fn items(&mut self, close: &str) -> Result<Vec<Node>, String> {
        let mut v = Vec::new();
        if self.eat(close) {
            return Ok(v);
        }
        loop {
            v.push(self.value()?);
            if self.eat(close) {
                return Ok(v);
            }
            self.expect(",")?;
        }
    }

    /// The rest of a string literal after its `"`, unescaped
    /// (`escape_debug`: `\\`, `\"`, `\'`, `\n`, `\r`, `\t`, `\0`, `\u{..}`).
    fn string(&mut self) -> Result<String, String> {
        let mut out = String::new();
        let mut chars = self.rest().char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => {
                    self.at += i + 1;
                    return Ok(out);
                }
                '\\' => match chars.next().map(|(_, c)| c) {
                    Some('n') => out.push('\n'),
                    Some('r') => out.push('\r'),
                    Some('t') => out.push('\t'),
                    Some('0') => out.push('\0'),
                    Some('u') => {
                        let hex: String = chars.by_ref().map(|(_, c)| c).skip(1).take_while(|&c| c != '}').collect();
                        let c = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32);
                        out.push(c.ok_or_else(|| format!("bad escape \\u{{{hex}}}"))?);
                    }
                    Some(c) => out.push(c),
                    None => break,
                },
                c => out.push(c),
            }
        }
        Err(format!("unterminated string at {}", self.at))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_with_every_escape_come_back_exactly() {
        for s in ["plain", "quote \" and \\ back", "line\nbreak\ttab\r", "nul \0 bell \u{7} é ü 😀", "a: {b}, [c]"]
        {
            assert_eq!(Node::of(&s).unwrap(), Node::Str(s.to_string()), "{s:?}");
        }
    }

    #[test]
    fn date_times_render_as_they_were_sent() {
        for t in [
            "2016-01-30T13:20:27+01:00",
            "2024-02-29T12:30:05.250Z",
            "0001-01-01T00:00:00Z",
            "2019-03-05T11:54:14",
            "2020-01-01T00:00:00.123456789-05:30",
        ] {
            let dt = cwmp_core::DateTime::parse(t).unwrap();
            assert_eq!(Node::of(&dt).unwrap().text(), t);
            assert_eq!(Node::of(&dt).unwrap().text(), dt.to_string());
        }
    }

    #[test]
    fn nested_enums_structs_and_lists_flatten_to_paths() {
        #[derive(Debug)]
        #[allow(dead_code)]
        enum Body {
            Rpc(Inner),
        }
        #[derive(Debug)]
        #[allow(dead_code)]
        struct Inner {
            list: Vec<Option<u8>>,
            empty: Vec<u8>,
            neg: i16,
        }
        let n = Node::of(&Body::Rpc(Inner { list: vec![Some(1), None], empty: vec![], neg: -3 })).unwrap();
        assert_eq!(n.lines(), ["list[0]: 1", "list[1]: -", "empty: []", "neg: -3"]);
        assert_eq!(n.to_json(), serde_json::json!({"list": [1, null], "empty": [], "neg": -3}));
    }

    #[test]
    fn a_line_break_in_a_value_stays_on_its_line_and_in_the_json() {
        let n = Node::parse(
            r#"S { v: "two
lines" }"#,
        )
        .unwrap();
        assert_eq!(n.lines(), ["v: two\\nlines"]);
        assert_eq!(n.to_json(), serde_json::json!({"v": "two\nlines"}));
    }

    #[test]
    fn a_method_without_arguments_is_an_empty_object() {
        let rpc = cwmp_soap::Rpc::FactoryReset(cwmp_soap::rpc::FactoryReset);
        let n = Node::of(&rpc).unwrap();
        assert_eq!(n.to_json(), serde_json::json!({}));
        assert!(n.lines().is_empty());
    }
}
