//! The panel's model and optimiser settings: the flow's named choices as rows of buttons, then
//! the numbers as sliders. Any change restarts training from the seed.

use egui::{RichText, Ui};

use super::session::{Command, Session};
use super::setting_table;
use super::setting_widgets::setting_slider;
use crate::names::Named;
use crate::nhf::{Activation, BaseKind, Estimator, Kinetic, MomentumModel, Objective};

/// One named choice as a row: its label (with a tooltip for a student), then a button per
/// option, shown as `shown` (the command carries the option's own name).
fn choice_row<T: Named + PartialEq>(
    ui: &mut Ui,
    (key, label, tip): (&str, &str, &str),
    current: T,
    options: &[(T, &str)],
    commands: &mut Vec<Command>,
) {
    ui.horizontal(|ui| {
        ui.label(label).on_hover_text(tip);
        for &(kind, shown) in options {
            if ui.selectable_label(current == kind, shown).clicked() && current != kind {
                commands.push(Command::Set(key.into(), kind.name().into()));
            }
        }
    });
}

/// The model and optimiser settings; any change restarts training from the seed.
pub fn model_controls(ui: &mut Ui, session: &Session, commands: &mut Vec<Command>) {
    ui.label(RichText::new("Model").strong())
        .on_hover_text("Changing any of these starts training again from fresh parameters");
    let flow = &session.settings.flow;
    let train = &session.settings.train;
    choice_row(
        ui,
        (
            "kinetic",
            "kinetic",
            "Fixed: K(p) = \u{bd}a\u{b2}|p|\u{b2} with one learned scale a, so the learned \
             potential V alone shapes the flow (Souveton et al. 2023). Learned: K is a neural \
             network too (the original NHF of Toth et al. 2019).",
        ),
        flow.kinetic,
        &[(Kinetic::Fixed, "fixed"), (Kinetic::Learned, "learned")],
        commands,
    );
    ui.horizontal(|ui| {
        ui.label("objective").on_hover_text(
            "Samples: maximise the ELBO, a lower bound on the log-likelihood of target samples, \
             with a learned momentum encoder. Density: minimise the reverse KL to the \
             unnormalised target density (Bayesian inference).",
        );
        for kind in [Objective::Samples, Objective::Density] {
            let allowed = session.target.objectives().contains(&kind);
            let r = ui.add_enabled(
                allowed,
                egui::Button::selectable(flow.objective == kind, kind.name()),
            );
            if r.clicked() && flow.objective != kind {
                commands.push(Command::Set("objective".into(), kind.name().into()));
            }
        }
    });
    choice_row(
        ui,
        (
            "base",
            "base",
            "Where the flow starts. Standard: q and p drawn from N(0, I). Trained: a Gaussian \
             whose centre and widths are trained too, so the leapfrog steps only have to \
             shape the target, not also move and stretch it.",
        ),
        flow.base,
        // Shown as "trained", not "learned": the kinetic row above already has a "learned".
        &[
            (BaseKind::Standard, "standard"),
            (BaseKind::Learned, "trained"),
        ],
        commands,
    );
    choice_row(
        ui,
        (
            "activation",
            "units",
            "The shape of each potential's hidden units. tanh: smooth steps. softplus: smooth \
             ramps. sine: waves in the first layer, so a potential can repeat itself, and \
             rings, spirals and checkerboards come out much sharper.",
        ),
        flow.activation,
        &[
            (Activation::Tanh, "tanh"),
            (Activation::Softplus, "softplus"),
            (Activation::Sine, "sine"),
        ],
        commands,
    );
    if flow.objective == Objective::Density {
        choice_row(
            ui,
            (
                "momentum",
                "final momentum",
                "How the loss scores where the particles' momenta end. Kinetic: they should \
                 end as the kinetic energy's Gaussian, the same for every position. Encoder: a \
                 small network learns which momenta go with each end position, so the flow \
                 is not penalised for the momenta it needs to shape the target.",
            ),
            flow.momentum,
            &[
                (MomentumModel::Kinetic, "kinetic"),
                (MomentumModel::Encoder, "encoder"),
            ],
            commands,
        );
        setting_slider(ui, &session.settings, "anneal_iters", commands);
        setting_slider(ui, &session.settings, "iw_draws", commands);
        choice_row(
            ui,
            (
                "estimator",
                "gradient",
                "How each step's gradient is estimated from the draws. Standard: as the loss \
                 is written. DReG: the same gradient on average, with a noise term left out \
                 that grows with the draws per group, so groups of draws fit more closely.",
            ),
            train.estimator,
            &[(Estimator::Standard, "standard"), (Estimator::Dreg, "DReG")],
            commands,
        );
    }
    for key in ["blocks", "leapfrog_steps", "dt", "width", "lr", "batch"] {
        setting_slider(ui, &session.settings, key, commands);
    }
    // A number field, not a slider: a seed from a link can be anything up to 2³² − 1, and a
    // slider would show the end of its range instead.
    let Some(seed_setting) = setting_table::number("seed") else {
        return;
    };
    let mut seed = train.seed as f64;
    ui.horizontal(|ui| {
        let field = ui
            .add(egui::DragValue::new(&mut seed).range(seed_setting.range.clone()))
            .on_hover_text(seed_setting.tip);
        ui.label(seed_setting.label);
        if field.changed() {
            commands.push(Command::Set("seed".into(), seed_setting.json(seed)));
        }
    });
}
