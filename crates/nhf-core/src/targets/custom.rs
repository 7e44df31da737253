//! User-given Gaussian mixtures read from JSON (docs/TARGETS.md "Custom mixture").
//!
//! Schema: `{"components": [{"weight": 1.0, "mean": [x, y], "cov": [[a, b], [b, c]]}, …],
//! "box": [[xmin, xmax], [ymin, ymax]], "name": "…"}` with `box` and `name` optional.
//! The text is walked by hand (through `serde_json::Value`) rather than deserialised straight
//! into a struct, so that every refusal names the exact field, e.g.
//! `components[2].cov: not positive definite`. Nothing in here panics on any input.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::mixtures::{GaussianMixture, MAX_COMPONENTS};
use super::{Bounds, Objective, SAMPLES_FIRST, Target, TargetError};
use crate::rng::Rng;

/// Largest accepted |mean| and box coordinate: keeps every intermediate finite.
const MAX_COORD: f64 = 1e6;
/// Accepted range of variances: beyond it densities over- or underflow in f64.
const VARIANCE_RANGE: (f64, f64) = (1e-12, 1e12);
/// Relative tolerance on cov[0][1] = cov[1][0].
const SYMMETRY_TOL: f64 = 1e-9;

/// One component as written in the file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ComponentSpec {
    /// Relative weight (> 0; weights need not sum to 1).
    pub weight: f64,
    /// Mean [x, y].
    pub mean: [f64; 2],
    /// Covariance [[a, b], [b, c]].
    pub cov: [[f64; 2]; 2],
}

/// A custom mixture as written in the file (what [`CustomMixture::to_json`] writes back).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MixtureSpec {
    /// Display name (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The components, 1 to 64.
    pub components: Vec<ComponentSpec>,
    /// Viewing box (optional; default: the means ± 4 standard deviations).
    #[serde(default, rename = "box", skip_serializing_if = "Option::is_none")]
    pub bbox: Option<[[f64; 2]; 2]>,
}

/// A validated user-given Gaussian mixture: exact density and sampler.
#[derive(Clone, Debug)]
pub struct CustomMixture {
    spec: MixtureSpec,
    name: String,
    caption: String,
    bounds: Bounds,
    mixture: GaussianMixture,
}

impl CustomMixture {
    /// Parses and validates the JSON text. Malformed JSON gives serde's message (with line
    /// and column); a well-formed file with a bad value names the field.
    pub fn from_json(text: &str) -> Result<Self, TargetError> {
        let root: Value =
            serde_json::from_str(text).map_err(|e| TargetError::Json(e.to_string()))?;
        Self::from_spec(spec_from_value(&root)?)
    }

    /// Validates a spec built in code (the app's mixture editor) and builds the target.
    pub fn from_spec(spec: MixtureSpec) -> Result<Self, TargetError> {
        let n = spec.components.len();
        if n == 0 {
            return Err(TargetError::invalid(
                "components",
                "needs at least 1 component, got 0",
            ));
        }
        if n > MAX_COMPONENTS {
            return Err(TargetError::invalid(
                "components",
                format!("at most {MAX_COMPONENTS} components are allowed, got {n}"),
            ));
        }
        let mut parts = Vec::with_capacity(n);
        for (i, c) in spec.components.iter().enumerate() {
            parts.push(validate_component(i, c)?);
        }
        let total: f64 = parts.iter().map(|p| p.0).sum();
        if !total.is_finite() {
            return Err(TargetError::invalid(
                "components",
                "the weights sum to infinity",
            ));
        }
        let bounds = match spec.bbox {
            Some(b) => validate_box(b)?,
            None => default_box(&parts),
        };
        let name = spec
            .name
            .clone()
            .unwrap_or_else(|| "Custom mixture".to_owned());
        let caption = format!(
            "Custom mixture of {n} Gaussian{} (from a JSON file); exact density and sampler.",
            if n == 1 { "" } else { "s" }
        );
        Ok(Self {
            mixture: GaussianMixture::new(&parts),
            spec,
            name,
            caption,
            bounds,
        })
    }

    /// The spec, as read.
    pub fn spec(&self) -> &MixtureSpec {
        &self.spec
    }

    /// The JSON text of the spec (round-trips through [`CustomMixture::from_json`]).
    pub fn to_json(&self) -> String {
        // Serialising plain numbers, strings and arrays cannot fail.
        serde_json::to_string_pretty(&self.spec).unwrap_or_default()
    }
}

