//! The panel's "Your samples" section, while the user's file of samples is the target: what
//! was read (rows, held-out tenth, where the box comes from) and the box, which the user may
//! set in place of the robust-quantile one. The edited box is a draft in egui's memory until
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
            let rows = samples.spec.rows.len();
            ui.label(
                RichText::new(format!(
                    "{} rows from {}; every tenth ({}) is held out to measure the fit. The box {}.",
                    rows,
                    samples.spec.name,
                    rows / 10,
                    if samples.spec.bounds.is_some() {
                        "is yours"
                    } else {
                        "spans the 0.5–99.5 % quantiles of each axis, plus 10 % per side"
                    }
                ))
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
