use super::*;
use crate::nhf::{Activation, BaseKind, Objective};
use crate::targets::{CustomMixture, DrawnTarget};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

#[test]
fn links_carry_their_version_and_old_links_read_with_version_1_defaults() {
    let mut link = Link::default();
    link.settings.flow.base = BaseKind::Learned;
    link.settings.train.anneal_iters = 500;
    let hash = encode(&link);
    assert!(
        hash.starts_with("#target=") && hash.ends_with("&v=2"),
        "{hash}"
    );
    let back = parse(&hash).unwrap();
    assert_eq!(back.settings.flow.base, BaseKind::Learned);
    assert_eq!(back.settings.train.anneal_iters, 500);
    // A link of version 1 (no v=) means version 1's defaults for every missing key.
    let old = parse("#target=banana&blocks=2").unwrap();
    let v1 = Settings::link_version_1();
    assert_eq!(old.settings.flow.base, BaseKind::Standard);
    assert_eq!(old.settings.train, v1.train);
    assert_eq!(old.settings.flow.leapfrog_steps, v1.flow.leapfrog_steps);
    let err = parse("#target=banana&v=7").unwrap_err();
    assert!(err.starts_with("v:"), "{err}");
}

#[test]
fn importance_weighted_groups_travel_only_when_set() {
    let mut link = Link::default();
    link.settings.train.iw_draws = 4;
    let hash = encode(&link);
    assert!(hash.contains("&iw_draws=4&"), "{hash}");
    assert_eq!(parse(&hash).unwrap().settings.train.iw_draws, 4);
    // Written only when not 1; a link without the key means 1 whatever the defaults are.
    link.settings.train.iw_draws = 1;
    assert!(!encode(&link).contains("iw_draws"));
    assert_eq!(
        parse("#target=banana&v=2").unwrap().settings.train.iw_draws,
        1
    );
    // The slider and hand-written links land on a group size the engine forms.
    assert_eq!(parse("#iw_draws=3&v=2").unwrap().settings.train.iw_draws, 4);
    assert!(
        parse("#iw_draws=9&v=2")
            .unwrap_err()
            .starts_with("iw_draws")
    );
}

#[test]
fn the_gradient_estimator_travels_only_when_not_standard() {
    use crate::nhf::Estimator;
    let mut link = Link::default();
    link.settings.train.estimator = Estimator::Dreg;
    let hash = encode(&link);
    assert!(hash.contains("&estimator=dreg&"), "{hash}");
    assert_eq!(
        parse(&hash).unwrap().settings.train.estimator,
        Estimator::Dreg
    );
    // A link without the key (every link made before it existed) means the standard one.
    link.settings.train.estimator = Estimator::Standard;
    assert!(!encode(&link).contains("estimator"));
    assert_eq!(
        parse("#target=banana&v=2")
            .unwrap()
            .settings
            .train
            .estimator,
        Estimator::Standard
    );
    let err = parse("#estimator=fast&v=2").unwrap_err();
    assert!(err.starts_with("estimator"), "{err}");
}

#[test]
fn the_activation_travels_only_when_not_tanh() {
    let mut link = Link::default();
    for act in [Activation::Sine, Activation::Softplus] {
        link.settings.flow.activation = act;
        let hash = encode(&link);
        assert!(
            hash.contains(&format!("&activation={}&", act.name())),
            "{hash}"
        );
        assert_eq!(parse(&hash).unwrap().settings.flow.activation, act);
    }
    // Written only when not tanh; a link without the key (every link made before the choice
    // existed) means tanh, whatever the playground's default is.
    link.settings.flow.activation = Activation::Tanh;
    assert!(!encode(&link).contains("activation"));
    for old in ["#target=rings&v=2", "#target=rings&blocks=2"] {
        assert_eq!(
            parse(old).unwrap().settings.flow.activation,
            Activation::Tanh
        );
    }
    let err = parse("#activation=relu&v=2").unwrap_err();
    assert!(err.starts_with("activation"), "{err}");
}

fn drawn_link() -> Link {
    let mut link = Link::default();
    link.settings.target = "drawn".into();
    link.settings.drawing = Some(DrawnTarget::heart().grid().clone());
    link.settings.flow.blocks = 2;
    link.settings.flow.dt = 0.15;
    link.settings.train.lr = 0.0007;
    link.settings.train.seed = 42;
    *link.settings.views.flag_mut("integrators").unwrap() = true;
    *link.settings.views.flag_mut("phase").unwrap() = false;
    link.settings.trails = false;
    link.direction = Direction::Normalize;
    link.classroom = Classroom {
        hide: vec!["model".into(), "status".into()],
        zoom: 1.5,
    };
    link
}