/// Walks the parsed JSON into a spec, naming the field at the first problem.
fn spec_from_value(root: &Value) -> Result<MixtureSpec, TargetError> {
    let obj = root.as_object().ok_or_else(|| {
        TargetError::invalid(
            "(top level)",
            "expected an object with a \"components\" array",
        )
    })?;
    check_keys(obj, "", &["components", "box", "name"])?;
    let list = obj
        .get("components")
        .ok_or_else(|| TargetError::invalid("components", "missing"))?
        .as_array()
        .ok_or_else(|| TargetError::invalid("components", "expected an array of components"))?;
    if list.len() > MAX_COMPONENTS {
        return Err(TargetError::invalid(
            "components",
            format!(
                "at most {MAX_COMPONENTS} components are allowed, got {}",
                list.len()
            ),
        ));
    }
    let mut components = Vec::with_capacity(list.len());
    for (i, item) in list.iter().enumerate() {
        let at = format!("components[{i}]");
        let c = item.as_object().ok_or_else(|| {
            TargetError::invalid(&at, "expected an object with weight, mean and cov")
        })?;
        check_keys(c, &format!("{at}."), &["weight", "mean", "cov"])?;
        let field = |key: &str| {
            c.get(key)
                .ok_or_else(|| TargetError::invalid(format!("{at}.{key}"), "missing"))
        };
        let weight = number(field("weight")?, &format!("{at}.weight"))?;
        let mean = pair(field("mean")?, &format!("{at}.mean"), "[x, y]")?;
        let cov_at = format!("{at}.cov");
        let rows = field("cov")?
            .as_array()
            .filter(|r| r.len() == 2)
            .ok_or_else(|| TargetError::invalid(&cov_at, "expected [[a, b], [b, c]]"))?;
        let cov = [
            pair(&rows[0], &format!("{cov_at}[0]"), "[a, b]")?,
            pair(&rows[1], &format!("{cov_at}[1]"), "[b, c]")?,
        ];
        components.push(ComponentSpec { weight, mean, cov });
    }
    let bbox = match obj.get("box") {
        None | Some(Value::Null) => None,
        Some(b) => {
            let rows = b.as_array().filter(|r| r.len() == 2).ok_or_else(|| {
                TargetError::invalid("box", "expected [[xmin, xmax], [ymin, ymax]]")
            })?;
            Some([
                pair(&rows[0], "box[0]", "[xmin, xmax]")?,
                pair(&rows[1], "box[1]", "[ymin, ymax]")?,
            ])
        }
    };
    let name = match obj.get("name") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(TargetError::invalid("name", "expected a string")),
    };
    Ok(MixtureSpec {
        name,
        components,
        bbox,
    })
}

/// Refuses keys outside `allowed` (a typo such as "covariance" would otherwise be ignored).
fn check_keys(obj: &Map<String, Value>, prefix: &str, allowed: &[&str]) -> Result<(), TargetError> {
    match obj.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) => Err(TargetError::invalid(
            format!("{prefix}{k}"),
            format!("unknown field (expected {})", allowed.join(", ")),
        )),
        None => Ok(()),
    }
}

/// A JSON number as f64 (type check only; finiteness is checked by the caller's rules).
fn number(v: &Value, at: &str) -> Result<f64, TargetError> {
    v.as_f64()
        .ok_or_else(|| TargetError::invalid(at, format!("expected a number, got {v}")))
}

/// A JSON array of exactly two numbers.
fn pair(v: &Value, at: &str, shape: &str) -> Result<[f64; 2], TargetError> {
    let a = v
        .as_array()
        .filter(|a| a.len() == 2)
        .ok_or_else(|| TargetError::invalid(at, format!("expected {shape}")))?;
    Ok([
        number(&a[0], &format!("{at}[0]"))?,
        number(&a[1], &format!("{at}[1]"))?,
    ])
}

