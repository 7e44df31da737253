use super::super::{MAX_ROWS, SampleFileError, SampleFileErrorKind as K, read_samples};

/// A `.npy` file written by hand: preamble for `version`, the header dict padded with
/// spaces and a newline to a multiple of 64 bytes (as NumPy does), then `data`.
fn npy(version: u8, descr: &str, fortran: bool, shape: &str, data: &[u8]) -> Vec<u8> {
    let fortran = if fortran { "True" } else { "False" };
    let mut dict = format!("{{'descr': {descr}, 'fortran_order': {fortran}, 'shape': {shape}, }}");
    let preamble = if version == 1 { 10 } else { 12 };
    while (preamble + dict.len() + 1) % 64 != 0 {
        dict.push(' ');
    }
    dict.push('\n');
    let mut out = b"\x93NUMPY".to_vec();
    out.extend_from_slice(&[version, 0]);
    if version == 1 {
        out.extend_from_slice(&(dict.len() as u16).to_le_bytes());
    } else {
        out.extend_from_slice(&(dict.len() as u32).to_le_bytes());
    }
    assert_eq!((out.len() + dict.len()) % 64, 0);
    out.extend_from_slice(dict.as_bytes());
    out.extend_from_slice(data);
    out
}

/// Samples `[i / 4, -3i]`: distinct, exact in every dtype used here.
fn samples(n: usize) -> Vec<[f64; 2]> {
    (0..n).map(|i| [i as f64 / 4.0, -3.0 * i as f64]).collect()
}

/// The samples' values in C order (x0, y0, x1, …) or Fortran order (x0, x1, …, y0, …).
fn values(s: &[[f64; 2]], fortran: bool) -> Vec<f64> {
    if fortran {
        s.iter()
            .map(|p| p[0])
            .chain(s.iter().map(|p| p[1]))
            .collect()
    } else {
        s.iter().flatten().copied().collect()
    }
}

