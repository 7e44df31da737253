use super::super::{MAX_ROWS, SampleFileError, SampleFileErrorKind as K, read_samples};

/// `n` distinct samples `i,2i+0.5`, one per line, comma-separated.
fn rows(n: usize) -> String {
    (0..n)
        .map(|i| format!("{i},{}\n", 2.0 * i as f64 + 0.5))
        .collect()
}

fn read(text: &str) -> Result<Vec<[f64; 2]>, SampleFileError> {
    read_samples("data.csv", text.as_bytes())
}

fn refusal(text: &str) -> (K, String) {
    let err = read(text).expect_err("should be refused");
    let message = err.to_string();
    (err.kind, message)
}

fn expected(n: usize) -> Vec<[f64; 2]> {
    (0..n).map(|i| [i as f64, 2.0 * i as f64 + 0.5]).collect()
}

#[test]
fn sample_file_text_without_header() {
    assert_eq!(read(&rows(12)).unwrap(), expected(12));
}

#[test]
fn sample_file_text_header_is_skipped() {
    assert_eq!(read(&format!("x,y\n{}", rows(10))).unwrap(), expected(10));
    let quoted = format!("\"x\";\"y\"\n{}", rows(10).replace(',', ";"));
    assert_eq!(read(&quoted).unwrap(), expected(10));
    // A header after comments and blank lines is still the first content line.
    let late = format!("# exported\n\n  x y\n{}", rows(10).replace(',', " "));
    assert_eq!(read(&late).unwrap(), expected(10));
}

#[test]
fn sample_file_text_header_only_first_content_line() {
    let text = format!("x,y\n{}x,y\n", rows(10));
    let (kind, message) = refusal(&text);
    assert!(matches!(kind, K::NotANumber { line: 12, .. }), "{kind:?}");
    assert_eq!(message, "data.csv line 12: \"x\" is not a number");
}

#[test]
fn sample_file_text_comments_and_blank_lines() {
    let text = format!(
        "# my samples\n\n{}  # trailing comment\n\n# the end\n",
        rows(10).replace('\n', " # why not\n")
    );
    assert_eq!(read(&text).unwrap(), expected(10));
}

#[test]
fn sample_file_text_crlf_and_lone_cr() {
    let crlf = format!("x,y\r\n{}", rows(10).replace('\n', "\r\n"));
    assert_eq!(read(&crlf).unwrap(), expected(10));
    let cr = format!("x,y\r{}", rows(10).replace('\n', "\r"));
    assert_eq!(read(&cr).unwrap(), expected(10));
    // Lines are counted as an editor counts them, whatever the line ends.
    let bad = format!("x,y\r\n{}1,abc\r\n", rows(10).replace('\n', "\r\n"));
    assert_eq!(refusal(&bad).1, "data.csv line 12: \"abc\" is not a number");
}

#[test]
fn sample_file_text_utf8_bom() {
    let text = format!("\u{FEFF}x,y\n{}", rows(10));
    assert_eq!(read(&text).unwrap(), expected(10));
    let no_header = format!("\u{FEFF}{}", rows(10));
    assert_eq!(read(&no_header).unwrap(), expected(10));
}

#[test]
fn sample_file_text_delimiters() {
    let want = expected(10);
    assert_eq!(read(&rows(10).replace(',', ";")).unwrap(), want);
    assert_eq!(read(&rows(10).replace(',', "\t")).unwrap(), want);
    assert_eq!(read(&rows(10).replace(',', "\t\t")).unwrap(), want);
    assert_eq!(read(&rows(10).replace(',', " ")).unwrap(), want);
    assert_eq!(read(&rows(10).replace(',', "   \t ")).unwrap(), want);
    assert_eq!(read(&rows(10).replace(',', " , ")).unwrap(), want);
    assert_eq!(read(&rows(10).replace(',', " ; ")).unwrap(), want);
    let indented: String = rows(10).lines().map(|l| format!("  {l}  \n")).collect();
    assert_eq!(read(&indented.replace(',', " ")).unwrap(), want);
}

