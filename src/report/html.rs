//! The self-contained HTML page: inline CSS, charts as data URIs, no script, no network request.

use std::fmt::Write;

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Forbids every network load and every script; only inline styles and embedded images.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; img-src data:; style-src 'unsafe-inline'";

const STYLE: &str = r#"
:root { --ink: #1d2430; --muted: #5a6473; --rule: #d9dee5; --accent: #0072B2; --warn: #D55E00; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
       color: var(--ink); background: #f6f7f9; }
main { max-width: 1100px; margin: 0 auto; padding: 32px 28px 64px; background: #fff; }
header h1 { font-size: 30px; margin: 0 0 4px; }
header p { margin: 0; color: var(--muted); }
h2 { font-size: 22px; margin: 40px 0 12px; padding-bottom: 6px; border-bottom: 2px solid var(--rule); }
h3 { font-size: 18px; margin: 24px 0 8px; }
.headline { font-size: 21px; line-height: 1.45; margin: 24px 0; padding: 18px 22px; border-left: 6px solid var(--warn);
            background: #fdf3ec; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr)); gap: 14px; margin: 18px 0; }
.card { border: 1px solid var(--rule); border-radius: 8px; padding: 14px 16px; }
.card .value { font-size: 28px; font-weight: 700; }
.card .label { color: var(--muted); font-size: 14px; }
figure { margin: 20px 0; }
figure img { width: 100%; height: auto; border: 1px solid var(--rule); }
figcaption { color: var(--muted); font-size: 14px; margin-top: 6px; }
table { border-collapse: collapse; width: 100%; font-size: 14px; margin: 8px 0 16px; }
.scroll { overflow-x: auto; }
@media print { .scroll { overflow: visible; } }
th, td { text-align: right; padding: 5px 9px; border-bottom: 1px solid var(--rule); }
th:first-child, td:first-child { text-align: left; }
thead th { background: #eef1f5; position: sticky; top: 0; }
details { margin: 8px 0 18px; }
summary { cursor: pointer; color: var(--accent); }
.note { color: var(--muted); font-size: 14px; }
nav.toc { margin: 8px 0 18px; font-size: 15px; }
nav.toc a { color: var(--accent); }
@media print { nav.toc { display: none; } }
.warn { color: #8a3b00; }
dl.defs dt { font-weight: 700; margin-top: 10px; }
dl.defs dd { margin: 2px 0 0 0; }
pre { background: #f3f4f6; padding: 12px; overflow-x: auto; font-size: 13px; }
.card .change { font-size: 13px; color: var(--muted); margin-top: 4px; line-height: 1.3; }
.callout { border: 2px solid var(--warn); border-radius: 8px; background: #fdf3ec; padding: 6px 18px 4px; margin: 20px 0; }
.callout h2.callout-title { border: none; margin: 8px 0 6px; padding: 0; font-size: 20px; color: #8a3b00; }
.wide table { font-size: 13px; }
.wide th, .wide td { padding: 5px 6px; }
.config table { font-size: 12px; }
.config td, .config th { text-align: left; }
@media print {
  @page { size: A4; margin: 12mm 11mm 14mm; }
  body { background: #fff; font-size: 10pt; line-height: 1.4; }
  main { padding: 0; max-width: none; }
  header h1 { font-size: 20pt; }
  h2 { font-size: 14pt; margin: 10pt 0 4pt; }
  h3 { font-size: 11.5pt; margin: 10pt 0 4pt; }
  .headline { font-size: 10.5pt; margin: 6pt 0; padding: 5pt 10pt; }
  .cards { grid-template-columns: repeat(3, 1fr); gap: 6pt; margin: 8pt 0; }
  .card { padding: 6pt 8pt; }
  .card .value { font-size: 16pt; }
  .card .label, .card .change { font-size: 8pt; }
  table { font-size: 8pt; margin: 4pt 0 8pt; }
  th, td { padding: 2pt 4pt; }
  thead th { position: static; }
  .note, figcaption { font-size: 8pt; }
  /* A heading stays with what follows it; a chart, a table row, a card or the callout is never cut. */
  h2, h3, caption, summary { break-after: avoid; page-break-after: avoid; }
  figure, table, tr, .cards, .callout, .def, .headline { break-inside: avoid; page-break-inside: avoid; }
  /* Two charts fit on a page. */
  figure { margin: 8pt 0; }
  figure img { display: block; width: auto; max-width: 100%; max-height: 72mm; margin: 0 auto; border: none; }
  /* Definitions and the numbers behind each chart are printed open, in two columns. */
  details { display: block; margin: 4pt 0 8pt; break-inside: avoid; page-break-inside: avoid; }
  details > summary { display: block; color: var(--muted); font-size: 7.5pt; cursor: default; list-style: none; }
  details p { margin: 2pt 0; font-size: 8.5pt; }
  details > summary::-webkit-details-marker { display: none; }
  details::details-content { content-visibility: visible; display: block; }
  details:has(table)::details-content { column-count: 4; column-gap: 8pt; }
  details:has(th:nth-child(5))::details-content { column-count: 3; }
  details td, details th { white-space: nowrap; }
  details table { font-size: 6.5pt; margin: 0; break-inside: auto; page-break-inside: auto; }
  details th, details td { padding: 1pt 3pt; }
  dl.defs { column-count: 2; column-gap: 14pt; font-size: 8.5pt; }
  dl.defs dt { margin-top: 4pt; }
  .config table { font-size: 7pt; }
}
"#;

/// Accumulates the page body; every input-derived string goes through `escape` at the call site.
#[derive(Default)]
pub struct Page {
    body: String,
}

impl Page {
    pub fn raw(&mut self, html: &str) -> &mut Self {
        self.body.push_str(html);
        self
    }

    pub fn section(&mut self, id: &str, title: &str) -> &mut Self {
        let _ = write!(self.body, "<section id=\"{id}\"><h2>{}</h2>", escape(title));
        self
    }

    pub fn end_section(&mut self) -> &mut Self {
        self.body.push_str("</section>");
        self
    }

    pub fn paragraph(&mut self, text: &str) -> &mut Self {
        let _ = write!(self.body, "<p>{}</p>", escape(text));
        self
    }

    /// A table from already-formatted cells; `caption` may be empty.
    pub fn table(&mut self, caption: &str, header: &[&str], rows: &[Vec<String>]) -> &mut Self {
        // A wide table scrolls within the page's column instead of running past it.
        self.body.push_str("<div class=\"scroll\"><table>");
        if !caption.is_empty() {
            let _ = write!(self.body, "<caption class=\"note\">{}</caption>", escape(caption));
        }
        self.body.push_str("<thead><tr>");
        for h in header {
            let _ = write!(self.body, "<th scope=\"col\">{}</th>", escape(h));
        }
        self.body.push_str("</tr></thead><tbody>");
        for row in rows {
            self.body.push_str("<tr>");
            for (i, cell) in row.iter().enumerate() {
                if i == 0 {
                    let _ = write!(self.body, "<th scope=\"row\">{}</th>", escape(cell));
                } else {
                    let _ = write!(self.body, "<td>{}</td>", escape(cell));
                }
            }
            self.body.push_str("</tr>");
        }
        self.body.push_str("</tbody></table></div>");
        self
    }

    pub fn figure(&mut self, png: &[u8], alt: &str, caption: &str) -> &mut Self {
        use base64::Engine;
        let data = base64::engine::general_purpose::STANDARD.encode(png);
        let _ = write!(
            self.body,
            "<figure><img src=\"data:image/png;base64,{data}\" alt=\"{}\"><figcaption>{}</figcaption></figure>",
            escape(alt),
            escape(caption)
        );
        self
    }

    pub fn finish(&self, title: &str) -> String {
        format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta http-equiv=\"Content-Security-Policy\" content=\"{CONTENT_SECURITY_POLICY}\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n{}\n</main>\n</body>\n</html>\n",
            escape(title),
            self.body
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape("<script>alert('1')</script> & \""),
            "&lt;script&gt;alert(&#39;1&#39;)&lt;/script&gt; &amp; &quot;"
        );
    }
}
