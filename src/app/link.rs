//! Shareable links: the whole configuration in the URL's hash, TF-Playground style, e.g.
//! `#target=banana&objective=density&blocks=4&…&views=position,energy&dir=generate`.
//!
//! [`encode`] writes every key of the model it shows (the NHF's always; HMC's or the planar
//! and radial flows' with `method=`), so a link reproduces the run even if the defaults change
//! later; [`parse`] starts from the defaults and applies each `key=value`, checking it with
//! the same ranges as the sliders ([`Settings::set_field`]). A link with any bad part is
//! refused whole, with a message naming the part: the caller keeps what it had.

use std::fmt::Write as _;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use serde_json::Value;

use super::setting_table::{self, setting_keys};
use super::settings::Settings;
use super::view_set::ViewSet;
use crate::compare::Contender;
use crate::method::Method;
use crate::names::Named;
use crate::nhf::{Activation, Direction, Estimator};
use crate::targets;

/// The targets the user defines (a mixture file, a formula, a file of samples), which links
/// name besides the built-in [`targets::TARGET_IDS`].
const USER_TARGETS: [&str; 3] = ["custom", "formula", "samples"];

/// Longest link accepted, in bytes: a generous drawing fits in a few kB.
pub const MAX_LINK_BYTES: usize = 64 * 1024;

pub use super::link_payload::{decode_drawing, decode_mixture, encode_drawing, encode_mixture};

pub use super::classroom::{Classroom, PANELS, ZOOM_RANGE};

/// Everything a link carries.
#[derive(Clone, Debug, PartialEq)]
pub struct Link {
    /// Target, model, optimiser, views and animation settings.
    pub settings: Settings,
    /// Which way the particles move.
    pub direction: Direction,
    /// Classroom mode (inactive by default).
    pub classroom: Classroom,
    /// The preset the link came from, whose explanation is shown.
    pub preset: Option<String>,
    /// The methods compared side by side, when the link opens a comparison.
    pub compare: Option<Vec<Contender>>,
    /// The user's samples, when they are the target: a link names them by hash (it cannot
    /// carry a file's rows), so it opens only where that file is already open.
    pub samples: Option<SamplesNamed>,
}

/// What a link says of the user's file of samples: `data=` (the rows' content hash) and, if
/// the user set one, `box=`.
#[derive(Clone, Debug, PartialEq)]
pub struct SamplesNamed {
    /// [`crate::targets::sample_file::content_hash`] of the rows.
    pub hash: String,
    /// The user's box, if any.
    pub bounds: Option<[f64; 4]>,
}

impl Default for Link {
    fn default() -> Self {
        Self {
            settings: Settings::default(),
            direction: Direction::Generate,
            classroom: Classroom::default(),
            preset: None,
            compare: None,
            samples: None,
        }
    }
}

/// Characters escaped in values (everything but letters, digits and `-._,`).
const VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b',');

/// The link format this build writes (`v=2`). Version 2 added `base`, `momentum` and `anneal_iters`; a
/// link without `v` is version 1 and its missing keys take version 1's defaults
/// ([`Settings::link_version_1`]).
pub const LINK_VERSION: u32 = 2;

