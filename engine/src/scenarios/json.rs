//! Reading scenario files: a JSON parser and typed field access whose
//! errors say where the problem is (`line 4, column 9` for syntax,
//! `variants[0].script[2]` for content).
//!
//! Hand-written rather than `serde_json` + derives because it is the only
//! JSON the app reads, it needs only whole numbers, and the derive-based
//! reader cost about 13 KB gzip of the wasm download. (The native CLI still
//! writes JSON lines with serde.)

/// A parsed JSON value. Numbers are whole: scenario files hold ids,
/// amounts and milliseconds, never fractions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Json {
    Null,
    Bool(bool),
    Int(i64),
    Text(String),
    Array(Vec<Json>),
    /// Fields in file order.
    Object(Vec<(String, Json)>),
}

/// Parses `text` as one JSON value. A leading byte-order mark, which some
/// editors write, is skipped.
pub fn parse(text: &str) -> Result<Json, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut parser = Parser { text: text.as_bytes(), at: 0, depth: 0 };
    let value = parser.value()?;
    parser.skip_space();
    if parser.at < parser.text.len() {
        return Err(parser.error("trailing characters after the JSON value"));
    }
    Ok(value)
}

/// The largest number a scenario may hold (10^12: 31 years in ms, or an
/// amount no lesson needs). Bounded so no arithmetic on it can overflow.
pub const MAGNITUDE_MAX: u64 = 1_000_000_000_000;

/// Most fields in one object (an `expect.orders` map of every order of a
/// long script is the largest a lesson needs).
const FIELDS_MAX: usize = 1_024;

/// Deeper nesting than this is refused instead of overflowing the stack.
const MAX_DEPTH: usize = 64;

struct Parser<'t> {
    text: &'t [u8],
    at: usize,
    depth: usize,
}

