use super::*;
use SampleFileErrorKind as K;
use proptest::prelude::*;

fn refusal(text: &str) -> (K, String) {
    let err = read_samples("data.csv", text.as_bytes()).expect_err("should be refused");
    let message = err.to_string();
    (err.kind, message)
}

#[test]
fn sample_file_refuses_empty_file() {
    for text in ["", "\n\n  \r\n", "# only a comment\n", "x,y\n", "\u{FEFF}"] {
        let (kind, message) = refusal(text);
        assert_eq!(kind, K::Empty, "{text:?}");
        assert_eq!(
            message,
            "data.csv: no samples: the file is empty or holds only comments and a header"
        );
    }
}

#[test]
fn sample_file_refuses_too_few_rows() {
    let text: String = (0..9).map(|i| format!("{i},{i}\n")).collect();
    let (kind, message) = refusal(&text);
    assert_eq!(kind, K::TooFew { rows: 9 });
    assert_eq!(message, "data.csv: only 9 samples, at least 10 are needed");
    assert_eq!(
        refusal("1,2\n").1,
        "data.csv: only 1 sample, at least 10 are needed"
    );
}

#[test]
fn sample_file_refuses_too_large_input() {
    let bytes = vec![b'1'; MAX_BYTES + 1];
    let err = read_samples("huge.csv", &bytes).unwrap_err();
    assert_eq!(
        err.kind,
        K::TooLarge {
            bytes: MAX_BYTES + 1
        }
    );
    assert_eq!(
        err.to_string(),
        "huge.csv: 67108865 bytes (64.0 MiB) is too large: at most 67108864 bytes (64 MiB) \
         are read"
    );
}

#[test]
fn sample_file_refuses_identical_points() {
    let (kind, message) = refusal(&"1,2\n".repeat(500));
    assert_eq!(
        kind,
        K::AllIdentical {
            count: 500,
            point: [1.0, 2.0]
        }
    );
    assert_eq!(
        message,
        "data.csv: all 500 points are the same (1.0, 2.0): nothing to learn"
    );
}

#[test]
fn sample_file_error_line_and_empty_name() {
    let err = read_samples("", b"x,y\n1,2\nfoo,1\n").unwrap_err();
    assert_eq!(err.line(), Some(3));
    assert_eq!(
        err.to_string(),
        "sample file line 3: \"foo\" is not a number"
    );
    assert_eq!(read_samples("a", b"").unwrap_err().line(), None);
}

#[test]
fn sample_file_round_trip_is_bit_exact() {
    let samples = vec![
        [0.1, -0.0],
        [1.0 / 3.0, 2.0 / 3.0],
        [f64::MAX, f64::MIN],
        [f64::MIN_POSITIVE, -f64::MIN_POSITIVE],
        [5e-324, -5e-324],
        [1e-7, 1e21],
        [123_456_789.123_456_78, -9_007_199_254_740_993.0],
        [std::f64::consts::PI, std::f64::consts::E],
        [0.0, 1.0],
        [-1.5, 2.25],
        [1e300, 1e-300],
    ];
    let csv = samples_to_csv(&samples);
    assert!(csv.starts_with("x,y\n0.1,-0.0\n"), "{csv}");
    let back = read_samples("round.csv", csv.as_bytes()).unwrap();
    let bits = |s: &[[f64; 2]]| -> Vec<u64> { s.iter().flatten().map(|v| v.to_bits()).collect() };
    assert_eq!(bits(&back), bits(&samples));
    assert_eq!(content_hash(&back), content_hash(&samples));
}

#[test]
fn sample_file_content_hash_is_stable() {
    // FNV-1a 64's offset basis for no data; the other value computed independently.
    assert_eq!(content_hash(&[]), "cbf29ce484222325");
    assert_eq!(
        content_hash(&[[1.0, 2.0], [-0.5, 3.25]]),
        "ab4ce7e4690bbadf"
    );
    assert_ne!(content_hash(&[[0.0, 1.0]]), content_hash(&[[-0.0, 1.0]]));
    assert_ne!(
        content_hash(&[[1.0, 2.0], [3.0, 4.0]]),
        content_hash(&[[3.0, 4.0], [1.0, 2.0]])
    );
}

/// Characters text sample files are made of, and the ones that trip their parser.
const ALPHABET: &[char] = &[
    '0', '1', '2', '5', '9', '.', ',', ';', '-', '+', 'e', 'E', ' ', '\t', '\n', '\r', '#', 'x',
    'y', 'N', 'a', 'I', 'n', 'f', '"', '\u{FEFF}', 'é',
];

