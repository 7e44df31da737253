//! "Same target, several methods" as a class sees it: one tile per method with the density of
//! its draws on the target's colour scale, its progress while it runs, and below the tiles
//! one table of the figures `nhf-playground compare` prints (docs/MATH.md §11).

use egui::{Color32, RichText, Ui, vec2};

use super::super::colormap::density_image_scaled;
use super::backdrop::Backdrop;
use crate::app::session::comparison::{ComparisonRun, LaneState};
use crate::app::session::method_run::LAYER_DENSITY_CELLS;
use crate::app::session::{Command, Session};
use crate::compare::{Contender, Outcome};

/// One line per method for the tile's hover text: what it spends.
fn cost(contender: Contender, run: &ComparisonRun) -> String {
    let b = &run.budget;
    match contender {
        Contender::Nhf | Contender::NhfLearned => format!(
            "{} training iterations by the reverse KL, then {} draws",
            b.train_iters, b.flow_draws
        ),
        Contender::Planar | Contender::Radial => format!(
            "{} layers, {} training iterations by the reverse KL, then {} draws",
            b.layers, b.train_iters, b.flow_draws
        ),
        Contender::Hmc => format!(
            "{} chains: warm-up adapting the step size, then {} draws each",
            b.chains, b.draws_per_chain
        ),
        Contender::L2hmc => format!(
            "{} chains: {} training iterations, then {} draws each",
            b.chains, b.l2hmc_train_iters, b.draws_per_chain
        ),
    }
}

/// What a tile's texture shows: the target (its key), the method and the seed.
type TileKey = ((String, u64), &'static str, u64);

/// The comparison's view and its textures.
#[derive(Default)]
pub struct CompareView {
    backdrop: Backdrop,
    /// Each finished method's density texture, by (target key, method, seed).
    tiles: Vec<(TileKey, egui::TextureHandle)>,
}

impl CompareView {
    /// Draws the comparison into the available space; returns what the user asked.
    pub fn ui(&mut self, ui: &mut Ui, session: &Session, run: &ComparisonRun) -> Vec<Command> {
        let mut commands = Vec::new();
        self.header(ui, session, run, &mut commands);
        let n = LAYER_DENSITY_CELLS;
        let (target_texture, max) = self.backdrop.small_target(ui.ctx(), session, n);
        let key = session.target_key();
        self.tiles.retain(|((k, _, _), _)| *k == key);
        // Tiles: the target, then each method; as many columns as keep them largest while the
        // table keeps the room it needs below.
        let count = run.lanes.len() + 1;
        let table_height = 28.0 + 22.0 * run.lanes.len() as f32;
        let avail = ui.available_size();
        let gap = ui.spacing().item_spacing.x;
        let caption = 36.0;
        let (columns, side) = (1..=count)
            .map(|cols| {
                let rows = count.div_ceil(cols);
                let by_width = (avail.x - gap * (cols - 1) as f32) / cols as f32;
                let by_height = (avail.y - table_height) / rows as f32 - caption;
                (cols, by_width.min(by_height).floor())
            })
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .unwrap_or((1, 100.0));
        let side = side.clamp(60.0, 420.0);
        egui::Grid::new("compare-tiles")
            .spacing(vec2(gap, 4.0))
            .show(ui, |ui| {
                for k in 0..count {
                    ui.vertical(|ui| {
                        ui.set_width(side);
                        if k == 0 {
                            tile_image(ui, &target_texture, side);
                            ui.label(RichText::new("target").strong());
                            ui.label(RichText::new("exact density").small().weak());
                        } else {
                            self.lane_tile(ui, session, run, k - 1, side, max);
                        }
                    });
                    if (k + 1) % columns == 0 {
                        ui.end_row();
                    }
                }
            });
        ui.add_space(4.0);
        figures_table(ui, run);
        commands
    }

    /// The title, the methods to include, and the buttons.
    fn header(
        &mut self,
        ui: &mut Ui,
        session: &Session,
        run: &ComparisonRun,
        commands: &mut Vec<Command>,
    ) {
        ui.horizontal_wrapped(|ui| {
            ui.label(
                RichText::new(format!(
                    "Same target, several methods: {}",
                    session.target.name()
                ))
                .strong(),
            );
            let state = if run.is_done() { "done" } else { "running…" };
            ui.label(RichText::new(state).weak());
            ui.separator();
            let chosen = run.contenders();
            for contender in Contender::ALL {
                let mut on = chosen.contains(&contender);
                if ui.checkbox(&mut on, contender.name()).changed() {
                    let methods: Vec<Contender> = Contender::ALL
                        .into_iter()
                        .filter(|c| {
                            if *c == contender {
                                on
                            } else {
                                chosen.contains(c)
                            }
                        })
                        .collect();
                    if !methods.is_empty() {
                        commands.push(Command::Compare(methods));
                    }
                }
            }
            ui.separator();
            if ui
                .button("Run again")
                .on_hover_text("The same methods from the seed again")
                .clicked()
            {
                commands.push(Command::Compare(chosen));
            }
            if ui
                .button("Close")
                .on_hover_text("Back to the method's own views")
                .clicked()
            {
                commands.push(Command::Compare(Vec::new()));
            }
        });
        ui.label(
            RichText::new(
                "Each method runs in turn at its defaults on a classroom budget; every one ends \
                 with draws, shown on the target's colour scale. Binned KL: how far the draws' \
                 histogram is from the target's (0 is a perfect match). ESS: effective draws in \
                 percent.",
            )
            .small()
            .weak(),
        );
    }

    /// One method's tile: its draws' density once measured, else its progress.
    fn lane_tile(
        &mut self,
        ui: &mut Ui,
        session: &Session,
        run: &ComparisonRun,
        index: usize,
        side: f32,
        max: f64,
    ) {
        let lane = &run.lanes[index];
        let name = lane.contender.name();
        let hover = cost(lane.contender, run);
        match &lane.state {
            LaneState::Done { outcome, density } => {
                let key = (session.target_key(), name, run.budget.seed);
                if !self.tiles.iter().any(|(k, _)| *k == key) {
                    let image = density_image_scaled(density, LAYER_DENSITY_CELLS, max);
                    let texture = ui.ctx().load_texture(
                        format!("compare-{name}"),
                        image,
                        egui::TextureOptions::NEAREST,
                    );
                    self.tiles.push((key.clone(), texture));
                }
                if let Some((_, texture)) = self.tiles.iter().find(|(k, _)| *k == key) {
                    tile_image(ui, texture, side).on_hover_text(&hover);
                }
                ui.label(RichText::new(name).strong());
                ui.label(RichText::new(headline(outcome)).small().monospace());
            }
            LaneState::Failed(e) => {
                placeholder(ui, side, "failed");
                ui.label(RichText::new(name).strong());
                ui.label(RichText::new(e).small().color(ui.visuals().error_fg_color));
            }
            LaneState::Running(entrant) => {
                let progress = entrant.progress() as f32;
                placeholder(ui, side, "running");
                ui.label(RichText::new(name).strong()).on_hover_text(&hover);
                ui.add(
                    egui::ProgressBar::new(progress)
                        .desired_width(side)
                        .text(format!("{:.0}%", 100.0 * progress)),
                );
            }
            LaneState::Waiting => {
                placeholder(ui, side, "waiting");
                ui.label(RichText::new(name).strong()).on_hover_text(&hover);
                ui.label(RichText::new("waiting").small().weak());
            }
        }
    }
}

/// A texture as a square tile.
fn tile_image(ui: &mut Ui, texture: &egui::TextureHandle, side: f32) -> egui::Response {
    ui.add(egui::Image::new((texture.id(), vec2(side, side))))
}

/// An empty square with a word in it, where a method's density will be.
fn placeholder(ui: &mut Ui, side: f32, word: &str) {
    let (rect, _) = ui.allocate_exact_size(vec2(side, side), egui::Sense::hover());
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 2.0, ui.visuals().extreme_bg_color);
    painter.text(
        rect.center(),
        egui::Align2::CENTER_CENTER,
        word,
        egui::FontId::proportional(13.0),
        Color32::from_gray(140),
    );
}