impl Parser<'_> {
    /// `what` at the current position, as `line L, column C: what`.
    fn error(&self, what: &str) -> String {
        let before = &self.text[..self.at.min(self.text.len())];
        let line = before.iter().filter(|b| **b == b'\n').count() + 1;
        let column = before.iter().rev().take_while(|b| **b != b'\n').count() + 1;
        format!("line {line}, column {column}: {what}")
    }

    fn skip_space(&mut self) {
        while self.text.get(self.at).is_some_and(|b| b.is_ascii_whitespace()) {
            self.at += 1;
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.skip_space();
        self.text.get(self.at).copied()
    }

    /// Consumes `byte` after optional space, or fails with `expected`.
    fn expect(&mut self, byte: u8, expected: &str) -> Result<(), String> {
        if self.peek() == Some(byte) {
            self.at += 1;
            Ok(())
        } else {
            Err(self.error(expected))
        }
    }

    fn value(&mut self) -> Result<Json, String> {
        match self.peek() {
            None => Err(self.error("unexpected end of file")),
            Some(b'{') => self.nested(Parser::object),
            Some(b'[') => self.nested(Parser::array),
            Some(b'"') => self.string().map(Json::Text),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => self.word(),
        }
    }

    fn nested(&mut self, parse: fn(&mut Self) -> Result<Json, String>) -> Result<Json, String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error("nested too deeply"));
        }
        let value = parse(self);
        self.depth -= 1;
        value
    }

    fn object(&mut self) -> Result<Json, String> {
        self.at += 1;
        let mut fields: Vec<(String, Json)> = Vec::new();
        if self.peek() == Some(b'}') {
            self.at += 1;
            return Ok(Json::Object(fields));
        }
        loop {
            if self.peek() != Some(b'"') {
                return Err(self.error("expected a field name in double quotes"));
            }
            let start = self.at;
            let key = self.string()?;
            // A name used twice is refused: readers disagree on which value
            // wins, so the file would mean different things to different
            // tools. The field limit keeps this scan cheap.
            if fields.iter().any(|(seen, _)| *seen == key) {
                self.at = start;
                return Err(self.error(&format!("field \"{key}\" appears twice in this object")));
            }
            if fields.len() == FIELDS_MAX {
                return Err(self.error(&format!("an object may have at most {FIELDS_MAX} fields")));
            }
            self.expect(b':', "expected `:` after the field name")?;
            fields.push((key, self.value()?));
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b'}') => {
                    self.at += 1;
                    return Ok(Json::Object(fields));
                }
                _ => return Err(self.error("expected `,` or `}`")),
            }
        }
    }

    fn array(&mut self) -> Result<Json, String> {
        self.at += 1;
        let mut items = Vec::new();
        if self.peek() == Some(b']') {
            self.at += 1;
            return Ok(Json::Array(items));
        }
        loop {
            items.push(self.value()?);
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b']') => {
                    self.at += 1;
                    return Ok(Json::Array(items));
                }
                _ => return Err(self.error("expected `,` or `]`")),
            }
        }
    }

    /// A string starting at the opening quote.
    fn string(&mut self) -> Result<String, String> {
        self.at += 1;
        let mut out = String::new();
        loop {
            let start = self.at;
            while self.text.get(self.at).is_some_and(|b| *b != b'"' && *b != b'\\' && *b >= 0x20) {
                self.at += 1;
            }
            // The input is a &str and we stop only at ASCII bytes, so the
            // run is whole UTF-8.
            out.push_str(std::str::from_utf8(&self.text[start..self.at]).expect("utf-8 run"));
            match self.text.get(self.at) {
                Some(b'"') => {
                    self.at += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.at += 1;
                    out.push(self.escape()?);
                }
                Some(_) => return Err(self.error("control character in a string")),
                None => return Err(self.error("unterminated string")),
            }
        }
    }

    /// The character after a backslash.
    fn escape(&mut self) -> Result<char, String> {
        let byte = self.text.get(self.at).copied();
        self.at += 1;
        Ok(match byte {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                let high = self.hex4()?;
                if !(0xD800..0xDC00).contains(&high) {
                    return char::from_u32(high).ok_or_else(|| self.error("invalid \\u escape"));
                }
                // A surrogate pair: \uD83D\uDE00.
                if self.text.get(self.at..self.at + 2) != Some(b"\\u") {
                    return Err(self.error("unpaired surrogate in \\u escape"));
                }
                self.at += 2;
                let low = self.hex4()?;
                if !(0xDC00..0xE000).contains(&low) {
                    return Err(self.error("unpaired surrogate in \\u escape"));
                }
                char::from_u32(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)).ok_or_else(|| self.error("invalid \\u escape"))?
            }
            _ => return Err(self.error("unknown escape in a string")),
        })
    }

    fn hex4(&mut self) -> Result<u32, String> {
        let digits = self.text.get(self.at..self.at + 4).and_then(|d| std::str::from_utf8(d).ok());
        let value = digits.and_then(|d| u32::from_str_radix(d, 16).ok()).ok_or_else(|| self.error("expected 4 hex digits after \\u"))?;
        self.at += 4;
        Ok(value)
    }

    fn number(&mut self) -> Result<Json, String> {
        let start = self.at;
        if self.text[self.at] == b'-' {
            self.at += 1;
        }
        while self.text.get(self.at).is_some_and(u8::is_ascii_digit) {
            self.at += 1;
        }
        if self.text.get(self.at).is_some_and(|b| matches!(b, b'.' | b'e' | b'E')) {
            return Err(self.error("numbers here are whole: no fractions or exponents"));
        }
        let digits = std::str::from_utf8(&self.text[start..self.at]).expect("ascii digits");
        let leading_zero = digits.trim_start_matches('-').len() > 1 && digits.trim_start_matches('-').starts_with('0');
        match digits.parse::<i64>() {
            Ok(n) if !leading_zero => Ok(Json::Int(n)),
            _ => {
                self.at = start;
                Err(self.error(&format!("{digits} is not a whole number JSON allows here")))
            }
        }
    }

    /// `true`, `false` or `null`.
    fn word(&mut self) -> Result<Json, String> {
        for (word, value) in [("true", Json::Bool(true)), ("false", Json::Bool(false)), ("null", Json::Null)] {
            if self.text[self.at..].starts_with(word.as_bytes()) {
                self.at += word.len();
                return Ok(value);
            }
        }
        Err(self.error("expected a value (object, array, string, number, true, false or null)"))
    }
}

/// What a value is, for error messages.
fn describe(value: &Json) -> &'static str {
    match value {
        Json::Null => "null",
        Json::Bool(_) => "true or false",
        Json::Int(_) => "a number",
        Json::Text(_) => "a string",
        Json::Array(_) => "an array",
        Json::Object(_) => "an object",
    }
}

