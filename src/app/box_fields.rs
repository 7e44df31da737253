//! The four edges of a box, `[xmin, xmax, ymin, ymax]`, as two rows of number fields: the
//! typed formula's box and the box of the user's samples are edited alike.

use egui::Ui;

/// "x from [ ] to [ ]" and "y from [ ] to [ ]", editing `b` in place; true when an edge
/// changed this frame.
pub fn box_fields(ui: &mut Ui, b: &mut [f64; 4]) -> bool {
    let mut changed = false;
    for (axis, edges) in ["x", "y"].into_iter().zip(b.chunks_exact_mut(2)) {
        ui.horizontal_wrapped(|ui| {
            ui.label(format!("{axis} from"));
            changed |= ui
                .add(egui::DragValue::new(&mut edges[0]).speed(0.1))
                .changed();
            ui.label("to");
            changed |= ui
                .add(egui::DragValue::new(&mut edges[1]).speed(0.1))
                .changed();
        });
    }
    changed
}