/// Checks one component and returns it as (weight, mean, (a, b, c)).
fn validate_component(
    i: usize,
    c: &ComponentSpec,
) -> Result<(f64, [f64; 2], [f64; 3]), TargetError> {
    let at = |f: &str| format!("components[{i}].{f}");
    if !c.weight.is_finite() {
        return Err(TargetError::invalid(
            at("weight"),
            "must be a finite number",
        ));
    }
    if c.weight <= 0.0 {
        return Err(TargetError::invalid(
            at("weight"),
            format!("must be > 0, got {}", c.weight),
        ));
    }
    if c.mean.iter().any(|m| !m.is_finite() || m.abs() > MAX_COORD) {
        return Err(TargetError::invalid(
            at("mean"),
            format!("must be finite numbers of magnitude at most {MAX_COORD:e}"),
        ));
    }
    let [[a, b1], [b2, d]] = c.cov;
    if [a, b1, b2, d].iter().any(|v| !v.is_finite()) {
        return Err(TargetError::invalid(at("cov"), "must be finite numbers"));
    }
    let scale = a.abs().max(d.abs()).max(b1.abs()).max(b2.abs());
    if (b1 - b2).abs() > SYMMETRY_TOL * scale {
        return Err(TargetError::invalid(
            at("cov"),
            format!("not symmetric (cov[0][1] = {b1}, cov[1][0] = {b2})"),
        ));
    }
    let b = 0.5 * (b1 + b2);
    let (lo, hi) = VARIANCE_RANGE;
    if a <= 0.0 || d <= 0.0 || a * d - b * b <= 1e-12 * a * d {
        return Err(TargetError::invalid(at("cov"), "not positive definite"));
    }
    if !(lo..=hi).contains(&a) || !(lo..=hi).contains(&d) {
        return Err(TargetError::invalid(
            at("cov"),
            format!("variances must lie between {lo:e} and {hi:e}"),
        ));
    }
    Ok((c.weight, c.mean, [a, b, d]))
}

/// Checks a user-given box: finite, not huge, each side non-empty.
fn validate_box(b: [[f64; 2]; 2]) -> Result<Bounds, TargetError> {
    for (axis, [lo, hi]) in b.iter().enumerate() {
        let at = format!("box[{axis}]");
        if !lo.is_finite() || !hi.is_finite() || lo.abs() > MAX_COORD || hi.abs() > MAX_COORD {
            return Err(TargetError::invalid(
                at,
                format!("must be finite numbers of magnitude at most {MAX_COORD:e}"),
            ));
        }
        if lo >= hi {
            return Err(TargetError::invalid(
                at,
                format!("minimum {lo} must be below maximum {hi}"),
            ));
        }
    }
    Ok(Bounds(b))
}

/// The means ± 4 standard deviations, over all components.
fn default_box(parts: &[(f64, [f64; 2], [f64; 3])]) -> Bounds {
    let mut b = [[f64::INFINITY, f64::NEG_INFINITY]; 2];
    for (_, m, [a, _, d]) in parts {
        for (axis, var) in [(0, a), (1, d)] {
            let r = 4.0 * var.sqrt();
            b[axis][0] = b[axis][0].min(m[axis] - r);
            b[axis][1] = b[axis][1].max(m[axis] + r);
        }
    }
    Bounds(b)
}

impl Target for CustomMixture {
    fn id(&self) -> &str {
        "custom"
    }
    fn name(&self) -> &str {
        &self.name
    }
    fn caption(&self) -> &str {
        &self.caption
    }
    fn bounds(&self) -> Bounds {
        self.bounds
    }
    fn log_prob(&self, q: [f64; 2]) -> f64 {
        self.mixture.log_prob(q)
    }
    fn grad_log_prob(&self, q: [f64; 2]) -> [f64; 2] {
        self.mixture.grad_log_prob(q)
    }
    fn hessian_log_prob(&self, q: [f64; 2]) -> [[f64; 2]; 2] {
        self.mixture.hessian_log_prob(q)
    }
    fn sample_into(&self, rng: &mut Rng, out: &mut [[f64; 2]]) {
        for slot in out.iter_mut() {
            *slot = self.mixture.sample(rng);
        }
    }
    fn normalized(&self) -> bool {
        true
    }
    fn objectives(&self) -> &'static [Objective] {
        SAMPLES_FIRST
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn to_json_round_trips() {
        let text = r#"{"name": "two", "components": [
            {"weight": 1, "mean": [0, 1], "cov": [[1, 0.2], [0.2, 0.5]]},
            {"weight": 3.5, "mean": [-2, 0.5], "cov": [[0.3, 0], [0, 0.3]]}],
            "box": [[-5, 5], [-4, 4]]}"#;
        let m = CustomMixture::from_json(text).expect("valid");
        let again = CustomMixture::from_json(&m.to_json()).expect("round trip");
        assert_eq!(m.spec(), again.spec());
        assert_eq!(again.name(), "two");
        assert_eq!(again.bounds(), Bounds([[-5.0, 5.0], [-4.0, 4.0]]));
    }

    #[test]
    fn default_box_is_means_plus_minus_four_sd() {
        let m = CustomMixture::from_json(
            r#"{"components": [{"weight": 1, "mean": [1, -1], "cov": [[4, 0], [0, 0.25]]}]}"#,
        )
        .expect("valid");
        assert_eq!(m.bounds(), Bounds([[-7.0, 9.0], [-3.0, 1.0]]));
    }
}
