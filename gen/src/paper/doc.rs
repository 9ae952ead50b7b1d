//! The report as a document (sections of paragraphs, tables and figures), rendered twice:
//! an HTML page with the SVG figures and a Markdown twin.

/// One piece of a section.
pub enum Block {
    Para(String),
    Table {
        header: Vec<String>,
        rows: Vec<Vec<String>>,
    },
    /// An SVG file next to the page, with its caption.
    Figure {
        file: String,
        caption: String,
    },
}

pub struct Section {
    pub title: String,
    pub blocks: Vec<Block>,
}

pub struct Document {
    pub title: String,
    pub intro: Vec<String>,
    pub sections: Vec<Section>,
}

impl Document {
    /// The figures' file names, in order.
    pub fn figures(&self) -> Vec<&str> {
        self.sections
            .iter()
            .flat_map(|s| &s.blocks)
            .filter_map(|b| match b {
                Block::Figure { file, .. } => Some(file.as_str()),
                _ => None,
            })
            .collect()
    }

    pub fn to_markdown(&self) -> String {
        let mut out = format!("# {}\n\n", self.title);
        for p in &self.intro {
            out += &format!("{p}\n\n");
        }
        for s in &self.sections {
            out += &format!("## {}\n\n", s.title);
            for b in &s.blocks {
                match b {
                    Block::Para(p) => out += &format!("{p}\n\n"),
                    Block::Table { header, rows } => {
                        let cell = |c: &String| c.replace('|', "\\|");
                        out += &format!(
                            "| {} |\n",
                            header.iter().map(cell).collect::<Vec<_>>().join(" | ")
                        );
                        out += &format!("|{}\n", "---|".repeat(header.len()));
                        for r in rows {
                            out += &format!(
                                "| {} |\n",
                                r.iter().map(cell).collect::<Vec<_>>().join(" | ")
                            );
                        }
                        out += "\n";
                    }
                    Block::Figure { file, caption } => out += &format!("![{caption}]({file})\n\n"),
                }
            }
        }
        out
    }

    /// A page that needs nothing but its SVG files; a script marks each figure
    /// `data-loaded` once the browser has decoded it (the report's test reads the marks).
    pub fn to_html(&self) -> String {
        let mut out = format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{}</h1>\n",
            esc(&self.title),
            esc(&self.title)
        );
        for p in &self.intro {
            out += &format!("<p>{}</p>\n", inline(p));
        }
        for s in &self.sections {
            out += &format!("<h2>{}</h2>\n", esc(&s.title));
            for b in &s.blocks {
                match b {
                    Block::Para(p) => out += &format!("<p>{}</p>\n", inline(p)),
                    Block::Table { header, rows } => {
                        out += "<table>\n<tr>";
                        for h in header {
                            out += &format!("<th>{}</th>", inline(h));
                        }
                        out += "</tr>\n";
                        for r in rows {
                            out += "<tr>";
                            for c in r {
                                out += &format!("<td>{}</td>", inline(c));
                            }
                            out += "</tr>\n";
                        }
                        out += "</table>\n";
                    }
                    Block::Figure { file, caption } => {
                        out += &format!(
                            "<figure><img src=\"{}\" alt=\"{}\"><figcaption>{}</figcaption></figure>\n",
                            esc(file),
                            esc(caption),
                            inline(caption)
                        );
                    }
                }
            }
        }
        out += "<script>\nfunction mark(img) { img.dataset.loaded = String(img.complete && img.naturalWidth > 0); }\nfor (const img of document.images) { if (img.complete) mark(img); else { img.addEventListener('load', () => mark(img)); img.addEventListener('error', () => mark(img)); } }\n</script>\n</body>\n</html>\n";
        out
    }
}

const STYLE: &str = "body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;line-height:1.45}\
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #bbb;padding:3px 8px;text-align:right}\
td:first-child,th:first-child{text-align:left}th{background:#eee}figure{margin:1em 0}img{max-width:100%}\
figcaption{font-size:90%;color:#444}code{background:#f3f3f3;padding:0 3px}";

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Escaped text with `code` spans.
fn inline(s: &str) -> String {
    let mut out = String::new();
    for (k, part) in esc(s).split('`').enumerate() {
        if k % 2 == 1 {
            out += &format!("<code>{part}</code>");
        } else {
            out += part;
        }
    }
    out
}