/// A value and where it is in the file (`variants[0].script[2].at`).
#[derive(Clone)]
pub struct At<'j> {
    pub value: &'j Json,
    path: String,
}

impl<'j> At<'j> {
    /// The whole file.
    pub fn root(value: &'j Json) -> Self {
        At { value, path: String::new() }
    }

    /// `problem` here, prefixed by this value's path.
    pub fn error(&self, problem: &str) -> String {
        if self.path.is_empty() {
            problem.to_string()
        } else {
            format!("{}: {problem}", self.path)
        }
    }

    fn wrong(&self, wanted: &str) -> String {
        self.error(&format!("expected {wanted}, found {}", describe(self.value)))
    }

    /// A whole number within [`MAGNITUDE_MAX`] of zero, so that times,
    /// sums of amounts and ids never overflow in the engine.
    pub fn int(&self) -> Result<i64, String> {
        match self.value {
            Json::Int(n) if n.unsigned_abs() <= MAGNITUDE_MAX => Ok(*n),
            Json::Int(_) => Err(self.error(&format!("numbers must lie between -{MAGNITUDE_MAX} and {MAGNITUDE_MAX}"))),
            _ => Err(self.wrong("a whole number")),
        }
    }

    /// A number that cannot be negative (a time, an id).
    pub fn count(&self) -> Result<u64, String> {
        u64::try_from(self.int()?).map_err(|_| self.error("must not be negative"))
    }

    pub fn bool(&self) -> Result<bool, String> {
        match self.value {
            Json::Bool(b) => Ok(*b),
            _ => Err(self.wrong("true or false")),
        }
    }

    pub fn text(&self) -> Result<&'j str, String> {
        match self.value {
            Json::Text(s) => Ok(s),
            _ => Err(self.wrong("a string")),
        }
    }

    /// Each item of an array, decoded by `item` with its own path.
    pub fn list<T>(&self, mut item: impl FnMut(At<'j>) -> Result<T, String>) -> Result<Vec<T>, String> {
        let Json::Array(items) = self.value else { return Err(self.wrong("an array")) };
        // A plain loop: collecting into a Result costs a copy of iterator
        // machinery per item type in the download.
        let mut out = Vec::with_capacity(items.len());
        for (i, value) in items.iter().enumerate() {
            out.push(item(self.item(i, value))?);
        }
        Ok(out)
    }

    /// Item `i` of this array, with its path.
    fn item(&self, i: usize, value: &'j Json) -> At<'j> {
        At { value, path: format!("{}[{i}]", self.path) }
    }

    /// Each field of an object used as a map (`{"1": "APPROVED"}`),
    /// decoded by `entry` from its name and value.
    pub fn map<T>(&self, mut entry: impl FnMut(&'j str, At<'j>) -> Result<T, String>) -> Result<Vec<T>, String> {
        let Json::Object(fields) = self.value else { return Err(self.wrong("an object")) };
        let mut out = Vec::with_capacity(fields.len());
        for (key, value) in fields {
            out.push(entry(key, At { value, path: format!("{}.{key}", self.path) })?);
        }
        Ok(out)
    }

    /// This object's fields; [`Fields::done`] then refuses any field that
    /// was not asked for, so a misspelt field is reported, not ignored.
    pub fn fields(&self) -> Result<Fields<'j>, String> {
        let Json::Object(fields) = self.value else { return Err(self.wrong("an object")) };
        Ok(Fields { fields, path: self.path.clone(), asked: Vec::new() })
    }
}

/// An object's fields being read.
pub struct Fields<'j> {
    fields: &'j [(String, Json)],
    path: String,
    /// Every name asked for so far, present or not.
    asked: Vec<&'static str>,
}