#[test]
fn sample_file_text_comma_file_one_comma_five_is_two_numbers() {
    let text = "1,5\n".repeat(9) + "2,25\n";
    let samples = read(&text).unwrap();
    assert_eq!(samples[0], [1.0, 5.0]);
    assert_eq!(samples[9], [2.0, 25.0]);
}

#[test]
fn sample_file_text_quoted_cells() {
    let text: String = expected(10)
        .iter()
        .map(|[x, y]| format!("\"{x}\",\"{y}\"\n"))
        .collect();
    assert_eq!(read(&text).unwrap(), expected(10));
    let spaced: String = expected(10)
        .iter()
        .map(|[x, y]| format!("\"{x}\"  \"{y}\"\n"))
        .collect();
    assert_eq!(read(&spaced).unwrap(), expected(10));
}

#[test]
fn sample_file_text_exponent_notation() {
    let text = "1e3,-2.5E-2\n.5,5.\n+1.25e+2,6.02E23\n".to_string() + &rows(7);
    let samples = read(&text).unwrap();
    assert_eq!(samples[0], [1000.0, -0.025]);
    assert_eq!(samples[1], [0.5, 5.0]);
    assert_eq!(samples[2], [125.0, 6.02e23]);
}

#[test]
fn sample_file_refuses_non_numeric_cell() {
    let mut lines: Vec<String> = rows(12).lines().map(String::from).collect();
    lines.insert(0, "x,y".into());
    lines[6] = "abc,3".into();
    let (kind, message) = refusal(&lines.join("\n"));
    assert_eq!(
        kind,
        K::NotANumber {
            line: 7,
            cell: "abc".into()
        }
    );
    assert_eq!(message, "data.csv line 7: \"abc\" is not a number");
}

#[test]
fn sample_file_refuses_empty_cell() {
    let text = format!("{}1;\n", rows(10).replace(',', ";"));
    let (kind, message) = refusal(&text);
    assert!(matches!(kind, K::NotANumber { line: 11, .. }), "{kind:?}");
    assert_eq!(message, "data.csv line 11: an empty cell is not a number");
}

#[test]
fn sample_file_refuses_nan() {
    let mut lines: Vec<String> = rows(14).lines().map(String::from).collect();
    lines[11] = "4,nan".into();
    let (kind, message) = refusal(&lines.join("\n"));
    assert!(matches!(kind, K::NotFinite { .. }), "{kind:?}");
    assert_eq!(message, "data.csv line 12: nan is not a finite number");
}

#[test]
fn sample_file_refuses_infinity_and_overflow() {
    let text = format!("{}-inf,1\n", rows(10));
    assert_eq!(
        refusal(&text).1,
        "data.csv line 11: -inf is not a finite number"
    );
    let text = format!("{}1,1e999\n", rows(10));
    assert_eq!(
        refusal(&text).1,
        "data.csv line 11: 1e999 is not a finite number"
    );
}

#[test]
fn sample_file_refuses_one_column() {
    let text = format!("x,y\n1,2\n3\n{}", rows(10));
    let (kind, message) = refusal(&text);
    assert!(
        matches!(
            kind,
            K::ColumnCount {
                line: 3,
                found: 1,
                ..
            }
        ),
        "{kind:?}"
    );
    assert!(
        message.starts_with("data.csv line 3: 1 column, expected 2"),
        "{message}"
    );
}

#[test]
fn sample_file_refuses_three_columns() {
    let text = format!("{}1 2 3\n", rows(10).replace(',', " "));
    let (kind, message) = refusal(&text);
    assert!(
        matches!(
            kind,
            K::ColumnCount {
                line: 11,
                found: 3,
                ..
            }
        ),
        "{kind:?}"
    );
    assert!(
        message.starts_with("data.csv line 11: 3 columns, expected 2"),
        "{message}"
    );
    assert!(message.contains("separated by spaces"), "{message}");
}

#[test]
fn sample_file_refuses_trailing_delimiter_as_a_third_column() {
    let text = rows(10).replace('\n', ";\n").replace(',', ";");
    let (kind, message) = refusal(&text);
    assert!(
        matches!(
            kind,
            K::ColumnCount {
                line: 1,
                found: 3,
                ..
            }
        ),
        "{kind:?}"
    );
    assert!(
        message.starts_with("data.csv line 1: 3 columns, expected 2"),
        "{message}"
    );
}

