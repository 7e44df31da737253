//! Property tests over the file parsers a user can feed (model files, custom mixtures): no
//! input makes them panic, and damaged versions of a valid file are refused with a message
//! rather than half-read.

use nhf_core::nhf::model_file::ModelFile;
use nhf_core::nhf::{Flow, FlowConfig, TrainConfig};
use nhf_core::targets::CustomMixture;
use proptest::prelude::*;

fn valid_model() -> String {
    let config = FlowConfig {
        blocks: 1,
        width: 4,
        encoder_width: 4,
        ..FlowConfig::default()
    };
    let flow = Flow::new(config, 1).unwrap();
    ModelFile::new(&flow, &TrainConfig::default(), "moons", None, 3, None).to_json()
}

const MIXTURE: &str = r#"{"components":[{"weight":1,"mean":[0,0],"cov":[[1,0.3],[0.3,2]]},{"weight":2,"mean":[3,1],"cov":[[0.5,0],[0,0.5]]}]}"#;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn model_parser_never_panics_on_arbitrary_text(text in "\\PC{0,300}") {
        let _ = ModelFile::from_json(&text);
    }

    /// A valid file with one span of bytes replaced: parsed whole or refused, never a panic,
    /// and anything accepted is a usable flow.
    #[test]
    fn damaged_model_files_are_refused_or_usable(
        start in 0usize..2000, len in 0usize..40, junk in "[0-9a-z{}\\[\\],:\".eE+-]{0,12}",
    ) {
        let text = valid_model();
        let start = start.min(text.len());
        let end = (start + len).min(text.len());
        if text.is_char_boundary(start) && text.is_char_boundary(end) {
            let damaged = format!("{}{}{}", &text[..start], junk, &text[end..]);
            if let Ok(file) = ModelFile::from_json(&damaged) {
                prop_assert!(file.flow().is_ok());
            }
        }
    }

    #[test]
    fn mixture_parser_never_panics(text in "\\PC{0,300}") {
        let _ = CustomMixture::from_json(&text);
    }

    /// Numbers in a valid mixture replaced by arbitrary ones (huge, negative, NaN-like):
    /// refused with a message or accepted as a proper density.
    #[test]
    fn mixtures_with_arbitrary_numbers_are_refused_or_proper(
        values in proptest::collection::vec(prop_oneof![
            Just("0".to_string()), Just("-1".to_string()), Just("1e308".to_string()),
            Just("1e-320".to_string()), Just("NaN".to_string()), (-5.0f64..5.0).prop_map(|x| x.to_string()),
        ], 14),
    ) {
        // Every number of the valid file, in order, becomes the next arbitrary value.
        let mut text = String::new();
        let mut k = 0;
        let mut chars = MIXTURE.chars().peekable();
        while let Some(c) = chars.next() {
            if c.is_ascii_digit() {
                while chars.peek().is_some_and(|d| d.is_ascii_digit() || *d == '.') {
                    chars.next();
                }
                text.push_str(&values[k % values.len()]);
                k += 1;
            } else {
                text.push(c);
            }
        }
        prop_assert_eq!(k, 14);
        if let Ok(m) = CustomMixture::from_json(&text) {
            use nhf_core::targets::Target;
            let lp = m.log_prob([0.1, -0.2]);
            prop_assert!(!lp.is_nan(), "accepted {text} but log_prob is NaN");
        }
    }
}
