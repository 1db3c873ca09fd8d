//! The one way the app writes markup as text: panels redrawn whole on each
//! step and the stage's SVG are built here and set with `inner_html`, about
//! a tenth of the download a view of their shape costs, and an unchanged
//! panel is not touched at all (Leptos sets `inner_html` only when the
//! string differs). Lesson files and typed names are the learner's input,
//! so none of it may become markup: a [`Markup`] grows only by escaped
//! text and elements whose attributes' values are escaped. Tag and
//! attribute names are `&'static str`, written in the code, never data.
//! (Measured against `maud`'s `html!`: see the commit that chose this.)

use std::fmt::{self, Display, Write};

/// Markup text, escaped by construction.
#[derive(Default)]
pub struct Markup(String);

/// Writes what it is given into markup with `<`, `>`, `&`, `"` and `'`
/// escaped, so a value is safe as text and as a quoted attribute value.
struct Escaping<'a>(&'a mut String);

impl Write for Escaping<'_> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        for c in text.chars() {
            match c {
                '<' => self.0.push_str("&lt;"),
                '>' => self.0.push_str("&gt;"),
                '&' => self.0.push_str("&amp;"),
                '"' => self.0.push_str("&quot;"),
                '\'' => self.0.push_str("&#39;"),
                c => self.0.push(c),
            }
        }
        Ok(())
    }
}

impl Markup {
    /// Empty markup.
    pub fn new() -> Self {
        Self::default()
    }

    /// `text` (anything printable: a `str`, a number, `format_args!`),
    /// escaped.
    pub fn text(&mut self, text: impl Display) -> &mut Self {
        self.escaped(&text);
        self
    }

    /// Writes `value` escaped. Not generic, so each call site passes a
    /// pointer instead of compiling a copy of the formatting (smaller).
    fn escaped(&mut self, value: &dyn Display) {
        // Writing into a String cannot fail.
        let _ = write!(Escaping(&mut self.0), "{value}");
    }

    /// An element: `tag` opened; add attributes, then end it with
    /// [`Tag::with`], [`Tag::text`] or [`Tag::end`].
    pub fn tag(&mut self, tag: &'static str) -> Tag<'_> {
        self.0.push('<');
        self.0.push_str(tag);
        Tag { markup: self, tag }
    }

    /// The text `write` builds, to set with `inner_html`.
    pub fn build(write: impl FnOnce(&mut Markup)) -> String {
        let mut markup = Markup::new();
        write(&mut markup);
        markup.0
    }
}

/// An element being opened: its attributes, then its children.
#[must_use = "an element is written whole only once it is ended"]
pub struct Tag<'a> {
    markup: &'a mut Markup,
    tag: &'static str,
}

impl<'a> Tag<'a> {
    /// ` name="value"`, the value escaped.
    pub fn attr(self, name: &'static str, value: impl Display) -> Self {
        self.markup.0.push(' ');
        self.markup.0.push_str(name);
        self.markup.0.push_str("=\"");
        self.markup.escaped(&value);
        self.markup.0.push('"');
        self
    }

    /// ` name="value"` when there is a value.
    pub fn attr_some(self, name: &'static str, value: Option<impl Display>) -> Self {
        match value {
            Some(value) => self.attr(name, value),
            None => self,
        }
    }

    /// ` name` (a boolean attribute such as `selected`) when `on`.
    pub fn flag(self, name: &'static str, on: bool) -> Self {
        if on {
            self.markup.0.push(' ');
            self.markup.0.push_str(name);
        }
        self
    }

    /// The element's children, written by `body`, then its end tag.
    pub fn with(self, body: impl FnOnce(&mut Markup)) -> &'a mut Markup {
        self.markup.0.push('>');
        body(self.markup);
        self.end_tag()
    }

    /// The element with `text`, escaped, as its only child.
    pub fn text(self, text: impl Display) -> &'a mut Markup {
        self.with(|m| {
            m.text(text);
        })
    }

    /// The element with nothing inside (`<rect …></rect>`).
    pub fn end(self) -> &'a mut Markup {
        self.markup.0.push('>');
        self.end_tag()
    }

    /// A void element (`<wbr>`, `<col>`): no children, no end tag.
    pub fn void(self) -> &'a mut Markup {
        self.markup.0.push('>');
        self.markup
    }

    fn end_tag(self) -> &'a mut Markup {
        let out = &mut self.markup.0;
        out.push_str("</");
        out.push_str(self.tag);
        out.push('>');
        self.markup
    }
}

/// One `<option>` of a select: a select's options are set with
/// `inner_html` (a view per option, with its reactive `selected`, costs
/// the download more and stays behind when the options change).
pub fn option(m: &mut Markup, value: impl Display, text: &str, selected: bool) {
    m.tag("option").attr("value", value).flag("selected", selected).text(text);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(markup: &Markup, expected: &str) {
        assert_eq!(markup.0, expected);
    }

    #[test]
    fn nothing_written_as_text_or_value_can_open_a_tag_or_leave_an_attribute() {
        let hostile = r#"<img src=x onerror="alert(1)"> & 'quoted'"#;
        let mut m = Markup::new();
        m.tag("td").attr("title", hostile).text(hostile);
        let safe = "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; &#39;quoted&#39;";
        check(&m, &["<td title=\"", safe, "\">", safe, "</td>"].concat());
    }

    #[test]
    fn elements_nest_and_close_in_order() {
        let mut m = Markup::new();
        m.tag("tr").attr("data-row", 7).flag("hidden", false).with(|m| {
            m.tag("td").attr_some("class", Some("changed")).attr_some("title", None::<&str>).with(|m| {
                m.tag("code").text("orders").text(format_args!(" {} rows", 2));
            });
            m.tag("rect").attr("x", 1.5).end();
            m.tag("wbr").void();
        });
        check(&m, "<tr data-row=\"7\"><td class=\"changed\"><code>orders</code> 2 rows</td><rect x=\"1.5\"></rect><wbr></tr>");
        let mut select = Markup::new();
        option(&mut select, "a&b", "A", true);
        check(&select, "<option value=\"a&amp;b\" selected>A</option>");
    }
}
