//! NumPy `.npy` sample files: an `(n, 2)` array of float64, float32, int32 or int64.
//!
//! The format (numpy.lib.format): the magic `\x93NUMPY`, a major and a minor version byte,
//! the header's length (2 bytes little-endian in version 1.0, 4 bytes in 2.0 and 3.0), the
//! header — a Python dict literal such as `{'descr': '<f8', 'fortran_order': False,
//! 'shape': (500, 2), }` padded with spaces and a newline — and then the data, n × 2 values
//! in C (row-major) or Fortran (column-major) order. The header is parsed by a small reader
//! of exactly that literal syntax, never evaluated.

use super::{Location, MAX_ROWS, SampleFileErrorKind, clip};

/// The samples of a `.npy` file (whose magic the caller has checked); the limits on the whole
/// set are checked by the caller.
pub(super) fn read(bytes: &[u8]) -> Result<Vec<[f64; 2]>, SampleFileErrorKind> {
    let header_error = |problem: String| SampleFileErrorKind::NpyHeader { problem };
    let (length_bytes, start): (usize, usize) = match bytes.get(6..8) {
        Some(&[1, 0]) => (2, 10),
        Some(&[2, 0] | &[3, 0]) => (4, 12),
        Some(&[major, minor]) => {
            return Err(header_error(format!(
                "format version {major}.{minor} is not supported (1.0, 2.0 and 3.0 are)"
            )));
        }
        _ => return Err(header_error("the file ends inside the preamble".into())),
    };
    let Some(length) = bytes.get(8..8 + length_bytes) else {
        return Err(header_error("the file ends inside the preamble".into()));
    };
    // Little-endian, 2 or 4 bytes: fits a u32, and a usize on every target.
    let header_len = length
        .iter()
        .rev()
        .fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
    let end = usize::try_from(header_len)
        .ok()
        .and_then(|len| start.checked_add(len))
        .filter(|&end| end <= bytes.len())
        .ok_or_else(|| {
            header_error(format!(
                "the header should be {header_len} bytes long but only {} follow",
                bytes.len() - start.min(bytes.len())
            ))
        })?;
    let header = String::from_utf8_lossy(&bytes[start..end]);
    let entries = parse_dict(&header).map_err(header_error)?;
    let entry = |key: &str| {
        entries
            .iter()
            .rev()
            .find(|(k, _, _)| k == key)
            .map(|(_, value, raw)| (value, *raw))
            .ok_or_else(|| header_error(format!("no '{key}' in the header")))
    };

    let (descr, raw_descr) = entry("descr")?;
    let dtype = match descr {
        Value::Str(descr) => Dtype::parse(descr),
        _ => None,
    }
    .ok_or_else(|| SampleFileErrorKind::NpyDtype {
        dtype: clip(raw_descr),
    })?;
    let fortran_order = match entry("fortran_order")? {
        (Value::Bool(b), _) => *b,
        (_, raw) => {
            return Err(header_error(format!(
                "fortran_order is {}, expected True or False",
                clip(raw)
            )));
        }
    };
    let rows = match entry("shape")? {
        (Value::Tuple(dims), _) if dims.len() == 2 && dims[1] == 2 => dims[0],
        (_, raw) => {
            return Err(SampleFileErrorKind::NpyShape { shape: clip(raw) });
        }
    };
    if rows > MAX_ROWS as u64 {
        return Err(SampleFileErrorKind::TooMany { rows: Some(rows) });
    }
    // rows ≤ MAX_ROWS: no overflow, on any target.
    let n = rows as usize;
    let data = &bytes[end..];
    let expected = 2 * n * dtype.size;
    if data.len() < expected {
        return Err(SampleFileErrorKind::NpyTruncated {
            expected: expected as u64,
            found: data.len() as u64,
        });
    }
    if data.len() > expected {
        return Err(SampleFileErrorKind::NpyTrailing {
            extra: (data.len() - expected) as u64,
        });
    }

    let value = |k: usize| dtype.decode(&data[k * dtype.size..(k + 1) * dtype.size]);
    let mut samples = Vec::with_capacity(n);
    for i in 0..n {
        // Row i of an (n, 2) array: elements 2i, 2i + 1 in C order; i, n + i in Fortran order.
        let sample = if fortran_order {
            [value(i), value(n + i)]
        } else {
            [value(2 * i), value(2 * i + 1)]
        };
        if let Some(bad) = sample.iter().find(|v| !v.is_finite()) {
            return Err(SampleFileErrorKind::NotFinite {
                at: Location::Row(i + 1),
                value: format!("{bad:?}"),
            });
        }
        samples.push(sample);
    }
    Ok(samples)
}

/// An accepted element type: its kind, size and byte order.
#[derive(Clone, Copy, Debug)]
struct Dtype {
    float: bool,
    size: usize,
    big_endian: bool,
}

impl Dtype {
    /// The dtype of a `descr` string (`<f8`, `>f4`, `<i8`, …), if accepted.
    fn parse(descr: &str) -> Option<Self> {
        let (big_endian, kind) = match descr.split_at_checked(1)? {
            ("<", kind) => (false, kind),
            (">", kind) => (true, kind),
            _ => return None,
        };
        let (float, size) = match kind {
            "f8" => (true, 8),
            "f4" => (true, 4),
            "i8" => (false, 8),
            "i4" => (false, 4),
            _ => return None,
        };
        Some(Self {
            float,
            size,
            big_endian,
        })
    }

