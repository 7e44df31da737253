//! The link parser under random input: it never panics, whatever it accepts encodes back to
//! itself, and what it refuses says so in printable text.

use nhf_playground::app::link::{encode, parse};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// No input makes the parser panic; whatever it accepts encodes to a link that
    /// parses back to the same thing.
    #[test]
    fn parse_never_panics_and_what_it_accepts_round_trips(text in "\\\\PC{0,200}") {
        if let Ok(link) = parse(&text) {
            prop_assert_eq!(parse(&encode(&link)).unwrap(), link);
        }
    }

    /// Links built from plausible keys and values: mostly near-misses of valid ones.
    #[test]
    fn near_valid_links_never_panic(
        pairs in proptest::collection::vec(
            (
                prop::sample::select(vec![
                    "target", "blocks", "dt", "lr", "views", "dir", "zoom", "hide",
                    "drawing", "seed", "batch", "objective", "kinetic", "trails",
                ]),
                "[a-z0-9.,=%x_-]{0,12}",
            ),
            0..8,
        )
    ) {
        let text: String = pairs
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&");
        match parse(&format!("#{text}")) {
            Ok(link) => prop_assert_eq!(parse(&encode(&link)).unwrap(), link),
            Err(e) => prop_assert!(!e.chars().any(char::is_control), "{:?}", e),
        }
    }
}
