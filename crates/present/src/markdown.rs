//! Model output (untrusted Markdown with LaTeX math) → safe HTML: the one renderer of answers,
//! used for the server-rendered page and for every update of a streaming answer, so what is
//! shown while streaming is what is shown at the end.
//!
//! Parsing is pulldown-cmark's (CommonMark + GitHub tables, strikethrough, task lists and `$…$` /
//! `$$…$$` math; `\(…\)` and `\[…\]` are read as math too). Sanitising is an allow-list on the
//! parser's events rather than an HTML sanitiser on its output: no raw HTML from the text ever
//! reaches the page (every HTML block or inline tag becomes escaped text), links keep only
//! `http:`, `https:` and `mailto:` destinations (others become plain text), images become their
//! alt text, table alignment and heading attributes are dropped (no `style` attribute), and math
//! becomes MathML written by pulldown-latex, which escapes its text. Everything else is written
//! by pulldown-cmark's HTML writer, which escapes text and attribute values.

use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use pulldown_latex::config::DisplayMode;
use pulldown_latex::{RenderConfig, Storage};

/// HTML produced by [`render_markdown`]: safe to insert into a page as it is.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SafeHtml(String);

impl SafeHtml {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }

    /// The same HTML in a `<div lang="…">` for one of our UI languages' tags (`en`, `zh-Hans`,
    /// `zh-Hant`; anything else leaves it as it is), so that its text is drawn in that
    /// language's glyph forms.
    pub fn with_lang(self, tag: Option<&str>) -> SafeHtml {
        match tag.and_then(crate::Lang::from_tag) {
            Some(lang) => SafeHtml(format!("<div lang=\"{}\">{}</div>", lang.tag(), self.0)),
            None => self,
        }
    }
}

impl std::fmt::Display for SafeHtml {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Written by [`render_markdown`], whose allow-list lets no markup of the input through; a
/// template must not escape it again.
impl askama::filters::HtmlSafe for SafeHtml {}

fn escape(s: &str) -> String {
    let Ok(escaped) = askama::filters::escape(s, askama::filters::Html);
    escaped.to_string()
}

/// Link destinations that may be followed from model output.
fn allowed_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://") || lower.starts_with("mailto:"))
        && !url.chars().any(char::is_control)
}

/// `\(…\)` → `$…$` and `\[…\]` → `$$…$$` outside code (fenced or indented blocks, backtick
/// spans), so that pulldown-cmark's math extension sees every usual LaTeX delimiter.
fn normalise_math_delimiters(src: &str) -> String {
    let mut out = String::with_capacity(src.len() + 16);
    let mut fence: Option<(char, usize)> = None;
    for line in src.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let fence_char = trimmed.chars().next().filter(|c| *c == '`' || *c == '~');
        let run = fence_char.map_or(0, |c| trimmed.chars().take_while(|x| *x == c).count());
        match (fence, fence_char) {
            (Some((c, n)), Some(fc)) if fc == c && run >= n && trimmed[run..].trim().is_empty() => {
                fence = None;
                out.push_str(line);
                continue;
            }
            (Some(_), _) => {
                out.push_str(line);
                continue;
            }
            (None, Some(fc)) if run >= 3 && indent < 4 => {
                fence = Some((fc, run));
                out.push_str(line);
                continue;
            }
            _ => {}
        }
        if indent >= 4 {
            out.push_str(line);
            continue;
        }
        // Outside code blocks: skip backtick spans, rewrite the delimiters elsewhere.
        let mut chars = line.char_indices().peekable();
        let mut in_code: Option<usize> = None;
        while let Some((_, c)) = chars.next() {
            if c == '`' {
                let mut n = 1;
                while chars.peek().is_some_and(|(_, x)| *x == '`') {
                    chars.next();
                    n += 1;
                }
                in_code = match in_code {
                    Some(open) if open == n => None,
                    None => Some(n),
                    other => other,
                };
                out.extend(std::iter::repeat_n('`', n));
                continue;
            }
            if c == '\\' && in_code.is_none() {
                match chars.peek().map(|(_, x)| *x) {
                    Some('(' | ')') => {
                        chars.next();
                        out.push('$');
                        continue;
                    }
                    Some('[' | ']') => {
                        chars.next();
                        out.push_str("$$");
                        continue;
                    }
                    Some(x) => {
                        chars.next();
                        out.push('\\');
                        out.push(x);
                        continue;
                    }
                    None => {}
                }
            }
            out.push(c);
        }
    }
    out
}