/// The hash (with its leading `#`) that reproduces `link`.
pub fn encode(link: &Link) -> String {
    let s = &link.settings;
    let mut pairs: Vec<(&str, String)> = vec![
        ("target", s.target.clone()),
        ("objective", s.flow.objective.name().into()),
        ("kinetic", s.flow.kinetic.name().into()),
        ("base", s.flow.base.name().into()),
        ("momentum", s.flow.momentum.name().into()),
        ("blocks", s.flow.blocks.to_string()),
        ("leapfrog_steps", s.flow.leapfrog_steps.to_string()),
        ("dt", s.flow.dt.to_string()),
        ("width", s.flow.width.to_string()),
        ("lr", s.train.lr.to_string()),
        ("batch", s.train.batch.to_string()),
        ("schedule_iters", s.train.schedule_iters.to_string()),
        ("anneal_iters", s.train.anneal_iters.to_string()),
        ("seed", s.train.seed.to_string()),
        ("views", s.views.visible().join(",")),
        ("dir", link.direction.name().into()),
        ("particles", s.particles.to_string()),
        ("anim_speed", s.anim_speed.to_string()),
        ("trails", u8::from(s.trails).to_string()),
        ("potential", u8::from(s.potential_background).to_string()),
    ];
    if s.flow.activation != Activation::Tanh {
        // Written only when set, as `iw_draws`: a link without it (every link made before the
        // playground offered a choice) means tanh, whatever the default becomes.
        pairs.push(("activation", s.flow.activation.name().into()));
    }
    if s.train.estimator != Estimator::Standard {
        // Written only when set, as `iw_draws`: a link without it means the standard gradient.
        pairs.push(("estimator", s.train.estimator.name().into()));
    }
    if s.train.iw_draws != 1 {
        // Written only when set: a link without it (every link made before it existed) means
        // the plain reverse KL, whatever the defaults become.
        pairs.push(("iw_draws", s.train.iw_draws.to_string()));
    }
    if s.workers != 0 {
        // Not part of what is trained (any count gives the same bits): only a chosen count.
        pairs.push(("workers", s.workers.to_string()));
    }
    if s.method != Method::Nhf {
        // Only a link to another method carries its settings: an NHF link stays as it was.
        pairs.push(("method", s.method.name().into()));
        let keys = setting_table::method_keys(s.method);
        for key in keys {
            if let Some(n) = setting_table::number(key) {
                pairs.push((key, (n.get)(s).to_string()));
            }
        }
    }
    if let (Some(grid), "drawn") = (&s.drawing, s.target.as_str()) {
        pairs.push(("drawing", encode_drawing(grid)));
    }
    if let (Some(spec), "custom") = (&s.mixture, s.target.as_str()) {
        pairs.push(("mixture", encode_mixture(spec)));
    }
    if let (Some(spec), "formula") = (&s.formula, s.target.as_str()) {
        pairs.push(("formula", spec.formula.clone()));
        pairs.push(("box", box_value(spec.bounds)));
    }
    if s.target == "samples" {
        let named = s
            .samples
            .as_ref()
            .map(|l| SamplesNamed {
                hash: l.hash.clone(),
                bounds: l.spec.bounds,
            })
            .or_else(|| link.samples.clone());
        if let Some(named) = named {
            pairs.push(("data", named.hash));
            if let Some(b) = named.bounds {
                pairs.push(("box", box_value(b)));
            }
        }
    }
    if !link.classroom.hide.is_empty() {
        pairs.push(("hide", link.classroom.hide.join(",")));
    }
    if link.classroom.zoom != 1.0 {
        pairs.push(("zoom", link.classroom.zoom.to_string()));
    }
    if let Some(p) = &link.preset {
        pairs.push(("preset", p.clone()));
    }
    if let Some(methods) = &link.compare {
        let names: Vec<&str> = methods.iter().map(|c| c.name()).collect();
        pairs.push(("compare", names.join(",")));
    }
    // Last, so a link still starts with its target.
    pairs.push(("v", LINK_VERSION.to_string()));
    let mut out = String::from("#");
    for (k, (key, value)) in pairs.iter().enumerate() {
        let sep = if k == 0 { "" } else { "&" };
        let _ = write!(out, "{sep}{key}={}", utf8_percent_encode(value, VALUE));
    }
    out
}

/// A box as links write it, `xmin,xmax,ymin,ymax` (read back by `FormulaSpec::parse_box`).
fn box_value(b: [f64; 4]) -> String {
    format!("{},{},{},{}", b[0], b[1], b[2], b[3])
}

/// The hash part of a link, whether given a whole URL, `#…` or the bare `key=value&…`.
fn hash_part(text: &str) -> &str {
    let text = text.trim();
    match text.split_once('#') {
        Some((_, hash)) => hash,
        None if text.contains("://") => "",
        None => text,
    }
}