#[test]
fn a_link_round_trips_exactly_and_the_drawing_stays_short() {
    let link = drawn_link();
    let hash = encode(&link);
    let back = parse(&hash).unwrap();
    assert_eq!(back, link, "{hash}");
    let drawing = hash
        .split("drawing=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap();
    assert!(
        drawing.len() < 600,
        "drawing takes {} characters",
        drawing.len()
    );
    // The same hash inside a full URL, and without its '#'.
    let url = format!("https://example.org/nhf/index.html{hash}");
    assert_eq!(parse(&url).unwrap(), link);
    assert_eq!(parse(&hash[1..]).unwrap(), link);
    assert_eq!(parse("").unwrap(), Link::default());
    assert_eq!(parse("https://example.org/").unwrap(), Link::default());
}

#[test]
fn the_targets_default_objective_applies_unless_the_link_says_otherwise() {
    let l = parse("#target=banana").unwrap();
    assert_eq!(l.settings.flow.objective, Objective::Density);
    let l = parse("#target=banana&objective=samples").unwrap();
    assert_eq!(l.settings.flow.objective, Objective::Samples);
}

#[test]
fn every_bad_part_is_refused_with_its_name() {
    for (link, names) in [
        ("#target=nope", "target"),
        ("#blocks=0", "blocks"),
        ("#blocks=2.5", "blocks"),
        ("#dt=NaN", "dt"),
        ("#dt=1e999", "dt"),
        ("#lr=abc", "lr"),
        ("#kinetic=heavy", "kinetic"),
        ("#objective=magic", "objective"),
        ("#views=position,nope", "views"),
        ("#dir=sideways", "dir"),
        ("#potential=2", "potential"),
        ("#trails=maybe", "trails"),
        ("#hide=everything", "hide"),
        ("#zoom=100", "zoom"),
        ("#zoom=NaN", "zoom"),
        ("#preset=nope", "preset"),
        ("#colour=red", "unknown key"),
        ("#blocks", "not key=value"),
        ("#seed=-1", "seed"),
        ("#batch=%FF", "batch"),
        ("#drawing=3x3", "drawing"),
        ("#drawing=2x2,0,1,0,1,!!!", "base64"),
        ("#drawing=2x2,0,1,0,1,AAAA", "inflate"),
        ("#drawing=100000x100000,0,1,0,1,AA", "allowed"),
        ("#drawing=2x2,1,0,0,1,eJxjYGBgAAAABAAB", "drawing"),
    ] {
        let e = parse(link).expect_err(link);
        assert!(e.contains(names), "{link}: {e}");
    }
    let long = format!("#target={}", "a".repeat(MAX_LINK_BYTES));
    assert!(parse(&long).unwrap_err().contains("bytes"));
}

/// A link can carry any bytes: what it echoes back reaches the status line printable.
#[test]
fn refusals_echo_no_control_characters() {
    for link in [
        "#target=%00",
        "#target=a%1B%5B2Jb",
        "#dir=%07",
        "#k%00y=1",
        "#kinetic=%0A",
    ] {
        let e = parse(link).expect_err(link);
        assert!(!e.chars().any(char::is_control), "{link}: {e:?}");
    }
    assert!(parse("#target=%00").unwrap_err().contains("\\u{0}"));
    let long = format!("#target={}", "x".repeat(2000));
    assert!(parse(&long).unwrap_err().chars().count() <= MAX_MESSAGE_CHARS + 1);
}

#[test]
fn a_custom_mixture_travels_in_a_link_and_a_bad_one_is_refused() {
    let m = CustomMixture::from_json(
        r#"{"name":"two","components":[{"weight":1,"mean":[-1,0],"cov":[[0.3,0],[0,0.3]]},{"weight":2,"mean":[1.5,1],"cov":[[0.5,0.1],[0.1,0.4]]}]}"#,
    )
    .unwrap();
    let mut link = Link::default();
    link.settings.target = "custom".into();
    link.settings.mixture = Some(m.spec().clone());
    assert_eq!(parse(&encode(&link)).unwrap(), link);
    assert!(parse("#target=custom").unwrap_err().contains("mixture"));
    let bad = URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(
        br#"{"components":[{"weight":-1,"mean":[0,0],"cov":[[1,0],[0,1]]}]}"#,
        9,
    ));
    let e = parse(&format!("#target=custom&mixture={bad}")).unwrap_err();
    assert!(e.contains("mixture") && e.contains("weight"), "{e}");
    // A mixture without the custom target is dropped, as a drawing is.
    let other = format!("#target=moons&mixture={}", encode_mixture(m.spec()));
    assert_eq!(parse(&other).unwrap().settings.mixture, None);
}

#[test]
fn a_formula_travels_in_a_link_and_a_broken_one_is_refused() {
    let mut link = Link::default();
    link.settings.target = "formula".into();
    link.settings.flow.objective = Objective::Density;
    link.settings.formula = Some(targets::FormulaSpec {
        formula: "log(exp(-(x-2)^2) + exp(-(x+2)^2)) - y^2/2".into(),
        bounds: [-4.0, 4.0, -3.0, 3.0],
    });
    let hash = encode(&link);
    assert!(
        hash.contains("box=-4%2C4%2C-3%2C3") || hash.contains("box=-4,4,-3,3"),
        "{hash}"
    );
    let back = parse_parts(&hash).unwrap();
    assert_eq!(back.settings.formula, link.settings.formula);
    assert_eq!(back.settings.target, "formula");
    // Broken: the parser's column, an unknown name, a missing box, a box out of order.
    let broken = |formula: &str, b: &str| {
        let text = format!(
            "#target=formula&formula={}&box={b}&v=2",
            utf8_percent_encode(formula, VALUE)
        );
        parse_parts(&text).map(|_| ()).expect_err("refused")
    };
    assert!(broken("x + * y", "-1,1,-1,1").contains("column 5"));
    assert!(broken("foo(x)", "-1,1,-1,1").contains("foo"));
    assert!(broken("x", "1,-1,-1,1").contains("xmin < xmax"));
    assert!(broken("x", "1,2,3").contains("box"));
    assert!(
        parse_parts("#target=formula&v=2")
            .unwrap_err()
            .contains("formula=…")
    );
    // A formula without its target is dropped, as a picture is.
    let other = parse_parts("#target=banana&formula=x&box=0,1,0,1&v=2").unwrap();
    assert_eq!(other.settings.formula, None);
}

/// Every panel the page can hide is one a link may name (the file buttons were once checked by
/// the panel but refused by the link).
#[test]
fn a_link_can_hide_the_file_buttons() {
    let link = parse("#target=rings&hide=files,model&v=2").unwrap();
    assert!(link.classroom.hides("files") && link.classroom.hides("model"));
    assert!(
        encode(&link).contains("hide=files,model"),
        "{}",
        encode(&link)
    );
}
