//! Targets the user defines (custom mixtures, drawings) are refused with messages that name the
//! problem when bad, the registry knows every identifier, and every target is finite far from
//! its box and reproducible from its seed.

use nhf_core::rng::Rng;
use nhf_core::targets::{
    Bounds, CustomMixture, DrawnTarget, Objective, TARGET_IDS, Target, TargetError, by_id, catalog,
    from_spec,
};

/// Targets whose log density is tabulated on a grid (their captions say so).
const TABULATED: &[&str] = &["two-spirals", "pinwheel", "swissroll", "moons"];

fn target(id: &str) -> Box<dyn Target> {
    by_id(id).unwrap_or_else(|e| panic!("{id}: {e}"))
}

/// Asserts that `text` is refused with a message containing every one of `needles`.
fn refused(text: &str, needles: &[&str]) {
    match CustomMixture::from_json(text) {
        Ok(_) => panic!("accepted: {text}"),
        Err(e) => {
            let msg = e.to_string();
            for n in needles {
                assert!(msg.contains(n), "message {msg:?} lacks {n:?} for {text}");
            }
        }
    }
}

#[test]
fn invalid_custom_mixtures_are_refused_naming_the_problem() {
    let c =
        |w: &str, m: &str, cov: &str| format!(r#"{{"weight": {w}, "mean": {m}, "cov": {cov}}}"#);
    let ok = c("1", "[0, 0]", "[[1, 0], [0, 1]]");
    let wrap = |comps: &[String]| format!(r#"{{"components": [{}]}}"#, comps.join(","));
    refused(
        &wrap(&[c("0", "[0, 0]", "[[1, 0], [0, 1]]")]),
        &["components[0].weight", "must be > 0"],
    );
    refused(
        &wrap(&[ok.clone(), c("-2", "[0, 0]", "[[1, 0], [0, 1]]")]),
        &["components[1].weight", "> 0"],
    );
    refused(
        &wrap(&[ok.clone(), ok.clone(), c("1", "[0, 0]", "[[1, 2], [2, 1]]")]),
        &["components[2].cov", "not positive definite"],
    );
    refused(
        &wrap(&[c("1", "[0, 0]", "[[-1, 0], [0, 1]]")]),
        &["components[0].cov", "not positive definite"],
    );
    refused(
        &wrap(&[c("1", "[0, 0]", "[[1, 0.5], [0.2, 1]]")]),
        &["components[0].cov", "not symmetric"],
    );
    refused(
        &wrap(&[c("1", "[0, 1e400]", "[[1, 0], [0, 1]]")]),
        &["number out of range", "line 1 column"],
    );
    refused(
        &wrap(&[c("1", r#"[0, "NaN"]"#, "[[1, 0], [0, 1]]")]),
        &["components[0].mean[1]", "expected a number"],
    );
    refused(
        &wrap(&[c("1", "[0]", "[[1, 0], [0, 1]]")]),
        &["components[0].mean", "[x, y]"],
    );
    refused(&wrap(&[]), &["components", "at least 1"]);
    refused(
        &wrap(&vec![ok.clone(); 65]),
        &["components", "at most 64", "65"],
    );
    refused(
        r#"{"components": [ {"weight": 1,"#,
        &["invalid JSON", "line 1 column"],
    );
    refused("[1, 2]", &["top level"]);
    refused(
        r#"{"components": [{"weight": 1, "mean": [0, 0]}]}"#,
        &["components[0].cov", "missing"],
    );
    refused(
        r#"{"components": [{"weight": 1, "mean": [0, 0], "covariance": [[1, 0], [0, 1]]}]}"#,
        &["components[0].covariance", "unknown field"],
    );
    let with_box = |b: &str| format!(r#"{{"components": [{ok}], "box": {b}}}"#);
    refused(&with_box("[[1, -1], [0, 1]]"), &["box[0]", "below"]);
    refused(
        &with_box("[[0, 1], [0, 1], [0, 1]]"),
        &["box", "[[xmin, xmax], [ymin, ymax]]"],
    );
    refused(
        &with_box(r#"[[0, 1], [0, "2"]]"#),
        &["box[1][1]", "expected a number"],
    );
    // And a good one is accepted, with a box of means ± 4 sd.
    let m = CustomMixture::from_json(&wrap(&[ok])).expect("valid");
    assert_eq!(m.bounds(), Bounds::square(4.0));
}

#[test]
fn custom_mixture_parsing_never_panics() {
    // Every prefix of a valid file and every single-byte corruption of it must give Ok or a
    // clean Err.
    let text = r#"{"name": "x", "components": [{"weight": 2.5, "mean": [1, -1], "cov": [[0.5, 0.1], [0.1, 0.3]]}], "box": [[-3, 3], [-3, 3]]}"#;
    assert!(CustomMixture::from_json(text).is_ok());
    for end in 0..text.len() {
        let _ = CustomMixture::from_json(&text[..end]);
    }
    let bytes = text.as_bytes();
    for i in 0..bytes.len() {
        for replacement in [b'0', b'-', b'e', b'"', b']', b'9'] {
            let mut b = bytes.to_vec();
            b[i] = replacement;
            if let Ok(s) = std::str::from_utf8(&b)
                && let Ok(m) = CustomMixture::from_json(s)
            {
                assert!(m.log_prob([0.1, 0.2]).is_finite(), "{s}");
            }
        }
    }
}

#[test]
fn invalid_drawings_are_refused_naming_the_problem() {
    let b = Bounds::square(4.0);
    let msg = |r: Result<DrawnTarget, TargetError>| match r {
        Ok(_) => panic!("accepted"),
        Err(e) => e.to_string(),
    };
    let m = msg(DrawnTarget::from_grid(&[0.0; 16], 4, 4, b));
    assert!(m.contains("empty"), "{m}");
    let mut v = vec![1.0_f32; 16];
    v[3] = -0.5;
    let m = msg(DrawnTarget::from_grid(&v, 4, 4, b));
    assert!(m.contains("values[3]") && m.contains("≥ 0"), "{m}");
    v[3] = f32::NAN;
    let m = msg(DrawnTarget::from_grid(&v, 4, 4, b));
    assert!(m.contains("values[3]") && m.contains("NaN"), "{m}");
    let m = msg(DrawnTarget::from_grid(&[1.0; 15], 4, 4, b));
    assert!(m.contains("expected nx × ny = 16 values, got 15"), "{m}");
    let m = msg(DrawnTarget::from_grid(&[], 0, 4, b));
    assert!(m.contains("nx"), "{m}");
    let m = msg(DrawnTarget::from_grid(
        &[1.0; 16],
        4,
        4,
        Bounds([[1.0, 1.0], [0.0, 1.0]]),
    ));
    assert!(m.contains("bounds[0]"), "{m}");
    let m = msg(DrawnTarget::from_grid(
        &[1.0; 16],
        4,
        4,
        Bounds([[0.0, 1.0], [0.0, f64::INFINITY]]),
    ));
    assert!(m.contains("bounds[1]"), "{m}");
}

#[test]
fn drawn_density_is_its_painting() {
    // A grid with one bright and one faint painted block: the bright block holds
    // proportionally more mass, and unpainted space sits at the background floor.
    let mut v = vec![0.0_f32; 16 * 16];
    for j in 2..5 {
        for i in 2..5 {
            v[j * 16 + i] = 3.0;
            v[(j + 8) * 16 + i + 8] = 1.0;
        }
    }
    let t = DrawnTarget::from_grid(&v, 16, 16, Bounds::square(4.0)).expect("valid");
    let s = t.sample(30_000, &mut Rng::seed_from_u64(3));
    let bright = s.iter().filter(|q| q[0] < 0.0 && q[1] < 0.0).count() as f64;
    let faint = s.iter().filter(|q| q[0] > 0.0 && q[1] > 0.0).count() as f64;
    // Expected ratio 3; the binomial sd of the ratio is ≈ 0.05.
    assert!((bright / faint - 3.0).abs() < 0.25, "{bright} {faint}");
    let floor = (1e-4_f64 / 64.0).ln();
    assert!((t.log_prob([3.5, -3.5]) - floor).abs() < 1e-9);
}

#[test]
fn registry_builds_every_id_and_refuses_unknown_ones() {
    for &id in TARGET_IDS {
        let t = target(id);
        assert_eq!(t.id(), id);
        assert!(!t.name().is_empty());
        assert!(
            !t.caption().is_empty() && !t.caption().contains('\n'),
            "{id}"
        );
        let b = t.bounds();
        assert!(b.size()[0] > 0.0 && b.size()[1] > 0.0);
        if TABULATED.contains(&id) {
            assert!(t.caption().contains("tabulated"), "{id}: {}", t.caption());
        }
    }
    let err = by_id("nonesuch")
        .err()
        .expect("unknown id must fail")
        .to_string();
    assert!(
        err.contains("nonesuch") && err.contains("8gaussians") && err.contains("drawn"),
        "{err}"
    );
    let err = from_spec("/no/such/file.json")
        .err()
        .expect("missing file")
        .to_string();
    assert!(err.contains("cannot read /no/such/file.json"), "{err}");
}

#[test]
fn from_spec_reads_custom_mixtures_from_json_files() {
    let path = std::env::temp_dir().join(format!("nhf-targets-test-{}.json", std::process::id()));
    std::fs::write(
        &path,
        r#"{"components": [{"weight": 1, "mean": [1, 2], "cov": [[1, 0], [0, 1]]}]}"#,
    )
    .expect("write");
    let t = from_spec(path.to_str().expect("utf-8 path")).expect("custom mixture");
    let _ = std::fs::remove_file(&path);
    assert_eq!(t.id(), "custom");
    let expect = -(2.0 * std::f64::consts::PI).ln();
    assert!((t.log_prob([1.0, 2.0]) - expect).abs() < 1e-12);
    assert!(from_spec("rings").is_ok());
}

#[test]
fn catalog_lists_every_target_with_its_default_objective() {
    let cat = catalog();
    let ids: Vec<&str> = cat.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, TARGET_IDS);
    for info in &cat {
        assert_eq!(info.objectives.len(), 2, "{}", info.id);
        let density_first = [
            "u1", "u2", "u3", "u4", "banana", "donut", "funnel", "squiggle", "jla",
        ];
        let expect = if density_first.contains(&info.id.as_str()) {
            Objective::Density
        } else {
            Objective::Samples
        };
        assert_eq!(info.default_objective, expect, "{}", info.id);
    }
    let json = serde_json::to_string(&cat).expect("serialisable");
    assert!(json.contains("\"default_objective\":\"density\""));
}

#[test]
fn log_prob_is_finite_far_from_every_box() {
    // A training run evaluates the density wherever the flow's samples land.
    for &id in TARGET_IDS {
        let t = target(id);
        let b = t.bounds();
        let [w, h] = b.size();
        for (fx, fy) in [(-5.0, 0.5), (6.0, 6.0), (0.5, -7.0), (0.25, 10.0)] {
            let q = [b.0[0][0] + fx * w, b.0[1][0] + fy * h];
            let v = t.log_prob(q);
            let g = t.grad_log_prob(q);
            assert!(
                v.is_finite() && g.iter().all(|x| x.is_finite()),
                "{id} at {q:?}: {v} {g:?}"
            );
        }
    }
}

#[test]
fn sampling_is_reproducible_from_the_seed() {
    for &id in TARGET_IDS {
        let t = target(id);
        let a = t.sample(50, &mut Rng::seed_from_u64(77));
        let b = t.sample(50, &mut Rng::seed_from_u64(77));
        assert!(
            a.iter()
                .zip(&b)
                .all(|(x, y)| x[0].to_bits() == y[0].to_bits() && x[1].to_bits() == y[1].to_bits()),
            "{id}"
        );
    }
}