/// Cells, separators and line ends the structured text fuzz is built from.
const CELLS: &[&str] = &[
    "1",
    "-2.5",
    "1e3",
    ".5",
    "1,5",
    "nan",
    "-inf",
    "\"3\"",
    "\"1,5\"",
    "x",
    "",
    "1e999",
    "#c",
    "0x1",
    "\u{FEFF}2",
];
const SEPARATORS: &[&str] = &[",", ";", "\t", " ", ",,", " ; ", "\t\t", "", "\""];
const LINE_ENDS: &[&str] = &["\n", "\r\n", "\r", " # comment\n", ",\n", "\n\n"];

/// A `.npy` preamble (version 1.0) and a header of `len` bytes, then `rest`.
fn npy_with(version: u8, header: &str, rest: &[u8]) -> Vec<u8> {
    let mut out = b"\x93NUMPY".to_vec();
    out.extend_from_slice(&[version, 0]);
    out.extend_from_slice(&(header.len() as u16).to_le_bytes());
    out.extend_from_slice(header.as_bytes());
    out.extend_from_slice(rest);
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn sample_file_never_panics_on_random_bytes(bytes in prop::collection::vec(any::<u8>(), 0..2000)) {
        let _ = read_samples("random.bin", &bytes);
    }

    #[test]
    fn sample_file_never_panics_on_random_text(
        chars in prop::collection::vec(prop::sample::select(ALPHABET), 0..1500),
    ) {
        let text: String = chars.into_iter().collect();
        if let Ok(samples) = read_samples("random.txt", text.as_bytes()) {
            prop_assert!(samples.len() >= MIN_ROWS);
            prop_assert!(samples.iter().flatten().all(|v| v.is_finite()));
        }
    }

    #[test]
    fn sample_file_never_panics_on_text_made_of_cells(
        lines in prop::collection::vec(
            (
                prop::sample::select(CELLS),
                prop::sample::select(SEPARATORS),
                prop::sample::select(CELLS),
                prop::sample::select(LINE_ENDS),
            ),
            0..40,
        ),
    ) {
        let text: String = lines.iter().map(|(a, s, b, end)| format!("{a}{s}{b}{end}")).collect();
        match read_samples("cells.txt", text.as_bytes()) {
            Ok(samples) => {
                prop_assert!(samples.len() >= MIN_ROWS);
                prop_assert!(samples.iter().flatten().all(|v| v.is_finite()));
            }
            Err(err) => prop_assert!(err.to_string().starts_with("cells.txt")),
        }
    }

    #[test]
    fn sample_file_never_panics_on_random_npy_headers(
        header in "[{}()\\[\\]'\"<>|fic248:, TrueFalsdeshapotrn_L0-9]{0,120}",
        version in 0u8..5,
        rest in prop::collection::vec(any::<u8>(), 0..400),
    ) {
        let _ = read_samples("random.npy", &npy_with(version, &header, &rest));
    }

    #[test]
    fn sample_file_never_panics_on_npy_with_random_shapes(
        descr in prop::sample::select(vec!["'<f8'", "'>f4'", "'<i8'", "'>i4'", "'<c8'", "[('a', '<f8')]"]),
        fortran in any::<bool>(),
        rows in 0u64..40,
        cols in 0u64..4,
        rest in prop::collection::vec(any::<u8>(), 0..700),
    ) {
        let fortran = if fortran { "True" } else { "False" };
        let header = format!("{{'descr': {descr}, 'fortran_order': {fortran}, 'shape': ({rows}, {cols}), }}\n");
        if let Ok(samples) = read_samples("random.npy", &npy_with(1, &header, &rest)) {
            prop_assert_eq!(samples.len() as u64, rows);
        }
    }

    #[test]
    fn sample_file_csv_round_trip_is_exact(
        samples in prop::collection::vec(
            prop::array::uniform2(
                prop::num::f64::POSITIVE | prop::num::f64::NEGATIVE | prop::num::f64::NORMAL
                    | prop::num::f64::SUBNORMAL | prop::num::f64::ZERO,
            ),
            MIN_ROWS..300,
        ),
    ) {
        prop_assume!(samples.iter().any(|p| *p != samples[0]));
        let back = read_samples("round.csv", samples_to_csv(&samples).as_bytes()).unwrap();
        let bits = |s: &[[f64; 2]]| -> Vec<u64> { s.iter().flatten().map(|v| v.to_bits()).collect() };
        prop_assert_eq!(bits(&back), bits(&samples));
    }
}
