//! The panel's "Type a log-density" section: an expression in x and y and its box, made the
//! target by a button. The draft lives in egui's memory (it is the text being edited, not a
//! setting); what the button sends is checked whole by the target before anything changes,
//! and a refusal shows as the app's error with its reason (the column of a syntax error, the
//! unknown names, the point where it is not a number).

use egui::{RichText, Ui};

use super::box_fields::box_fields;
use super::session::{Command, Session};
use crate::targets::FormulaSpec;

/// What the editor shows before the user types: a ring of radius 2 and width 0.3.
fn example() -> FormulaSpec {
    FormulaSpec {
        formula: "-((sqrt(x^2 + y^2) - 2) / 0.3)^2 / 2".into(),
        bounds: [-4.0, 4.0, -4.0, 4.0],
    }
}

/// The section, collapsed until opened; pushes [`Command::Formula`] when the user asks.
pub fn formula_editor(ui: &mut Ui, session: &Session, commands: &mut Vec<Command>) {
    egui::CollapsingHeader::new("Type a log-density")
        .id_salt("formula_editor")
        .show(ui, |ui| {
            let id = ui.scope_id().with("draft");
            let mut draft = ui.data_mut(|d| {
                d.get_temp::<FormulaSpec>(id)
                    .unwrap_or_else(|| session.settings.formula.clone().unwrap_or_else(example))
            });
            ui.label(
                RichText::new(
                    "log p(x, y) up to a constant: + − * / ^, ( ), pi, e, exp, log, sqrt, abs, sin, cos, tan, tanh, sigmoid, softplus, min, max, logsumexp",
                )
                .small()
                .weak(),
            );
            ui.add(
                egui::TextEdit::multiline(&mut draft.formula)
                    .desired_rows(2)
                    .desired_width(ui.available_width() - 8.0)
                    .font(egui::TextStyle::Monospace)
                    .hint_text("-(x^2 + y^2) / 2"),
            )
            .on_hover_text("The log-density in x and y; it need not be normalised");
            box_fields(ui, &mut draft.bounds);
            if ui
                .button("Use this density")
                .on_hover_text("Check the formula on the box and make it the target (the density objective fits it)")
                .clicked()
            {
                commands.push(Command::Formula(draft.clone()));
            }
            ui.data_mut(|d| d.insert_temp(id, draft));
        });
}
