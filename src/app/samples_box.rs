//! The panel's "Your samples" section, while the user's file of samples is the target: where
//! the box comes from, and the box, which the user may set in place of the robust-quantile
//! one. The edited box is a draft in egui's memory until
//! the button sends it; the target checks it whole, and a refusal changes nothing.

use egui::{RichText, Ui};

use super::box_fields::box_fields;
use super::session::{Command, Session};

/// The section, open while the target is the user's samples; pushes
/// [`Command::SamplesBox`] when the user asks.
pub fn samples_box(ui: &mut Ui, session: &Session, commands: &mut Vec<Command>) {
    let Some(samples) = session
        .settings
        .samples
        .as_ref()
        .filter(|_| session.settings.target == "samples")
    else {
        return;
    };
    egui::CollapsingHeader::new("Your samples")
        .id_salt("samples_box")
        .default_open(true)
        .show(ui, |ui| {
            // The rows and the held-out split are in the target's caption just above.
            ui.label(
                RichText::new(if samples.spec.bounds.is_some() {
                    "The box is yours: the views, the grid KL and the picture use it."
                } else {
                    "The box spans the 0.5–99.5 % quantiles of each axis, plus 10 % per side; set your own here."
                })
                .small()
                .weak(),
            );
            let id = ui.scope_id().with((&samples.hash, "draft"));
            let mut draft = ui.data_mut(|d| d.get_temp::<[f64; 4]>(id).unwrap_or(samples.bounds()));
            box_fields(ui, &mut draft);
            ui.horizontal_wrapped(|ui| {
                if ui
                    .button("Use this box")
                    .on_hover_text("Show and grade the fit on this box (the model starts afresh)")
                    .clicked()
                {
                    commands.push(Command::SamplesBox(Some(draft)));
                }
                if samples.spec.bounds.is_some()
                    && ui
                        .button("Quantile box")
                        .on_hover_text("Back to the box the rows' quantiles give")
                        .clicked()
                {
                    draft = samples.quantile_box();
                    commands.push(Command::SamplesBox(None));
                }
            });
            ui.data_mut(|d| d.insert_temp(id, draft));
        });
}