impl<'j> Fields<'j> {
    /// Field `name`, if the object has it (asked for either way).
    pub fn get(&mut self, name: &'static str) -> Option<At<'j>> {
        self.asked.push(name);
        let (_, value) = self.fields.iter().find(|(key, _)| key == name)?;
        let path = if self.path.is_empty() { name.to_string() } else { format!("{}.{name}", self.path) };
        Some(At { value, path })
    }

    /// Field `name`; missing is an error.
    pub fn need(&mut self, name: &'static str) -> Result<At<'j>, String> {
        self.get(name).ok_or_else(|| self.error(&format!("missing field \"{name}\"")))
    }

    // The two readers below are thin on purpose: one copy of each is
    // compiled per decoder, so the work lives in `get` and `need`.

    /// Decodes field `name` with `decode`, if the object has it.
    #[inline]
    pub fn optional<T>(&mut self, name: &'static str, decode: impl FnOnce(At<'j>) -> Result<T, String>) -> Result<Option<T>, String> {
        self.get(name).map(decode).transpose()
    }

    /// Decodes field `name` with `decode`; missing is an error.
    #[inline]
    pub fn required<T>(&mut self, name: &'static str, decode: impl FnOnce(At<'j>) -> Result<T, String>) -> Result<T, String> {
        decode(self.need(name)?)
    }

    /// The names of the fields present, in file order.
    pub fn names(&self) -> impl Iterator<Item = &'j str> {
        self.fields.iter().map(|(key, _)| key.as_str())
    }

    /// `problem` with this object's path.
    pub fn error(&self, problem: &str) -> String {
        At { value: &Json::Null, path: self.path.clone() }.error(problem)
    }

    /// Fails on the first field that was never asked for.
    pub fn done(self) -> Result<(), String> {
        match self.names().find(|name| !self.asked.contains(name)) {
            None => Ok(()),
            Some(name) => Err(self.error(&format!("unknown field \"{name}\"; expected one of {}", self.asked.join(", ")))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_kind_of_value() {
        let text = r#" {"a": [1, -20, true, false, null], "b": {"c": "x\"\\\/\n\u00e9\ud83d\ude00"}, "e": {}, "f": []} "#;
        let expected = Json::Object(vec![
            ("a".into(), Json::Array(vec![Json::Int(1), Json::Int(-20), Json::Bool(true), Json::Bool(false), Json::Null])),
            ("b".into(), Json::Object(vec![("c".into(), Json::Text("x\"\\/\né😀".into()))])),
            ("e".into(), Json::Object(vec![])),
            ("f".into(), Json::Array(vec![])),
        ]);
        assert_eq!(parse(text), Ok(expected));
        assert_eq!(parse("\"naïve\""), Ok(Json::Text("naïve".into())));
        assert_eq!(parse("\u{feff}[1]"), Ok(Json::Array(vec![Json::Int(1)])), "a byte-order mark is skipped");
    }

    #[test]
    fn syntax_errors_say_where() {
        for (text, expected) in [
            ("{", "line 1, column 2: expected a field name"),
            ("{\"a\" 1}", "line 1, column 6: expected `:`"),
            ("[1,\n 2\n 3]", "line 3, column 2: expected `,` or `]`"),
            ("[1.5]", "line 1, column 3: numbers here are whole"),
            ("[01]", "line 1, column 2: 01 is not a whole number"),
            ("[99999999999999999999]", "is not a whole number"),
            ("\"abc", "unterminated string"),
            ("\"a\nb\"", "control character"),
            ("\"\\q\"", "unknown escape"),
            ("\"\\ud83d\"", "unpaired surrogate"),
            ("nul", "expected a value"),
            ("1 2", "trailing characters"),
            ("", "unexpected end of file"),
        ] {
            let error = parse(text).expect_err(text);
            assert!(error.contains(expected), "{text:?}: {error:?} should contain {expected:?}");
        }
        assert!(parse(&"[".repeat(100)).unwrap_err().contains("nested too deeply"));
    }

    #[test]
    fn content_errors_name_the_path() {
        let json = parse(r#"{"list": [{"n": 1}, {"n": "two"}], "extra": 1}"#).unwrap();
        let mut fields = At::root(&json).fields().unwrap();
        let error = fields.required("list", |list| list.list(|item| item.fields()?.required("n", |n| n.int()))).unwrap_err();
        assert_eq!(error, "list[1].n: expected a whole number, found a string");
        assert_eq!(fields.required("missing", |v| v.int()).unwrap_err(), "missing field \"missing\"");
        assert_eq!(fields.done().unwrap_err(), "unknown field \"extra\"; expected one of list, missing");
        assert_eq!(At::root(&Json::Int(-1)).count().unwrap_err(), "must not be negative");
    }
}