fn mathml(tex: &str, display: bool) -> String {
    let storage = Storage::new();
    let parser = pulldown_latex::Parser::new(tex, &storage);
    let config = RenderConfig {
        display_mode: if display {
            DisplayMode::Block
        } else {
            DisplayMode::Inline
        },
        ..RenderConfig::default()
    };
    let mut out = String::new();
    match pulldown_latex::push_mathml(&mut out, parser, config) {
        Ok(()) => out,
        // Writing to a String does not fail; if it ever did, show the source as code.
        Err(_) => format!("<code>{}</code>", escape(tex)),
    }
}

fn shifted(level: HeadingLevel) -> u8 {
    // The page's own headings are h1 (the page) and h2 (each pane): an answer's start at h3.
    (level as u8 + 2).min(6)
}

/// Renders untrusted Markdown (model output, possibly incomplete while streaming) as safe HTML.
pub fn render_markdown(src: &str) -> SafeHtml {
    let src = normalise_math_delimiters(src);
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_MATH;
    let mut in_dropped_link = false;
    let mut image_depth = 0usize;
    let events = Parser::new_ext(&src, options).map(|event| -> Event<'_> {
        if image_depth > 0 {
            // Inside an image: only its alt text survives, as text.
            return match event {
                Event::Start(Tag::Image { .. }) => {
                    image_depth += 1;
                    Event::Text(CowStr::Borrowed(""))
                }
                Event::End(TagEnd::Image) => {
                    image_depth -= 1;
                    Event::Text(CowStr::Borrowed(""))
                }
                Event::Text(t) | Event::Code(t) | Event::InlineMath(t) | Event::DisplayMath(t) => {
                    Event::Text(t)
                }
                Event::Html(t) | Event::InlineHtml(t) => Event::Text(t),
                _ => Event::Text(CowStr::Borrowed("")),
            };
        }
        match event {
            Event::Html(t) | Event::InlineHtml(t) => Event::Text(t),
            Event::Start(Tag::HtmlBlock) => Event::Html(CowStr::Borrowed("<p class=\"raw\">")),
            Event::End(TagEnd::HtmlBlock) => Event::Html(CowStr::Borrowed("</p>")),
            Event::Start(Tag::Image { .. }) => {
                image_depth = 1;
                Event::Text(CowStr::Borrowed(""))
            }
            Event::Start(Tag::Link {
                dest_url, title, ..
            }) => {
                if allowed_url(&dest_url) {
                    let title = if title.is_empty() {
                        String::new()
                    } else {
                        format!(" title=\"{}\"", escape(&title))
                    };
                    Event::Html(CowStr::from(format!(
                        "<a href=\"{}\"{title} rel=\"nofollow noopener noreferrer\">",
                        escape(dest_url.trim())
                    )))
                } else {
                    in_dropped_link = true;
                    Event::Text(CowStr::Borrowed(""))
                }
            }
            Event::End(TagEnd::Link) => {
                if in_dropped_link {
                    in_dropped_link = false;
                    Event::Text(CowStr::Borrowed(""))
                } else {
                    Event::Html(CowStr::Borrowed("</a>"))
                }
            }
            Event::Start(Tag::Heading { level, .. }) => {
                Event::Html(CowStr::from(format!("<h{}>", shifted(level))))
            }
            Event::End(TagEnd::Heading(level)) => {
                Event::Html(CowStr::from(format!("</h{}>\n", shifted(level))))
            }
            // Without the alignments pulldown-cmark writes no `style` attribute on cells.
            Event::Start(Tag::Table(_)) => {
                Event::Html(CowStr::Borrowed("<div class=\"table-wrap\"><table>"))
            }
            Event::End(TagEnd::Table) => Event::Html(CowStr::Borrowed("</tbody></table></div>\n")),
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match &kind {
                    CodeBlockKind::Fenced(info) => info
                        .split_whitespace()
                        .next()
                        .filter(|l| {
                            l.len() <= 32
                                && l.chars()
                                    .all(|c| c.is_ascii_alphanumeric() || "+-_#.".contains(c))
                        })
                        .map(|l| format!(" class=\"language-{}\"", escape(l)))
                        .unwrap_or_default(),
                    CodeBlockKind::Indented => String::new(),
                };
                Event::Html(CowStr::from(format!(
                    "<pre class=\"code\" tabindex=\"0\"><code{lang}>"
                )))
            }
            Event::End(TagEnd::CodeBlock) => Event::Html(CowStr::Borrowed("</code></pre>\n")),
            Event::TaskListMarker(done) => {
                Event::Text(CowStr::Borrowed(if done { "☑ " } else { "☐ " }))
            }
            Event::InlineMath(tex) => Event::Html(CowStr::from(mathml(&tex, false))),
            Event::DisplayMath(tex) => Event::Html(CowStr::from(format!(
                "<div class=\"math-display\">{}</div>",
                mathml(&tex, true)
            ))),
            Event::FootnoteReference(t) => Event::Text(t),
            other => other,
        }
    });
    // With our own `<table>` start pulldown-cmark still writes `<thead>`, `<tbody>` and the rows.
    let mut html = String::with_capacity(src.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events);
    SafeHtml(html)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(s: &str) -> String {
        render_markdown(s).into_string()
    }

    #[test]
    fn tables_code_lists_strikethrough_and_tasks() {
        let h = r(
            "| a | b |\n|:--|--:|\n| 1 | 2 |\n\n```rust\nfn main() {}\n```\n\n- one\n- ~~two~~\n- [x] done\n",
        );
        assert!(h.contains("<div class=\"table-wrap\"><table>"), "{h}");
        assert!(h.contains("<th>a</th>") && h.contains("<td>2</td>"), "{h}");
        assert!(!h.contains("style="), "{h}");
        assert!(
            h.contains(
                "<pre class=\"code\" tabindex=\"0\"><code class=\"language-rust\">fn main() {}"
            ),
            "{h}"
        );
        assert!(h.contains("<del>two</del>"), "{h}");
        assert!(h.contains("☑ done") && !h.contains("<input"), "{h}");
        assert_eq!(h.matches("<table>").count(), h.matches("</table>").count());
    }

    #[test]
    fn math_in_every_delimiter_becomes_mathml() {
        for src in ["$x^2$", "$$\\frac{1}{2}$$", "\\(a+b\\)", "\\[\\sum_i i\\]"] {
            let h = r(src);
            assert!(h.contains("<math"), "{src}: {h}");
            assert!(!h.contains('$') && !h.contains("\\("), "{src}: {h}");
        }
        // Not inside code.
        let h = r("`\\(x\\)` and\n\n```\n$y$ \\[z\\]\n```\n");
        assert!(!h.contains("<math"), "{h}");
        assert!(h.contains("\\(x\\)") && h.contains("$y$ \\[z\\]"), "{h}");
    }

    #[test]
    fn no_markup_or_script_url_from_the_text_survives() {
        let h = r(concat!(
            "<script>alert(1)</script>\n\nHi <img src=x onerror=alert(2)> there ",
            "[click](javascript:alert(3)) [ok](https://example.org/?a=1&b=\"2\") ",
            "![pic](https://example.org/x.png \"t\") <a href=\"javascript:alert(4)\">x</a>\n\n",
            "[ref]: JAVASCRIPT:alert(5)\n\n[r][ref] $\\text{<b onmouseover=alert(6)>}$\n\n",
            "| h |\n|---|\n| <iframe src=x> |\n"
        ));
        for bad in [
            "<script",
            "<img",
            "<a href=\"javascript",
            "<iframe",
            "<b ",
            "javascript:alert(3)\"",
        ] {
            assert!(!h.to_ascii_lowercase().contains(bad), "{bad} in {h}");
        }
        // The text itself is kept, escaped.
        assert!(h.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{h}");
        assert!(h.contains("&lt;img src=x onerror=alert(2)&gt;"), "{h}");
        assert!(
            h.contains("<a href=\"https://example.org/?a=1&#38;b=&#34;2&#34;\" rel=\"nofollow noopener noreferrer\">ok</a>")
                || h.contains("<a href=\"https://example.org/?a=1&amp;b=&quot;2&quot;\" rel=\"nofollow noopener noreferrer\">ok</a>"),
            "{h}"
        );
        // The javascript: links are plain text; the image is its alt text.
        assert!(h.contains("click") && h.contains("pic"), "{h}");
    }

    #[test]
    fn an_unfinished_stream_renders_without_raw_fences() {
        let h = r("Here:\n\n```python\nprint('a very long line')\nx = 1");
        assert!(!h.contains("```"), "{h}");
        assert!(
            h.contains("<pre class=\"code\" tabindex=\"0\"><code class=\"language-python\">"),
            "{h}"
        );
        let h = r("| a | b |\n|---|---|\n| 1 |");
        assert!(h.contains("<table>"), "{h}");
    }

    #[test]
    fn a_language_tag_wraps_the_html_only_when_known() {
        let h = render_markdown("你好")
            .with_lang(Some("zh-Hant"))
            .into_string();
        assert_eq!(h, "<div lang=\"zh-Hant\"><p>你好</p>\n</div>");
        let h = render_markdown("x")
            .with_lang(Some("\"><script>"))
            .into_string();
        assert_eq!(h, "<p>x</p>\n");
    }

    #[test]
    fn headings_start_below_the_panes_headings() {
        let h = r("# Title\n\n###### deep");
        assert!(
            h.contains("<h3>Title</h3>") && h.contains("<h6>deep</h6>"),
            "{h}"
        );
    }
}
