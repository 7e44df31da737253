//! A user's file of 2D samples: read, checked, written back and fingerprinted.
//!
//! [`read_samples`] takes the file's name (for messages only) and its bytes, and decides the
//! format from the content, never from the name:
//!
//! - **NumPy `.npy`** (the bytes start with `\x93NUMPY`): format versions 1.0, 2.0 and 3.0;
//!   dtype float64 or float32, little- or big-endian (`<f8`, `>f8`, `<f4`, `>f4`), and also
//!   int32/int64 (`<i4`, `<i8`, big-endian too), converted to `f64` (int64 beyond ±2⁵³
//!   rounds to the nearest `f64`); C or Fortran order; shape `(n, 2)`, one row per sample.
//!   Anything else is refused with the dtype or shape named.
//! - **Text** (everything else): one sample per line, exactly two numeric columns
//!   separated by a comma, a semicolon, tabs or spaces. UTF-8, with or without a
//!   byte-order mark; `\n`, `\r\n` or `\r` line ends; blank lines skipped; `#` starts a
//!   comment (a whole line or the end of one); the first non-blank, non-comment line is a
//!   header and skipped if none of its cells is a number (`x,y`, `"x";"y"`). Cells may be
//!   double-quoted (`"1.5"`). Numbers are Rust's `f64` syntax: `-1.5`, `.5`, `2.`, `1e-3`,
//!   `6.02E23`; `nan` and `inf` are recognised only to be refused.
//!
//! The delimiter is read off the first data line: `;` if it has one, else a tab, else a
//! comma, else spaces (tabs and spaces: any run of them separates two cells). Quoted text
//! does not count.
//!
//! **Decimal commas are refused, never guessed.** `1,5` means the two numbers 1 and 5 in a
//! comma-separated file and one and a half in a spreadsheet exported with a European locale;
//! a guess that is wrong for one line of a file silently moves samples, so the reader never
//! makes one. A cell holding a comma between two digits — which can only happen when the
//! delimiter is not a comma, or inside quotes — is refused with a message asking for a
//! decimal point. A comma-separated line of four cells (`1,5,2,25`) is refused for its
//! column count, with a hint that decimal commas are not accepted.
//!
//! Limits: at most [`MAX_BYTES`] of input and [`MAX_ROWS`] samples, at least [`MIN_ROWS`],
//! every coordinate finite, and not all points the same. Every refusal is a
//! [`SampleFileError`] naming the file, the line (1-based, as an editor counts; for `.npy`,
//! the row) and the problem; no input makes the reader panic.
//!
//! [`samples_to_csv`] writes samples so that reading them back is bit-exact, and
//! [`content_hash`] fingerprints them: a model file carries either the samples or the hash
//! and the file name.
//!
//! [`read_samples`]: crate::sample_file::read_samples
//! [`samples_to_csv`]: crate::sample_file::samples_to_csv
//! [`content_hash`]: crate::sample_file::content_hash
//! [`SampleFileError`]: crate::sample_file::SampleFileError
//! [`MAX_BYTES`]: crate::sample_file::MAX_BYTES
//! [`MAX_ROWS`]: crate::sample_file::MAX_ROWS
//! [`MIN_ROWS`]: crate::sample_file::MIN_ROWS

mod npy;
mod text;

use std::fmt;

/// The most input read, in bytes (64 MiB).
pub const MAX_BYTES: usize = 64 * 1024 * 1024;
/// The most samples (rows) a file may hold.
pub const MAX_ROWS: usize = 1_000_000;
/// The fewest samples (rows) a file must hold.
pub const MIN_ROWS: usize = 10;

/// The file name endings of sample files (the command line's `--target FILE`, the app's
/// file picker).
pub const SAMPLE_EXTENSIONS: [&str; 5] = [".csv", ".tsv", ".txt", ".dat", ".npy"];

/// The magic bytes a NumPy `.npy` file starts with.
pub const NPY_MAGIC: &[u8] = b"\x93NUMPY";
/// The longest cell quoted back in a message, in characters.
const MAX_CELL_CHARS: usize = 40;