/// A link's value as a setting value: numbers, `true`/`false`/`1`/`0` and strings.
fn setting_value(key: &str, raw: &str) -> Value {
    if key == "trails" {
        match raw {
            "1" | "true" => return Value::Bool(true),
            "0" | "false" => return Value::Bool(false),
            _ => {}
        }
    }
    match raw.parse::<f64>() {
        Ok(x) if x.is_finite() => serde_json::json!(x),
        _ => Value::String(raw.to_owned()),
    }
}

/// Reads a link (a URL, `#…`, or `key=value&…`); any bad part refuses the whole link with a
/// message naming it. An empty hash gives the defaults.
pub fn parse(text: &str) -> Result<Link, String> {
    parse_parts(text).map_err(|e| printable(&e))
}

/// The longest refusal shown: a hostile link can be 16 KB of one value.
const MAX_MESSAGE_CHARS: usize = 300;

/// A refusal as the status line may show it: a link's values are echoed in the messages, and a
/// link can carry any bytes (`%00`, `%1B[…`), so control characters are written as escapes and
/// a very long message is cut.
fn printable(message: &str) -> String {
    let mut out = String::new();
    for (n, c) in message.chars().enumerate() {
        if n == MAX_MESSAGE_CHARS {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

fn parse_parts(text: &str) -> Result<Link, String> {
    if text.len() > MAX_LINK_BYTES {
        return Err(format!(
            "the link is {} bytes long; at most {MAX_LINK_BYTES} are accepted",
            text.len()
        ));
    }
    let mut link = Link::default();
    let pairs = hash_part(text).split('&').filter(|p| !p.is_empty());
    let version = match pairs.clone().find_map(|p| p.strip_prefix("v=")) {
        None | Some("1") => 1,
        Some(v) if v == LINK_VERSION.to_string() => LINK_VERSION,
        Some(v) => {
            return Err(format!(
                "v: link format \"{v}\" is not one this build reads (1 to {LINK_VERSION})"
            ));
        }
    };
    // An empty hash is no old link: it gives today's defaults.
    if version == 1 && pairs.clone().next().is_some() {
        link.settings = Settings::link_version_1();
    }
    if pairs.clone().next().is_some() {
        // `iw_draws` is written only when it is not 1, so a link without it means 1;
        // `activation` only when it is not tanh; `estimator` only when it is not standard.
        link.settings.train.iw_draws = 1;
        link.settings.flow.activation = Activation::Tanh;
        link.settings.train.estimator = Estimator::Standard;
    }
    let mut target_given = false;
    let mut objective_given = false;
    let (mut formula_text, mut formula_box, mut data_hash) = (None, None, None);
    for pair in pairs {
        let (key, raw) = pair
            .split_once('=')
            .ok_or_else(|| format!("\"{pair}\" is not key=value"))?;
        let raw = percent_decode_str(raw)
            .decode_utf8()
            .map_err(|_| format!("{key}: the value is not UTF-8 text"))?;
        let raw = raw.as_ref();
        let s = &mut link.settings;
        match key {
            // Read above, before any other key.
            "v" => {}
            "target" => {
                if !targets::TARGET_IDS.contains(&raw) && !USER_TARGETS.contains(&raw) {
                    return Err(format!(
                        "target: unknown id \"{raw}\" (known: {})",
                        targets::TARGET_IDS.join(", ")
                    ));
                }
                s.target = raw.into();
                target_given = true;
            }
            "views" => {
                let mut views = ViewSet::none();
                for name in raw.split(',').filter(|n| !n.is_empty()) {
                    *views.flag_mut(name).ok_or_else(|| {
                        format!(
                            "views: unknown view \"{name}\" (known: {})",
                            ViewSet::NAMES.join(", ")
                        )
                    })? = true;
                }
                s.views = views;
            }
            "dir" => {
                link.direction = Direction::parse(raw)?;
            }
            "potential" => {
                s.potential_background = match raw {
                    "1" | "true" => true,
                    "0" | "false" => false,
                    _ => return Err(format!("potential: 1 or 0, got \"{raw}\"")),
                }
            }
            "drawing" => s.drawing = Some(decode_drawing(raw)?),
            "mixture" => s.mixture = Some(decode_mixture(raw)?),
            "formula" => formula_text = Some(raw.to_owned()),
            "data" => {
                if !(raw.len() == 16 && raw.bytes().all(|b| b.is_ascii_hexdigit())) {
                    return Err(format!(
                        "data: the content hash of a file of samples, 16 hex digits, got \"{raw}\""
                    ));
                }
                data_hash = Some(raw.to_ascii_lowercase());
            }
            "box" => {
                formula_box =
                    Some(targets::FormulaSpec::parse_box(raw).map_err(|e| format!("box: {e}"))?);
            }
            "hide" => {
                let mut hide = Vec::new();
                for name in raw.split(',').filter(|n| !n.is_empty()) {
                    if !PANELS.contains(&name) {
                        return Err(format!(
                            "hide: unknown panel \"{name}\" (known: {})",
                            PANELS.join(", ")
                        ));
                    }
                    hide.push(name.to_owned());
                }
                link.classroom.hide = hide;
            }
            "zoom" => {
                let (lo, hi) = ZOOM_RANGE;
                link.classroom.zoom = raw
                    .parse::<f32>()
                    .ok()
                    .filter(|z| (lo..=hi).contains(z))
                    .ok_or_else(|| format!("zoom: a number from {lo} to {hi}, got \"{raw}\""))?;
            }
            "preset" => {
                if super::presets::by_id(raw).is_none() {
                    return Err(format!("preset: unknown preset \"{raw}\""));
                }
                link.preset = Some(raw.into());
            }
            "compare" => {
                let methods = raw
                    .split(',')
                    .filter(|n| !n.is_empty())
                    .map(Contender::parse)
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|e| format!("compare: {e}"))?;
                link.compare = (!methods.is_empty()).then_some(methods);
            }
            _ if setting_keys().contains(&key) => {
                objective_given |= key == "objective";
                s.set_field(key, &setting_value(key, raw))
                    .map_err(|e| format!("{key}: {e}"))?;
            }
            _ => {
                return Err(format!(
                    "unknown key \"{key}\" (known: v, target, views, dir, potential, drawing, mixture, formula, box, data, hide, zoom, preset, compare, {})",
                    setting_keys().join(", ")
                ));
            }
        }
    }
    if link.settings.target != "drawn" {
        // A picture only travels with the drawn target, a mixture with the custom one.
        link.settings.drawing = None;
    }
    if link.settings.target != "custom" {
        link.settings.mixture = None;
    }
    if link.settings.target == "custom" && link.settings.mixture.is_none() {
        return Err("target: custom needs a mixture=… part".into());
    }
    if link.settings.target == "samples" {
        // The rows are not in the link: the session finds them among the files it has open.
        let hash = data_hash.ok_or("target: samples needs a data=… part (the file's hash)")?;
        link.samples = Some(SamplesNamed {
            hash,
            bounds: formula_box,
        });
        // Either objective fits a file of samples (the density one fits its kernel estimate);
        // the samples objective unless the link says otherwise.
        if !objective_given {
            link.settings.flow.objective = crate::nhf::Objective::Samples;
        }
        return Ok(link);
    }
    link.settings.formula = match (link.settings.target.as_str(), formula_text, formula_box) {
        ("formula", Some(formula), Some(bounds)) => Some(targets::FormulaSpec { formula, bounds }),
        ("formula", _, _) => {
            return Err("target: formula needs formula=… and box=… parts".into());
        }
        // An expression only travels with the formula target.
        _ => None,
    };
    let target = link.settings.resolve_target().map_err(|e| e.to_string())?;
    if !objective_given && target_given {
        link.settings.flow.objective = target.default_objective();
    }
    if !target.objectives().contains(&link.settings.flow.objective) {
        return Err(format!(
            "objective: {} cannot be fitted with the {} objective",
            target.name(),
            link.settings.flow.objective.name()
        ));
    }
    Ok(link)
}

#[cfg(test)]
mod tests;