    /// One element (`bytes` is `self.size` long) as an `f64`: exact but for int64 beyond
    /// ±2⁵³, which rounds to the nearest.
    fn decode(self, bytes: &[u8]) -> f64 {
        let mut b = [0u8; 8];
        b[..self.size].copy_from_slice(bytes);
        if self.size == 4 {
            let four = [b[0], b[1], b[2], b[3]];
            let bits = if self.big_endian {
                u32::from_be_bytes(four)
            } else {
                u32::from_le_bytes(four)
            };
            if self.float {
                f64::from(f32::from_bits(bits))
            } else {
                f64::from(bits as i32)
            }
        } else {
            let bits = if self.big_endian {
                u64::from_be_bytes(b)
            } else {
                u64::from_le_bytes(b)
            };
            if self.float {
                f64::from_bits(bits)
            } else {
                bits as i64 as f64
            }
        }
    }
}

/// A value of the header dict.
#[derive(Debug)]
enum Value {
    /// A quoted string.
    Str(String),
    /// `True` or `False`.
    Bool(bool),
    /// A tuple of non-negative integers (a shape).
    Tuple(Vec<u64>),
    /// Anything else (a list, `None`, a number): kept only as its raw text.
    Other,
}

/// The entries of the header dict: key, value and the value's text as written.
type Entries<'a> = Vec<(String, Value, &'a str)>;

/// The header's dict literal: `{'key': value, …}` with string keys and values that are
/// strings, `True`/`False`, tuples of integers, or anything else bracketed (kept raw).
fn parse_dict(header: &str) -> Result<Entries<'_>, String> {
    let mut p = Parser {
        text: header,
        pos: 0,
    };
    p.expect(b'{')?;
    let mut entries = Vec::new();
    loop {
        p.skip_space();
        if p.eat(b'}') {
            return Ok(entries);
        }
        let key = p.string()?;
        p.skip_space();
        p.expect(b':')?;
        p.skip_space();
        let from = p.pos;
        let value = p.value()?;
        let raw = header.get(from..p.pos).unwrap_or("");
        entries.push((key, value, raw));
        p.skip_space();
        if !p.eat(b',') {
            p.skip_space();
            p.expect(b'}')?;
            return Ok(entries);
        }
    }
}

/// A cursor over the header's text.
struct Parser<'a> {
    text: &'a str,
    pos: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn skip_space(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_whitespace()) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, b: u8) -> bool {
        let hit = self.peek() == Some(b);
        if hit {
            self.pos += 1;
        }
        hit
    }

    fn expect(&mut self, b: u8) -> Result<(), String> {
        if self.eat(b) {
            Ok(())
        } else {
            Err(format!(
                "expected '{}' at byte {} of the header",
                b as char, self.pos
            ))
        }
    }

    /// A string in single or double quotes (no escapes: dtype strings have none).
    fn string(&mut self) -> Result<String, String> {
        let at = self.pos;
        let Some(quote @ (b'\'' | b'"')) = self.peek() else {
            return Err(format!(
                "expected a quoted string at byte {at} of the header"
            ));
        };
        let body = self.pos + 1;
        let len = self.text.as_bytes()[body..]
            .iter()
            .position(|&b| b == quote)
            .ok_or_else(|| format!("unterminated string at byte {at} of the header"))?;
        self.pos = body + len + 1;
        Ok(self.text.get(body..body + len).unwrap_or("").to_string())
    }

    fn value(&mut self) -> Result<Value, String> {
        match self.peek() {
            Some(b'\'' | b'"') => self.string().map(Value::Str),
            Some(b'(') => self.tuple(),
            Some(b'[' | b'{') => self.skip_bracketed(),
            _ => {
                let from = self.pos;
                while self
                    .peek()
                    .is_some_and(|b| b.is_ascii_alphanumeric() || b"_.-+".contains(&b))
                {
                    self.pos += 1;
                }
                match self.text.get(from..self.pos).unwrap_or("") {
                    "" => Err(format!("expected a value at byte {from} of the header")),
                    "True" => Ok(Value::Bool(true)),
                    "False" => Ok(Value::Bool(false)),
                    _ => Ok(Value::Other),
                }
            }
        }
    }

    /// `(a, b, …)` of non-negative integers (`(7,)` and `()` too; Python 2's `7L` as well).
    fn tuple(&mut self) -> Result<Value, String> {
        self.expect(b'(')?;
        let mut dims = Vec::new();
        loop {
            self.skip_space();
            if self.eat(b')') {
                return Ok(Value::Tuple(dims));
            }
            let from = self.pos;
            while self.peek().is_some_and(|b| b.is_ascii_digit()) {
                self.pos += 1;
            }
            let digits = self.text.get(from..self.pos).unwrap_or("");
            let dim = digits.parse::<u64>().map_err(|_| {
                format!("expected a non-negative integer at byte {from} of the header")
            })?;
            dims.push(dim);
            let _ = self.eat(b'L') || self.eat(b'l');
            self.skip_space();
            if !self.eat(b',') {
                self.skip_space();
                self.expect(b')')?;
                return Ok(Value::Tuple(dims));
            }
        }
    }

    /// A bracketed value (a list, a dict) skipped whole, brackets and quotes balanced.
    fn skip_bracketed(&mut self) -> Result<Value, String> {
        let from = self.pos;
        let mut depth = 0usize;
        let mut quote = None;
        while let Some(b) = self.peek() {
            self.pos += 1;
            match (quote, b) {
                (Some(q), _) if b == q => quote = None,
                (Some(_), _) => {}
                (None, b'\'' | b'"') => quote = Some(b),
                (None, b'[' | b'{' | b'(') => depth += 1,
                (None, b']' | b'}' | b')') => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return Ok(Value::Other);
                    }
                }
                _ => {}
            }
        }
        Err(format!("unclosed bracket at byte {from} of the header"))
    }
}

#[cfg(test)]
mod tests;