/// Reads the samples of a user's file: `.npy` if `bytes` starts with the NumPy magic, text
/// otherwise (see the [module documentation](crate::sample_file) for both formats). `name` is the file's
/// name as the user knows it and appears only in messages.
pub fn read_samples(name: &str, bytes: &[u8]) -> Result<Vec<[f64; 2]>, SampleFileError> {
    let fail = |kind| SampleFileError::new(name, kind);
    if bytes.len() > MAX_BYTES {
        return Err(fail(SampleFileErrorKind::TooLarge { bytes: bytes.len() }));
    }
    let samples = if bytes.starts_with(NPY_MAGIC) {
        npy::read(bytes)
    } else {
        text::read(bytes)
    }
    .map_err(fail)?;
    check_samples(&samples).map_err(fail)?;
    Ok(samples)
}

/// The checks on the whole set, once read: the row count and not all points the same.
fn check_samples(samples: &[[f64; 2]]) -> Result<(), SampleFileErrorKind> {
    match samples {
        [] => Err(SampleFileErrorKind::Empty),
        s if s.len() < MIN_ROWS => Err(SampleFileErrorKind::TooFew { rows: s.len() }),
        [first, rest @ ..] if rest.iter().all(|p| p == first) => {
            Err(SampleFileErrorKind::AllIdentical {
                count: samples.len(),
                point: *first,
            })
        }
        _ => Ok(()),
    }
}

/// The samples as CSV: an `x,y` header, then one `x,y` line per sample, each number in the
/// shortest form that reads back to the same `f64` (Rust's `{:?}`: `0.1`, `-0.0`, `1e-7`,
/// `1.7976931348623157e308`), so [`read_samples`] on the result gives the same bits back.
/// Non-finite values are written as `NaN`/`inf` and would be refused on reading.
pub fn samples_to_csv(samples: &[[f64; 2]]) -> String {
    use fmt::Write as _;
    let mut out = String::with_capacity(4 + samples.len() * 24);
    out.push_str("x,y\n");
    for [x, y] in samples {
        // Writing to a String cannot fail.
        let _ = writeln!(out, "{x:?},{y:?}");
    }
    out
}

/// A fingerprint of the samples: 64-bit FNV-1a over the little-endian bytes of the bit
/// patterns of x₀, y₀, x₁, y₁, … (`f64::to_bits`), as 16 lowercase hex digits. Stable across
/// platforms, builds and versions; it tells apart what the bits tell apart (`0.0` from
/// `-0.0`), and the same samples in another order hash differently. Not cryptographic: it
/// recognises a file again, it does not authenticate one.
pub fn content_hash(samples: &[[f64; 2]]) -> String {
    const OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut hash = OFFSET_BASIS;
    for value in samples.iter().flatten() {
        for byte in value.to_bits().to_le_bytes() {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(PRIME);
        }
    }
    format!("{hash:016x}")
}

/// Why a sample file was refused: the file's name and what was wrong with it. `Display`
/// gives the message for the user, `{file} line {n}: {problem}` or `{file}: {problem}`.
#[derive(Clone, Debug, PartialEq)]
pub struct SampleFileError {
    /// The file's name, as passed to [`read_samples`].
    pub file: String,
    /// What was wrong, and where.
    pub kind: SampleFileErrorKind,
}

