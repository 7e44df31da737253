//! Text sample files: two numeric columns per line, separated by a comma, a semicolon, tabs
//! or spaces (the rules are in the [parent module's documentation](super)).

use std::borrow::Cow;

use super::{Delimiter, Location, MAX_ROWS, SampleFileErrorKind, clip};

/// The UTF-8 byte-order mark some editors and spreadsheets put first.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The samples of a text file; the limits on the whole set are checked by the caller.
pub(super) fn read(bytes: &[u8]) -> Result<Vec<[f64; 2]>, SampleFileErrorKind> {
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    let mut samples = Vec::new();
    let mut delimiter = None;
    let mut seen_content = false;
    for (index, raw) in Lines(bytes).enumerate() {
        let line = index + 1;
        let text = std::str::from_utf8(raw).map_err(|_| SampleFileErrorKind::NotText { line })?;
        let content = strip_comment(text).trim();
        if content.is_empty() {
            continue;
        }
        if !seen_content {
            seen_content = true;
            if is_header(content) {
                continue;
            }
        }
        let delimiter = *delimiter.get_or_insert_with(|| detect_delimiter(content));
        let sample = parse_line(line, content, delimiter)?;
        if samples.len() == MAX_ROWS {
            return Err(SampleFileErrorKind::TooMany { rows: None });
        }
        samples.push(sample);
    }
    Ok(samples)
}

/// The lines of `bytes`, without their ends: `\n`, `\r\n` and a lone `\r` each end one, as in
/// an editor. A final line end does not start another (empty) line.
struct Lines<'a>(&'a [u8]);

impl<'a> Iterator for Lines<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        if self.0.is_empty() {
            return None;
        }
        let rest = self.0;
        match rest.iter().position(|&b| b == b'\n' || b == b'\r') {
            Some(end) => {
                let skip = if rest[end..].starts_with(b"\r\n") {
                    2
                } else {
                    1
                };
                self.0 = &rest[end + skip..];
                Some(&rest[..end])
            }
            None => {
                self.0 = &[];
                Some(rest)
            }
        }
    }
}

/// `text` up to its first `#` outside double quotes.
fn strip_comment(text: &str) -> &str {
    let mut quoted = false;
    for (i, c) in text.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '#' if !quoted => return &text[..i],
            _ => {}
        }
    }
    text
}

/// The delimiter of a data line: `;` if it has one outside quotes, else a tab, else a comma,
/// else spaces.
fn detect_delimiter(content: &str) -> Delimiter {
    let (mut semicolon, mut tab, mut comma) = (false, false, false);
    let mut quoted = false;
    for c in content.chars() {
        match c {
            '"' => quoted = !quoted,
            ';' if !quoted => semicolon = true,
            '\t' if !quoted => tab = true,
            ',' if !quoted => comma = true,
            _ => {}
        }
    }
    if semicolon {
        Delimiter::Semicolon
    } else if tab {
        Delimiter::Tab
    } else if comma {
        Delimiter::Comma
    } else {
        Delimiter::Whitespace
    }
}

/// Whether the first non-blank, non-comment line is a header: none of its cells (split by
/// its own delimiter) reads as a number, or as a number with a decimal comma.
fn is_header(content: &str) -> bool {
    split_cells(content, detect_delimiter(content))
        .iter()
        .all(|cell| cell.parse::<f64>().is_err() && !has_decimal_comma(cell))
}

/// Whether `cell` has a comma between two digits: a decimal comma (or a thousands separator).
fn has_decimal_comma(cell: &str) -> bool {
    cell.as_bytes()
        .windows(3)
        .any(|w| w[0].is_ascii_digit() && w[1] == b',' && w[2].is_ascii_digit())
}

/// The cells of a line, trimmed and unquoted. A `;` or `,` delimiter separates cells one by
/// one (`1;;2` has three); for tabs and spaces any run of them is one separator. Inside
/// double quotes a delimiter is text and `""` is a quote.
fn split_cells(content: &str, delimiter: Delimiter) -> Vec<Cow<'_, str>> {
    let separator = match delimiter {
        Delimiter::Semicolon => Some(';'),
        Delimiter::Comma => Some(','),
        Delimiter::Tab | Delimiter::Whitespace => None,
    };
    if !content.contains('"') {
        return match separator {
            Some(sep) => content
                .split(sep)
                .map(|c| Cow::Borrowed(c.trim()))
                .collect(),
            None => content.split_whitespace().map(Cow::Borrowed).collect(),
        };
    }
    let is_separator = |c: char| match separator {
        Some(sep) => c == sep,
        None => c.is_whitespace(),
    };
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = content.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    cell.push('"');
                } else {
                    quoted = false;
                }
            } else {
                cell.push(c);
            }
        } else if c == '"' {
            quoted = true;
        } else if is_separator(c) {
            // Spaces and tabs: a run is one separator, and none before the first cell.
            if separator.is_some() || !cell.trim().is_empty() {
                cells.push(Cow::Owned(cell.trim().to_string()));
            }
            cell.clear();
            if separator.is_none() {
                while chars.next_if(|&c| is_separator(c)).is_some() {}
            }
        } else {
            cell.push(c);
        }
    }
    if separator.is_some() || !cell.trim().is_empty() {
        cells.push(Cow::Owned(cell.trim().to_string()));
    }
    cells
}

/// One data line: two cells, each a finite number. Decimal commas are looked for before the
/// column count, so `1,5;2,25;3` is refused for its commas, the likelier mistake.
fn parse_line(
    line: usize,
    content: &str,
    delimiter: Delimiter,
) -> Result<[f64; 2], SampleFileErrorKind> {
    let cells = split_cells(content, delimiter);
    if let Some(cell) = cells.iter().find(|c| has_decimal_comma(c)) {
        return Err(SampleFileErrorKind::DecimalComma {
            line,
            cell: clip(cell),
        });
    }
    let [x, y] = cells.as_slice() else {
        return Err(SampleFileErrorKind::ColumnCount {
            line,
            found: cells.len(),
            delimiter,
        });
    };
    Ok([parse_number(line, x)?, parse_number(line, y)?])
}

/// One cell as a finite `f64` (Rust's syntax: `-1.5`, `.5`, `1e-3`; correctly rounded).
fn parse_number(line: usize, cell: &str) -> Result<f64, SampleFileErrorKind> {
    match cell.parse::<f64>() {
        Ok(value) if value.is_finite() => Ok(value),
        Ok(_) => Err(SampleFileErrorKind::NotFinite {
            at: Location::Line(line),
            value: clip(cell),
        }),
        Err(_) => Err(SampleFileErrorKind::NotANumber {
            line,
            cell: clip(cell),
        }),
    }
}

#[cfg(test)]
mod tests;
