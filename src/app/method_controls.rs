//! The panel's method picker, and the run controls and settings of the methods other than
//! the NHF (HMC, L2HMC, the planar and radial flows); the NHF's own are in `panel.rs`.

use egui::{RichText, Ui};

use super::session::method_run::MethodRun;
use super::session::{Command, Session};
use super::setting_widgets::{rect_of, setting_slider};
use super::status::UiReport;
use crate::method::Method;
use crate::names::Named;

/// One sentence per method for a student: what it is and where it sits in the story.
fn explanation(method: Method) -> &'static str {
    match method {
        Method::Nhf => {
            "Neural Hamiltonian Flow: leapfrog steps on a learned potential V(q) carry a \
             Gaussian onto the target; volume is preserved, so its density is exact."
        }
        Method::Planar => {
            "Planar flow (Rezende & Mohamed 2015): each layer bends the plane along one line, \
             z + u tanh(w·z + b), with a one-line Jacobian determinant."
        }
        Method::Radial => {
            "Radial flow (Rezende & Mohamed 2015): each layer pulls points toward or pushes \
             them from a centre, with a one-line Jacobian determinant."
        }
        Method::Hmc => {
            "Hamiltonian Monte Carlo: leapfrog steps on the target's own potential −log p, \
             then a Metropolis test. Exact in the limit, nothing to train; the NHF learns the \
             potential instead."
        }
        Method::L2hmc => {
            "L2HMC (Levy, Hoffman & Sohl-Dickstein 2018): small networks scale and shift each \
             leapfrog step, trained to jump far and be accepted; the Metropolis test, with the \
             map's volume change, keeps it exact. The NHF learns the potential; L2HMC learns \
             the leapfrog."
        }
    }
}

/// The method picker (under the target), and the button that compares them all.
pub fn method_picker(
    ui: &mut Ui,
    session: &Session,
    widgets: &mut UiReport,
    commands: &mut Vec<Command>,
) {
    ui.label(RichText::new("Method").strong());
    // One row that never wraps: a wrap that came and went with the panel's width (its
    // scroll bar, a longer caption) moved everything below it by a line between frames.
    ui.horizontal(|ui| {
        ui.spacing_mut().item_spacing.x = 3.0;
        for &method in Method::ALL {
            let selected = session.settings.method == method;
            if ui
                .selectable_label(selected, method.name())
                .on_hover_text(explanation(method))
                .clicked()
                && !selected
            {
                commands.push(Command::Set("method".into(), method.name().into()));
            }
        }
    });
    ui.label(
        RichText::new(explanation(session.settings.method))
            .small()
            .weak(),
    );
    let (label, contenders) = if session.comparison.is_some() {
        ("Close the comparison", Vec::new())
    } else {
        (
            "Compare methods side by side",
            super::session::comparison::DEFAULT_CONTENDERS.to_vec(),
        )
    };
    let button = ui.button(label).on_hover_text(
        "Run planar, radial, HMC, L2HMC and the NHF in turn on this target and show their \
         draws and figures side by side",
    );
    widgets.compare_button = rect_of(&button);
    if button.clicked() {
        commands.push(Command::Compare(contenders));
    }
}

/// Run, step and reset, the run's figures and the method's settings; nothing for the NHF.
pub fn method_controls(
    ui: &mut Ui,
    session: &Session,
    widgets: &mut UiReport,
    commands: &mut Vec<Command>,
) {
    let (title, verb) = match &session.method_run {
        MethodRun::Nhf => return,
        MethodRun::Chains(_) => ("Sampling", "Sample"),
        MethodRun::Layers(_) => ("Training", "Train"),
    };
    ui.label(RichText::new(title).strong());
    ui.horizontal(|ui| {
        let (label, cmd) = if session.running {
            ("Pause", Command::Pause)
        } else if session.finished.is_some() {
            ("Continue", Command::Train)
        } else {
            (verb, Command::Train)
        };
        let run = ui.button(label).on_hover_text("Start or pause (space)");
        widgets.train_button = rect_of(&run);
        if run.clicked() {
            commands.push(cmd);
        }
        if ui
            .button("Step")
            .on_hover_text("One iteration, then watch it")
            .clicked()
        {
            commands.push(Command::Step);
        }
        let reset = ui
            .button("Reset")
            .on_hover_text("Start again from the seed (R)");
        widgets.reset_button = rect_of(&reset);
        if reset.clicked() {
            commands.push(Command::Reset);
        }
    });
    if let Some(text) = &session.finished {
        ui.label(RichText::new(text).small());
    }
    ui.separator();
    let keys = super::setting_table::method_keys(session.settings.method);
    ui.label(RichText::new("Settings").strong())
        .on_hover_text("Changing any of these starts again from the seed");
    for key in keys {
        setting_slider(ui, &session.settings, key, commands);
    }
}
