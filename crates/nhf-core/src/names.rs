//! The names of the engine's choices (`fixed`, `learned`, `samples`, `generate`, …), as links,
//! model files, settings and the command line spell them. The spelling is serde's (each enum's
//! `rename_all`), so it is written once: [`Named::name`] and [`Named::parse`] read it from
//! serde, and every variant is listed in [`Named::ALL`] for messages and pickers.

use serde::{Serialize, de::DeserializeOwned};

use crate::method::Method;
use crate::nhf::{Activation, BaseKind, Direction, Estimator, Kinetic, MomentumModel};
use crate::targets::Objective;

/// An enum of named choices whose names are its serde spelling.
pub trait Named: Sized + Copy + Serialize + DeserializeOwned + 'static {
    /// Every variant, in the order pickers and messages list them.
    const ALL: &'static [Self];
    /// What the choice is, for messages ("kinetic", "objective", …).
    const WHAT: &'static str;

    /// The variant's name.
    fn name(self) -> &'static str {
        // Every variant is in ALL, and serde spells each as a string; the position in ALL
        // picks the matching name from `names()`.
        let names = Self::names();
        Self::ALL
            .iter()
            .position(|v| same(*v, self))
            .map_or("?", |i| names[i])
    }

    /// Every variant's name, in [`Named::ALL`] order.
    fn names() -> Vec<&'static str> {
        Self::ALL.iter().map(|v| serde_name(*v)).collect()
    }

    /// The variant named `text`; otherwise a message naming the choice and listing the names.
    fn parse(text: &str) -> Result<Self, String> {
        serde_json::from_value(serde_json::Value::String(text.to_owned())).map_err(|_| {
            format!(
                "{} is {}, got \"{}\"",
                Self::WHAT,
                Self::names()
                    .iter()
                    .map(|n| format!("\"{n}\""))
                    .collect::<Vec<_>>()
                    .join(" or "),
                text.escape_debug()
            )
        })
    }
}

/// serde's spelling of one variant, leaked once per variant and name (a handful of short
/// strings for the program's life), so names can be `&'static str` like the ids of targets.
fn serde_name<T: Serialize>(value: T) -> &'static str {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static NAMES: OnceLock<Mutex<HashMap<String, &'static str>>> = OnceLock::new();
    let Ok(serde_json::Value::String(name)) = serde_json::to_value(value) else {
        return "?";
    };
    let mut map = NAMES
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    map.entry(name.clone())
        .or_insert_with(|| Box::leak(name.into_boxed_str()))
}

/// Whether two variants are the same (by their serde form, so no `PartialEq` bound is needed).
fn same<T: Serialize>(a: T, b: T) -> bool {
    serde_json::to_value(a).ok() == serde_json::to_value(b).ok()
}

impl Named for Kinetic {
    const ALL: &'static [Self] = &[Self::Fixed, Self::Learned];
    const WHAT: &'static str = "kinetic";
}

impl Named for BaseKind {
    const ALL: &'static [Self] = &[Self::Standard, Self::Learned];
    const WHAT: &'static str = "base";
}

impl Named for MomentumModel {
    const ALL: &'static [Self] = &[Self::Kinetic, Self::Encoder];
    const WHAT: &'static str = "momentum";
}

impl Named for Objective {
    const ALL: &'static [Self] = &[Self::Samples, Self::Density];
    const WHAT: &'static str = "objective";
}

impl Named for Direction {
    const ALL: &'static [Self] = &[Self::Generate, Self::Normalize];
    const WHAT: &'static str = "dir";
}

impl Named for Method {
    const ALL: &'static [Self] = &[
        Self::Nhf,
        Self::Planar,
        Self::Radial,
        Self::Hmc,
        Self::L2hmc,
    ];
    const WHAT: &'static str = "method";
}

impl Named for Estimator {
    const ALL: &'static [Self] = &[Self::Standard, Self::Dreg];
    const WHAT: &'static str = "estimator";
}

impl Named for Activation {
    const ALL: &'static [Self] = &[Self::Tanh, Self::Softplus, Self::Sine];
    const WHAT: &'static str = "activation";
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every variant's name parses back to it, and the spellings are the files' and links'.
    #[test]
    fn names_round_trip_and_are_the_serde_spellings() {
        fn check<T: Named + std::fmt::Debug + PartialEq>(expected: &[&str]) {
            assert_eq!(T::names(), expected);
            for v in T::ALL {
                assert_eq!(T::parse(v.name()), Ok(*v));
                assert_eq!(
                    serde_json::to_value(v).unwrap(),
                    serde_json::Value::String(v.name().into())
                );
            }
        }
        check::<Kinetic>(&["fixed", "learned"]);
        check::<BaseKind>(&["standard", "learned"]);
        check::<MomentumModel>(&["kinetic", "encoder"]);
        check::<Method>(&["nhf", "planar", "radial", "hmc", "l2hmc"]);
        check::<Objective>(&["samples", "density"]);
        check::<Direction>(&["generate", "normalize"]);
        check::<Activation>(&["tanh", "softplus", "sine"]);
        let err = Kinetic::parse("nope\0").unwrap_err();
        assert_eq!(err, "kinetic is \"fixed\" or \"learned\", got \"nope\\0\"");
    }
}
