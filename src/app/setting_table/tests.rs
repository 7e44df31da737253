use super::*;

/// Each setting accepts its range's ends and refuses just outside them, through the same
/// path links and the panel take; the defaults lie inside.
#[test]
fn each_range_is_what_set_field_accepts_and_holds_the_default() {
    let defaults = Settings::default();
    for n in NUMBERS {
        let (lo, hi) = (*n.range.start(), *n.range.end());
        assert!(n.range.contains(&(n.get)(&defaults)), "{}: default", n.key);
        let step = if n.whole {
            1.0
        } else {
            lo.abs().max(1e-9) * 1e-3
        };
        let mut s = Settings::default();
        s.set_field(n.key, &n.json(lo))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((n.get)(&s), lo, "{}", n.key);
        s.set_field(n.key, &n.json(hi))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((n.get)(&s), hi, "{}", n.key);
        if lo - step >= 0.0 || !n.whole {
            assert!(
                s.set_field(n.key, &serde_json::json!(lo - step)).is_err(),
                "{}",
                n.key
            );
        }
        assert!(
            s.set_field(n.key, &serde_json::json!(hi + step)).is_err(),
            "{}",
            n.key
        );
    }
}