#[test]
fn sample_file_refuses_decimal_comma_with_semicolons() {
    let text = format!("x;y\n1,5;2,25\n{}", rows(10).replace(',', ";"));
    let (kind, message) = refusal(&text);
    assert_eq!(
        kind,
        K::DecimalComma {
            line: 2,
            cell: "1,5".into()
        }
    );
    assert!(message.starts_with("data.csv line 2: \"1,5\""), "{message}");
    assert!(
        message.contains("decimal commas are not accepted"),
        "{message}"
    );
    assert!(message.contains("use a point: 1.5"), "{message}");
}

#[test]
fn sample_file_refuses_decimal_comma_later_in_the_file() {
    let text = format!("{}3;4,75\n", rows(10).replace(',', ";"));
    let (kind, _) = refusal(&text);
    assert_eq!(
        kind,
        K::DecimalComma {
            line: 11,
            cell: "4,75".into()
        }
    );
}

#[test]
fn sample_file_refuses_decimal_comma_with_tabs_and_spaces() {
    let (kind, _) = refusal(&format!("0,5\t1,5\n{}", rows(10).replace(',', "\t")));
    assert_eq!(
        kind,
        K::DecimalComma {
            line: 1,
            cell: "0,5".into()
        }
    );
    let (kind, _) = refusal(&format!("{}0,5 1\n", rows(10).replace(',', " ")));
    assert_eq!(
        kind,
        K::DecimalComma {
            line: 11,
            cell: "0,5".into()
        }
    );
}

#[test]
fn sample_file_refuses_quoted_decimal_comma() {
    let text = format!("\"1,5\",\"2,25\"\n{}", rows(10));
    let (kind, message) = refusal(&text);
    assert_eq!(
        kind,
        K::DecimalComma {
            line: 1,
            cell: "1,5".into()
        }
    );
    assert!(
        message.contains("decimal commas are not accepted"),
        "{message}"
    );
}

#[test]
fn sample_file_refuses_thousands_separator() {
    let text = format!("{}1,000.5;2\n", rows(10).replace(',', ";"));
    let (kind, message) = refusal(&text);
    assert_eq!(
        kind,
        K::DecimalComma {
            line: 11,
            cell: "1,000.5".into()
        }
    );
    assert!(message.contains("no thousands separator"), "{message}");
}

#[test]
fn sample_file_four_comma_cells_hint_at_decimal_commas() {
    let text = format!("{}1,5,2,25\n", rows(10));
    let (kind, message) = refusal(&text);
    assert!(
        matches!(
            kind,
            K::ColumnCount {
                line: 11,
                found: 4,
                ..
            }
        ),
        "{kind:?}"
    );
    assert!(
        message.starts_with("data.csv line 11: 4 columns, expected 2"),
        "{message}"
    );
    assert!(
        message.contains("decimal commas are not accepted"),
        "{message}"
    );
}

#[test]
fn sample_file_refuses_binary_text() {
    let mut bytes = rows(10).into_bytes();
    bytes.extend_from_slice(b"1,\xFF\xFE\n");
    let err = read_samples("data.bin", &bytes).unwrap_err();
    assert_eq!(err.kind, K::NotText { line: 11 });
    assert!(
        err.to_string()
            .starts_with("data.bin line 11: not UTF-8 text"),
        "{err}"
    );
}

#[test]
fn sample_file_refuses_too_many_rows() {
    let mut text = String::with_capacity(8 * (MAX_ROWS + 1));
    for i in 0..=MAX_ROWS {
        text.push_str(&format!("{},1\n", i % 1000));
    }
    let (kind, message) = refusal(&text);
    assert_eq!(kind, K::TooMany { rows: None });
    assert_eq!(
        message,
        "data.csv: more than 1000000 samples, at most 1000000 are read"
    );
    // Exactly the limit is fine.
    let end = text.len() - "0,1\n".len();
    assert_eq!(read(&text[..end]).unwrap().len(), MAX_ROWS);
}
