//! Files the playground writes and reads: the trained model (the engine's versioned JSON, see
//! [`crate::nhf::model_file`]) and samples as CSV. Making the bytes is here; delivering them
//! (a download in the browser, a file on disk natively) is the entries' job.

use super::settings::Settings;
use crate::nhf::Trainer;
use crate::nhf::model_file::ModelFile;
use crate::rng::Rng;
use crate::targets::Target;

/// Most samples one export writes.
pub const MAX_EXPORT_SAMPLES: usize = 100_000;
/// Largest model file read, in bytes (the biggest model the sliders allow is far smaller).
pub const MAX_MODEL_BYTES: usize = 32 * 1024 * 1024;

/// A file ready to hand to the user.
#[derive(Clone, Debug, PartialEq)]
pub struct FileOut {
    /// Suggested file name.
    pub name: String,
    /// Media type (for the browser's download).
    pub mime: &'static str,
    /// The contents.
    pub bytes: Vec<u8>,
}

/// The trained model with its settings, target (a painted picture included) and optimiser
/// state, so loading it resumes training exactly.
pub fn model_file(settings: &Settings, t: &Trainer) -> FileOut {
    let definition = settings.target_definition();
    let file = ModelFile::new(
        &t.flow,
        &t.train,
        &settings.target,
        definition,
        t.step,
        Some(t.adam.clone()),
    );
    FileOut {
        name: format!("nhf-{}-step{}.json", settings.target, t.step),
        mime: "application/json",
        bytes: file.to_json().into_bytes(),
    }
}

/// `n` samples of the model (generative direction) in the target's display coordinates, as
/// CSV with the axes' names in the header; seeded from the run's seed so an export repeats.
pub fn samples_csv(trainer: &Trainer, target: &dyn Target, n: usize) -> FileOut {
    let n = n.clamp(1, MAX_EXPORT_SAMPLES);
    let mut rng = Rng::seed_from_u64(trainer.train.seed.wrapping_add(101));
    let axes = target.display_axes();
    let mut out = format!("{},{}\n", axes[0], axes[1]);
    for q in trainer.flow.sample(n, &mut rng) {
        let d = target.to_display(q);
        if d.iter().all(|x| x.is_finite()) {
            out.push_str(&format!("{},{}\n", d[0], d[1]));
        }
    }
    FileOut {
        name: format!("nhf-{}-step{}-samples.csv", target.id(), trainer.step),
        mime: "text/csv",
        bytes: out.into_bytes(),
    }
}

/// The pixels of `rect` (in physical pixels, clamped to the image) of a screenshot as a PNG.
pub fn png_of(image: &egui::ColorImage, rect: [usize; 4], name: String) -> Result<FileOut, String> {
    let [w, h] = image.size;
    let x0 = rect[0].min(w);
    let y0 = rect[1].min(h);
    let x1 = (rect[0] + rect[2]).min(w);
    let y1 = (rect[1] + rect[3]).min(h);
    if x1 <= x0 || y1 <= y0 {
        return Err("nothing to export: the views are not on screen".into());
    }
    let mut pixels = Vec::with_capacity((x1 - x0) * (y1 - y0) * 4);
    for y in y0..y1 {
        for c in &image.pixels[y * w + x0..y * w + x1] {
            pixels.extend_from_slice(&c.to_array());
        }
    }
    let buffer = image::RgbaImage::from_raw((x1 - x0) as u32, (y1 - y0) as u32, pixels)
        .ok_or("the screenshot has the wrong size")?;
    let mut bytes = std::io::Cursor::new(Vec::new());
    buffer
        .write_to(&mut bytes, image::ImageFormat::Png)
        .map_err(|e| format!("PNG encoding failed: {e}"))?;
    Ok(FileOut {
        name,
        mime: "image/png",
        bytes: bytes.into_inner(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_crop_of_a_screenshot_encodes_to_a_png_of_that_size() {
        let mut image = egui::ColorImage::filled([40, 30], egui::Color32::BLACK);
        image.pixels[5 * 40 + 12] = egui::Color32::RED;
        let file = png_of(&image, [10, 5, 20, 10], "v.png".into()).unwrap();
        let back = image::load_from_memory(&file.bytes).unwrap().to_rgba8();
        assert_eq!(back.dimensions(), (20, 10));
        assert_eq!(back.get_pixel(2, 0).0, [255, 0, 0, 255]);
        assert!(png_of(&image, [50, 0, 10, 10], "x.png".into()).is_err());
        // A rectangle reaching past the edge is clamped.
        let file = png_of(&image, [30, 20, 100, 100], "e.png".into()).unwrap();
        let back = image::load_from_memory(&file.bytes).unwrap().to_rgba8();
        assert_eq!(back.dimensions(), (10, 10));
    }
}