/// The tile's one-line figures.
fn headline(o: &Outcome) -> String {
    let kl = o.kl.map_or("—".into(), |k| format!("{k:.3}"));
    let ess = o.ess.map_or("—".into(), |e| format!("{e:.1}%"));
    format!("KL {kl} · ESS {ess}")
}

/// The figures of every finished method, as `nhf-playground compare` prints them.
fn figures_table(ui: &mut Ui, run: &ComparisonRun) {
    let show = |x: Option<f64>, digits: usize| x.map_or("—".into(), |v| format!("{v:.digits$}"));
    egui::Grid::new("compare-figures")
        .striped(true)
        .num_columns(7)
        .show(ui, |ui| {
            for (head, tip) in [
                ("method", "The method, at its defaults"),
                ("params", "Numbers it learns (HMC learns none)"),
                (
                    "binned KL",
                    "KL of its draws' 32×32 histogram from the target's",
                ),
                ("ESS %", "Effective sample size in percent of its draws"),
                (
                    "acceptance",
                    "Share of proposals the Metropolis test accepted",
                ),
                (
                    "gradients",
                    "Evaluations of ∇ log p spent, training included",
                ),
                ("seconds", "Wall time of training and sampling here"),
            ] {
                ui.label(RichText::new(head).strong()).on_hover_text(tip);
            }
            ui.end_row();
            for lane in &run.lanes {
                ui.label(lane.contender.name());
                if let LaneState::Done { outcome: o, .. } = &lane.state {
                    ui.monospace(o.params.map_or("—".into(), |p| p.to_string()));
                    ui.monospace(show(o.kl, 3));
                    ui.monospace(show(o.ess, 1));
                    ui.monospace(show(o.acceptance, 2));
                    ui.monospace(format!("{:.2e}", o.grad_evals as f64));
                    ui.monospace(format!("{:.1}", o.seconds));
                } else {
                    for _ in 0..6 {
                        ui.monospace("…");
                    }
                }
                ui.end_row();
            }
        });
}
