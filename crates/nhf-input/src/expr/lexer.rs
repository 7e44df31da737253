//! Splits the text into tokens, each with the column it starts at.
//!
//! Columns are 1-based and counted in characters, not bytes, because they are shown to the
//! user next to what they typed (which may hold `×`, `÷` or `−` pasted from a document).

use super::error::ExprError;

/// What a token is. Synonyms are merged here (`**` is `^`, `×` is `*`, `÷` is `/`, `−` is
/// `-`), so the parser sees one spelling of each operator.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum TokenKind {
    /// A number literal and its value (finite: larger literals are refused).
    Num(f64),
    /// A name: a variable, a constant or a function (the parser decides which).
    Name,
    /// `+`
    Plus,
    /// `-` or `−`
    Minus,
    /// `*` or `×`
    Star,
    /// `/` or `÷`
    Slash,
    /// `^` or `**`
    Caret,
    /// `(`
    LParen,
    /// `)`
    RParen,
    /// `,`
    Comma,
    /// After the last character.
    End,
}

/// A token: its kind, its text as typed and its 1-based column in characters.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Token<'a> {
    /// What the token is.
    pub kind: TokenKind,
    /// The token as typed (empty for [`TokenKind::End`]).
    pub text: &'a str,
    /// The 1-based column, in characters, of its first character.
    pub column: usize,
}

impl Token<'_> {
    /// How an error message names this token: its text in quotes, or "the end".
    pub fn describe(&self) -> String {
        match self.kind {
            TokenKind::End => "the end of the expression".to_string(),
            _ => format!("'{}'", self.text),
        }
    }

    /// Whether this token can begin an operand: after another operand it means a missing
    /// operator, most often a product written without `*`.
    pub fn starts_operand(&self) -> bool {
        matches!(
            self.kind,
            TokenKind::Num(_) | TokenKind::Name | TokenKind::LParen
        )
    }
}

/// The tokens of `text`, ending with one [`TokenKind::End`]; refuses a character that is
/// not part of the language and a literal too large for an `f64`.
pub fn tokenize(text: &str) -> Result<Vec<Token<'_>>, ExprError> {
    // Indexing by character keeps columns right for multi-byte characters; the byte
    // offsets kept alongside slice the text for the token's `text`.
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let byte_at = |i: usize| chars.get(i).map_or(text.len(), |&(b, _)| b);
    let char_at = |i: usize| chars.get(i).map(|&(_, c)| c);
    let mut tokens = Vec::new();
    let mut i = 0;
    while let Some(c) = char_at(i) {
        let column = i + 1;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let (kind, len) = match c {
            '+' => (TokenKind::Plus, 1),
            '-' | '−' => (TokenKind::Minus, 1),
            '*' if char_at(i + 1) == Some('*') => (TokenKind::Caret, 2),
            '*' | '×' => (TokenKind::Star, 1),
            '/' | '÷' => (TokenKind::Slash, 1),
            '^' => (TokenKind::Caret, 1),
            '(' => (TokenKind::LParen, 1),
            ')' => (TokenKind::RParen, 1),
            ',' => (TokenKind::Comma, 1),
            _ if c.is_ascii_digit() || (c == '.' && is_digit(char_at(i + 1))) => {
                let len = number_len(&char_at, i);
                let literal = &text[byte_at(i)..byte_at(i + len)];
                (TokenKind::Num(number_value(literal, column)?), len)
            }
            _ if c.is_ascii_alphabetic() || c == '_' => {
                let mut j = i + 1;
                while char_at(j).is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
                    j += 1;
                }
                (TokenKind::Name, j - i)
            }
            _ => return Err(ExprError::unexpected_char(c, column)),
        };
        tokens.push(Token {
            kind,
            text: &text[byte_at(i)..byte_at(i + len)],
            column,
        });
        i += len;
    }
    tokens.push(Token {
        kind: TokenKind::End,
        text: "",
        column: chars.len() + 1,
    });
    Ok(tokens)
}

fn is_digit(c: Option<char>) -> bool {
    c.is_some_and(|c| c.is_ascii_digit())
}

/// The length in characters of the number starting at `i`: digits, an optional fraction and
/// an optional exponent. An `e` not followed by digits is left alone, so `2e` reads as `2`
/// then the name `e` (and the parser asks for the missing `*`).
fn number_len(char_at: &impl Fn(usize) -> Option<char>, i: usize) -> usize {
    let mut j = i;
    while is_digit(char_at(j)) {
        j += 1;
    }
    if char_at(j) == Some('.') {
        j += 1;
        while is_digit(char_at(j)) {
            j += 1;
        }
    }
    if matches!(char_at(j), Some('e' | 'E')) {
        let mut k = j + 1;
        if matches!(char_at(k), Some('+' | '-')) {
            k += 1;
        }
        if is_digit(char_at(k)) {
            while is_digit(char_at(k)) {
                k += 1;
            }
            j = k;
        }
    }
    j - i
}

/// The value of a literal the lexer has delimited. Refuses one that overflows to infinity:
/// it is almost surely a typo, and an infinite literal could not be printed back.
fn number_value(literal: &str, column: usize) -> Result<f64, ExprError> {
    match literal.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(ExprError::number_too_large(literal, column)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::ExprErrorKind;

    fn kinds(text: &str) -> Vec<TokenKind> {
        tokenize(text).unwrap().iter().map(|t| t.kind).collect()
    }

    #[test]
    fn numbers_in_every_spelling() {
        for (text, v) in [
            ("2", 2.0),
            ("0.1", 0.1),
            ("1e-3", 1e-3),
            (".5", 0.5),
            ("5.", 5.0),
            ("1.5E+2", 150.0),
            ("1.e2", 100.0),
        ] {
            assert_eq!(kinds(text), [TokenKind::Num(v), TokenKind::End], "{text}");
        }
        // An `e` without digits after it is the constant e, not an exponent.
        let t = tokenize("2e").unwrap();
        assert_eq!(
            (t[0].kind, t[1].kind, t[1].text),
            (TokenKind::Num(2.0), TokenKind::Name, "e")
        );
    }

    #[test]
    fn synonyms_and_columns_in_characters() {
        let t = tokenize("×x ** −y÷2").unwrap();
        let got: Vec<_> = t.iter().map(|t| (t.kind, t.column)).collect();
        use TokenKind::*;
        assert_eq!(
            got,
            [
                (Star, 1),
                (Name, 2),
                (Caret, 4),
                (Minus, 7),
                (Name, 8),
                (Slash, 9),
                (Num(2.0), 10),
                (End, 11)
            ]
        );
    }

    #[test]
    fn refusals_point_at_the_character() {
        let e = tokenize("x + @").unwrap_err();
        assert_eq!(
            (e.column, e.to_string().as_str()),
            (Some(5), "column 5: unexpected '@'")
        );
        let e = tokenize("−π").unwrap_err();
        assert_eq!(e.column, Some(2));
        let e = tokenize("1 + 1e999").unwrap_err();
        assert_eq!((e.kind, e.column), (ExprErrorKind::Number, Some(5)));
    }
}
