//! HTML through askama templates. Every `{{ value }}` in a template is escaped by askama's HTML
//! escaper unless the template says `|safe`; the only values passed as safe are templates of
//! this crate ([`HtmlTable`]) and SVG written by our chart writers (each such place says so).

use askama::Template;

use crate::table::Table;

/// A [`Table`] as an HTML `<table>` inside a scrolling `<div>`; `collapsed` puts it in a closed
/// `<details>` whose summary is the title and the row count (long tables of the report).
#[derive(Template)]
#[template(path = "table.html")]
pub struct HtmlTable<'a> {
    pub table: &'a Table,
    /// The `id` of the `<table>` element (pages link to and test by it).
    pub id: Option<&'a str>,
    pub collapsed: bool,
}

impl<'a> HtmlTable<'a> {
    pub fn new(table: &'a Table) -> HtmlTable<'a> {
        HtmlTable {
            table,
            id: None,
            collapsed: false,
        }
    }

    pub fn with_id(mut self, id: &'a str) -> HtmlTable<'a> {
        self.id = Some(id);
        self
    }

    pub fn collapsed(mut self, collapsed: bool) -> HtmlTable<'a> {
        self.collapsed = collapsed;
        self
    }
}

/// The table's markup is written by its own template, which escapes every cell; embedding it in
/// another template must not escape it again.
impl askama::filters::HtmlSafe for HtmlTable<'_> {}

impl Table {
    /// The table as HTML (see [`HtmlTable`]).
    pub fn to_html(&self, id: Option<&str>) -> crate::Result<String> {
        Ok(HtmlTable {
            table: self,
            id,
            collapsed: false,
        }
        .render()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_escaped_by_the_engine() {
        let mut table = Table::new("<caption>", &["a&b"]);
        table.rows.push(vec!["<script>alert('x')</script>".into()]);
        let html = table.to_html(Some("t\"")).unwrap_or_default();
        assert!(!html.contains("<script>"), "{html}");
        assert!(
            html.contains("&#60;script&#62;alert(&#39;x&#39;)"),
            "{html}"
        );
        assert!(
            html.contains("<th>a&#38;b</th>") && html.contains("id=\"t&#34;\""),
            "{html}"
        );
        let collapsed = HtmlTable::new(&table)
            .collapsed(true)
            .render()
            .unwrap_or_default();
        assert!(collapsed.starts_with("<details><summary>&#60;caption&#62; (1 rows)</summary>"));
        assert!(!collapsed.contains("<caption>"));
    }
}