fn f8_le(v: &[f64]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

fn read(bytes: &[u8]) -> Result<Vec<[f64; 2]>, SampleFileError> {
    read_samples("data.npy", bytes)
}

fn refusal(bytes: &[u8]) -> (K, String) {
    let err = read(bytes).expect_err("should be refused");
    let message = err.to_string();
    (err.kind, message)
}

#[test]
fn sample_file_npy_f8_c_order() {
    let s = samples(12);
    let file = npy(1, "'<f8'", false, "(12, 2)", &f8_le(&values(&s, false)));
    assert_eq!(read(&file).unwrap(), s);
}

#[test]
fn sample_file_npy_f8_fortran_order() {
    let s = samples(11);
    let file = npy(1, "'<f8'", true, "(11, 2)", &f8_le(&values(&s, true)));
    assert_eq!(read(&file).unwrap(), s);
    // The same bytes read in C order are other samples: the flag is honoured.
    let c = npy(1, "'<f8'", false, "(11, 2)", &f8_le(&values(&s, true)));
    assert_ne!(read(&c).unwrap(), s);
}

#[test]
fn sample_file_npy_f4() {
    let s = samples(10);
    let data: Vec<u8> = values(&s, false)
        .iter()
        .flat_map(|&x| (x as f32).to_le_bytes())
        .collect();
    assert_eq!(read(&npy(1, "'<f4'", false, "(10, 2)", &data)).unwrap(), s);
    let fortran: Vec<u8> = values(&s, true)
        .iter()
        .flat_map(|&x| (x as f32).to_be_bytes())
        .collect();
    assert_eq!(
        read(&npy(1, "'>f4'", true, "(10, 2)", &fortran)).unwrap(),
        s
    );
}

#[test]
fn sample_file_npy_big_endian_f8() {
    let s = samples(10);
    let data: Vec<u8> = values(&s, false)
        .iter()
        .flat_map(|x| x.to_be_bytes())
        .collect();
    assert_eq!(read(&npy(1, "'>f8'", false, "(10, 2)", &data)).unwrap(), s);
}

#[test]
fn sample_file_npy_integers() {
    let s: Vec<[f64; 2]> = (0..10).map(|i| [f64::from(i), -f64::from(i * i)]).collect();
    let v = values(&s, false);
    let i4: Vec<u8> = v.iter().flat_map(|&x| (x as i32).to_le_bytes()).collect();
    assert_eq!(read(&npy(1, "'<i4'", false, "(10, 2)", &i4)).unwrap(), s);
    let i8: Vec<u8> = v.iter().flat_map(|&x| (x as i64).to_be_bytes()).collect();
    assert_eq!(read(&npy(1, "'>i8'", false, "(10, 2)", &i8)).unwrap(), s);
}

#[test]
fn sample_file_npy_versions_2_and_3_and_python2_shapes() {
    let s = samples(10);
    let data = f8_le(&values(&s, false));
    assert_eq!(read(&npy(2, "'<f8'", false, "(10, 2)", &data)).unwrap(), s);
    assert_eq!(read(&npy(3, "\"<f8\"", false, "(10,2)", &data)).unwrap(), s);
    assert_eq!(
        read(&npy(1, "'<f8'", false, "(10L, 2L)", &data)).unwrap(),
        s
    );
    // Keys in another order.
    let mut file = b"\x93NUMPY\x01\x00".to_vec();
    let dict = "{'shape': (10, 2), 'fortran_order': False, 'descr': '<f8'}\n";
    file.extend_from_slice(&(dict.len() as u16).to_le_bytes());
    file.extend_from_slice(dict.as_bytes());
    file.extend_from_slice(&data);
    assert_eq!(read(&file).unwrap(), s);
}

#[test]
fn sample_file_npy_refuses_wrong_shape() {
    let data = f8_le(&[0.5; 30]);
    let (kind, message) = refusal(&npy(1, "'<f8'", false, "(10, 3)", &data));
    assert_eq!(
        kind,
        K::NpyShape {
            shape: "(10, 3)".into()
        }
    );
    assert!(
        message.starts_with("data.npy: .npy shape (10, 3) is not supported"),
        "{message}"
    );
    assert!(message.contains("expected (n, 2)"), "{message}");
    let (kind, _) = refusal(&npy(1, "'<f8'", false, "(30,)", &data));
    assert_eq!(
        kind,
        K::NpyShape {
            shape: "(30,)".into()
        }
    );
    let (kind, _) = refusal(&npy(1, "'<f8'", false, "(2, 5, 3)", &data));
    assert_eq!(
        kind,
        K::NpyShape {
            shape: "(2, 5, 3)".into()
        }
    );
}

#[test]
fn sample_file_npy_refuses_wrong_dtype() {
    let data = [0u8; 16 * 10];
    let (kind, message) = refusal(&npy(1, "'<c8'", false, "(10, 2)", &data));
    assert_eq!(
        kind,
        K::NpyDtype {
            dtype: "'<c8'".into()
        }
    );
    assert!(
        message.starts_with("data.npy: .npy dtype '<c8' is not supported"),
        "{message}"
    );
    let (kind, _) = refusal(&npy(1, "'|u1'", false, "(10, 2)", &data));
    assert_eq!(
        kind,
        K::NpyDtype {
            dtype: "'|u1'".into()
        }
    );
    let structured = "[('x', '<f8'), ('y', '<f8')]";
    let (kind, _) = refusal(&npy(1, structured, false, "(10,)", &data));
    assert_eq!(
        kind,
        K::NpyDtype {
            dtype: structured.into()
        }
    );
}

#[test]
fn sample_file_npy_refuses_truncated_and_trailing_data() {
    let data = f8_le(&values(&samples(10), false));
    let (kind, message) = refusal(&npy(1, "'<f8'", false, "(10, 2)", &data[..150]));
    assert_eq!(
        kind,
        K::NpyTruncated {
            expected: 160,
            found: 150
        }
    );
    assert!(message.contains("truncated"), "{message}");
    assert!(
        message.contains("160 bytes") && message.contains("150 bytes"),
        "{message}"
    );
    let mut long = data.clone();
    long.push(0);
    let (kind, _) = refusal(&npy(1, "'<f8'", false, "(10, 2)", &long));
    assert_eq!(kind, K::NpyTrailing { extra: 1 });
}

#[test]
fn sample_file_npy_refuses_broken_headers() {
    let good = npy(
        1,
        "'<f8'",
        false,
        "(10, 2)",
        &f8_le(&values(&samples(10), false)),
    );
    // Cut inside the preamble, inside the header; an unknown version; garbage dict.
    for cut in [6, 7, 9, 40] {
        let (kind, message) = refusal(&good[..cut]);
        assert!(matches!(kind, K::NpyHeader { .. }), "cut {cut}: {kind:?}");
        assert!(
            message.starts_with("data.npy: not a readable .npy header"),
            "{message}"
        );
    }
    let mut v4 = good.clone();
    v4[6] = 4;
    let (_, message) = refusal(&v4);
    assert!(
        message.contains("version 4.0 is not supported"),
        "{message}"
    );
    let mut garbage = good.clone();
    garbage[10] = b'x';
    assert!(matches!(refusal(&garbage).0, K::NpyHeader { .. }));
    let no_shape = npy(1, "'<f8'", false, "None", &[]);
    assert_eq!(
        refusal(&no_shape).0,
        K::NpyShape {
            shape: "None".into()
        }
    );
}

#[test]
fn sample_file_npy_refuses_nan_naming_the_row() {
    let mut v = values(&samples(10), false);
    v[7] = f64::NAN; // row 4 (1-based), y
    let (kind, message) = refusal(&npy(1, "'<f8'", false, "(10, 2)", &f8_le(&v)));
    assert!(matches!(kind, K::NotFinite { .. }), "{kind:?}");
    assert_eq!(message, "data.npy row 4: NaN is not a finite number");
}

#[test]
fn sample_file_npy_limits() {
    let (kind, message) = refusal(&npy(1, "'<f8'", false, "(0, 2)", &[]));
    assert_eq!(kind, K::Empty);
    assert!(message.starts_with("data.npy: no samples"), "{message}");
    let few = f8_le(&values(&samples(3), false));
    assert_eq!(
        refusal(&npy(1, "'<f8'", false, "(3, 2)", &few)).0,
        K::TooFew { rows: 3 }
    );
    let shape = format!("({}, 2)", MAX_ROWS + 1);
    let (kind, message) = refusal(&npy(1, "'<f8'", false, &shape, &[]));
    assert_eq!(
        kind,
        K::TooMany {
            rows: Some(MAX_ROWS as u64 + 1)
        }
    );
    assert_eq!(
        message,
        "data.npy: 1000001 samples, at most 1000000 are read"
    );
    let huge = npy(1, "'<f8'", false, "(99999999999999999999999, 2)", &[]);
    assert!(matches!(refusal(&huge).0, K::NpyHeader { .. }));
}