/// What was wrong with a sample file. Lines and rows are 1-based; lines count as an editor
/// does (blank and comment lines included).
#[derive(Clone, Debug, PartialEq)]
pub enum SampleFileErrorKind {
    /// No samples at all: an empty file, only blank lines, comments or a header, or a `.npy`
    /// array of shape `(0, 2)`.
    Empty,
    /// More than [`MAX_BYTES`] of input.
    TooLarge {
        /// The input's size in bytes.
        bytes: usize,
    },
    /// A line that is not UTF-8 text (a binary file that is not a `.npy`).
    NotText {
        /// The line.
        line: usize,
    },
    /// A cell that is not a number (an empty cell has `cell` empty).
    NotANumber {
        /// The line.
        line: usize,
        /// The cell as written (unquoted; cut after 40 characters).
        cell: String,
    },
    /// A number that is NaN or infinite (or overflows an `f64`, like `1e999`).
    NotFinite {
        /// The line of a text file or the row of a `.npy`.
        at: Location,
        /// The value as written, or as `f64` formats it for a `.npy`.
        value: String,
    },
    /// A number written with a decimal comma (a comma between two digits inside a cell),
    /// refused rather than guessed.
    DecimalComma {
        /// The line.
        line: usize,
        /// The cell as written (unquoted; cut after 40 characters).
        cell: String,
    },
    /// A data line with other than two cells.
    ColumnCount {
        /// The line.
        line: usize,
        /// The number of cells found.
        found: usize,
        /// The delimiter the file was split by.
        delimiter: Delimiter,
    },
    /// Fewer than [`MIN_ROWS`] samples.
    TooFew {
        /// The number of samples found.
        rows: usize,
    },
    /// More than [`MAX_ROWS`] samples.
    TooMany {
        /// The number of rows, when known (a `.npy` header tells; a text file is read only
        /// up to the limit).
        rows: Option<u64>,
    },
    /// Every sample is the same point: nothing to learn.
    AllIdentical {
        /// The number of samples.
        count: usize,
        /// The one point.
        point: [f64; 2],
    },
    /// A `.npy` whose header cannot be read (version, length, dictionary).
    NpyHeader {
        /// What is wrong with it, in words.
        problem: String,
    },
    /// A `.npy` dtype other than float64/float32/int32/int64.
    NpyDtype {
        /// The dtype as the header writes it (`'<c16'`, a structured dtype's list; cut after
        /// 40 characters).
        dtype: String,
    },
    /// A `.npy` shape other than `(n, 2)`.
    NpyShape {
        /// The shape as the header writes it (`(100, 3)`, `(7,)`; cut after 40 characters).
        shape: String,
    },
    /// A `.npy` with less data than its header describes.
    NpyTruncated {
        /// Bytes of data the header describes.
        expected: u64,
        /// Bytes present after the header.
        found: u64,
    },
    /// A `.npy` with bytes after the data its header describes.
    NpyTrailing {
        /// How many bytes too many.
        extra: u64,
    },
}

/// Where in a file a value sits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Location {
    /// A line of a text file (1-based).
    Line(usize),
    /// A row of a `.npy` array (1-based).
    Row(usize),
}

/// The column delimiter of a text file, detected from its first data line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delimiter {
    /// `;`.
    Semicolon,
    /// Tabs (any run of tabs and spaces separates two cells).
    Tab,
    /// `,`.
    Comma,
    /// Spaces (any run of spaces and tabs separates two cells).
    Whitespace,
}

impl SampleFileError {
    /// An error about file `file`.
    pub fn new(file: &str, kind: SampleFileErrorKind) -> Self {
        Self {
            file: file.to_string(),
            kind,
        }
    }

    /// The line of a text file the error is about, if it is about one (for an editor or a
    /// view to jump to).
    pub fn line(&self) -> Option<usize> {
        use SampleFileErrorKind as K;
        match self.kind {
            K::NotText { line }
            | K::NotANumber { line, .. }
            | K::DecimalComma { line, .. }
            | K::ColumnCount { line, .. }
            | K::NotFinite {
                at: Location::Line(line),
                ..
            } => Some(line),
            _ => None,
        }
    }
}

/// `text` for a message: cut to [`MAX_CELL_CHARS`] characters, control characters (a stray
/// `\r`, a NUL of a binary file) shown as `?`.
fn clip(text: &str) -> String {
    let mut out: String = text
        .chars()
        .take(MAX_CELL_CHARS)
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    if text.chars().nth(MAX_CELL_CHARS).is_some() {
        out.push('…');
    }
    out
}

/// `n thing` or `n things`.
fn plural(n: impl Into<u64>, thing: &str) -> String {
    let n = n.into();
    if n == 1 {
        format!("1 {thing}")
    } else {
        format!("{n} {thing}s")
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Line(n) => write!(f, "line {n}"),
            Self::Row(n) => write!(f, "row {n}"),
        }
    }
}

