//! Panels that are redrawn whole on each step are written as HTML text and
//! set with `inner_html`: about a tenth of the download a view of their
//! shape costs, and an unchanged panel is not touched at all (Leptos sets
//! `inner_html` only when the string differs). Every piece of data goes
//! through [`escape`]: lesson files and typed names are the learner's
//! input, so none of it may become markup.

/// `text` safe as HTML text and as a quoted attribute value.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// ` class="name"` when `on`, nothing otherwise.
pub fn class_if(on: bool, name: &str) -> String {
    if on {
        format!(" class=\"{name}\"")
    } else {
        String::new()
    }
}

/// One `<option>` of a select, written as text: a select's options are
/// set with `inner_html` (a view per option, with its reactive `selected`,
/// costs the download more and stays behind when the options change).
pub fn option(value: &str, text: &str, selected: bool) -> String {
    format!("<option value=\"{}\"{}>{}</option>", escape(value), if selected { " selected" } else { "" }, escape(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_escaped_can_open_a_tag_or_leave_an_attribute() {
        let hostile = r#"<img src=x onerror="alert(1)"> & 'quoted'"#;
        let safe = escape(hostile);
        assert!(!safe.contains(['<', '>', '"', '\'']), "{safe}");
        assert_eq!(safe, "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; &#39;quoted&#39;");
        assert_eq!(escape("Alice"), "Alice");
    }
}