impl fmt::Display for Delimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Semicolon => "\";\"",
            Self::Tab => "tabs",
            Self::Comma => "\",\"",
            Self::Whitespace => "spaces",
        })
    }
}

impl fmt::Display for SampleFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use SampleFileErrorKind as K;
        let file = if self.file.is_empty() {
            "sample file"
        } else {
            &self.file
        };
        let at = match &self.kind {
            K::NotFinite { at, .. } => Some(*at),
            _ => self.line().map(Location::Line),
        };
        match at {
            Some(at) => write!(f, "{file} {at}: ")?,
            None => write!(f, "{file}: ")?,
        }
        match &self.kind {
            K::Empty => {
                f.write_str("no samples: the file is empty or holds only comments and a header")
            }
            K::TooLarge { bytes } => write!(
                f,
                "{bytes} bytes ({:.1} MiB) is too large: at most {MAX_BYTES} bytes ({} MiB) \
                 are read",
                *bytes as f64 / (1024.0 * 1024.0),
                MAX_BYTES / (1024 * 1024)
            ),
            K::NotText { .. } => f.write_str(
                "not UTF-8 text; a sample file is text (CSV, TSV, columns) or a NumPy .npy array",
            ),
            K::NotANumber { cell, .. } if cell.is_empty() => {
                f.write_str("an empty cell is not a number")
            }
            K::NotANumber { cell, .. } => {
                write!(f, "\"{cell}\" is not a number")
            }
            K::NotFinite { value, .. } => {
                write!(f, "{value} is not a finite number")
            }
            K::DecimalComma { cell, .. } => {
                write!(
                    f,
                    "\"{cell}\" has a decimal comma; decimal commas are not accepted (a comma also \
                     separates columns, so it is never guessed), use a point"
                )?;
                if cell.matches(',').count() == 1 && !cell.contains('.') {
                    write!(f, ": {}", cell.replace(',', "."))?;
                } else {
                    f.write_str(" for decimals and no thousands separator")?;
                }
                Ok(())
            }
            K::ColumnCount {
                found, delimiter, ..
            } => {
                write!(
                    f,
                    "{}, expected 2 (x and y, separated by {delimiter})",
                    plural(*found as u64, "column")
                )?;
                if *delimiter == Delimiter::Comma && *found == 4 {
                    f.write_str(
                        "; if these are two numbers with decimal commas: decimal commas are \
                         not accepted, use a point",
                    )?;
                }
                Ok(())
            }
            K::TooFew { rows } => write!(
                f,
                "only {}, at least {MIN_ROWS} are needed",
                plural(*rows as u64, "sample")
            ),
            K::TooMany { rows: Some(rows) } => {
                write!(f, "{rows} samples, at most {MAX_ROWS} are read")
            }
            K::TooMany { rows: None } => {
                write!(
                    f,
                    "more than {MAX_ROWS} samples, at most {MAX_ROWS} are read"
                )
            }
            K::AllIdentical { count, point } => write!(
                f,
                "all {count} points are the same ({:?}, {:?}): nothing to learn",
                point[0], point[1]
            ),
            K::NpyHeader { problem } => write!(f, "not a readable .npy header: {problem}"),
            K::NpyDtype { dtype } => write!(
                f,
                ".npy dtype {dtype} is not supported: expected float64 or float32 ('<f8', \
                 '<f4', or big-endian '>f8', '>f4'), or int32/int64"
            ),
            K::NpyShape { shape } => write!(
                f,
                ".npy shape {shape} is not supported: expected (n, 2), one row (x, y) per sample"
            ),
            K::NpyTruncated { expected, found } => write!(
                f,
                ".npy data truncated: the header describes {} of data but only {} follow",
                plural(*expected, "byte"),
                plural(*found, "byte")
            ),
            K::NpyTrailing { extra } => write!(
                f,
                ".npy has {} after the data its header describes",
                plural(*extra, "byte")
            ),
        }
    }
}

impl std::error::Error for SampleFileError {}

#[cfg(test)]
mod tests;
