//! The two payloads a link can carry besides settings: a painted picture (`drawing=…`) and a
//! Gaussian mixture (`mixture=…`), each made short enough for an address bar and checked whole
//! when read back.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::targets::{Bounds, CustomMixture, DrawnGrid, DrawnTarget, MixtureSpec};

/// Largest inflated drawing accepted, in bytes (one byte per cell).
const MAX_DRAWING_BYTES: usize = 256 * 256;

/// A drawing as `NXxNY,xmin,xmax,ymin,ymax,DATA`: DATA is the cells quantised to a byte
/// (0–255 of the largest value), deflated and base64url-encoded. Painted pictures are mostly
/// empty or flat, so a 64×64 picture takes a few hundred characters.
pub fn encode_drawing(grid: &DrawnGrid) -> String {
    let max = grid.values.iter().copied().fold(0.0f32, f32::max);
    let bytes: Vec<u8> = grid
        .values
        .iter()
        .map(|&v| {
            if max > 0.0 {
                (v / max * 255.0).round().clamp(0.0, 255.0) as u8
            } else {
                0
            }
        })
        .collect();
    let packed = miniz_oxide::deflate::compress_to_vec(&bytes, 9);
    let b = grid.bounds.0;
    format!(
        "{}x{},{},{},{},{},{}",
        grid.nx,
        grid.ny,
        b[0][0],
        b[0][1],
        b[1][0],
        b[1][1],
        URL_SAFE_NO_PAD.encode(packed)
    )
}

/// A custom mixture as its JSON, deflated and base64url-encoded.
pub fn encode_mixture(spec: &MixtureSpec) -> String {
    let json = serde_json::to_vec(spec).unwrap_or_default();
    URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(&json, 9))
}

/// Reads [`encode_mixture`]'s format, validating the mixture like a file.
pub fn decode_mixture(text: &str) -> Result<MixtureSpec, String> {
    let packed = URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|e| format!("mixture: the data is not base64url ({e})"))?;
    let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_DRAWING_BYTES)
        .map_err(|e| format!("mixture: the data does not inflate ({e:?})"))?;
    let text = String::from_utf8(json).map_err(|_| "mixture: not UTF-8 text".to_string())?;
    CustomMixture::from_json(&text)
        .map(|m| m.spec().clone())
        .map_err(|e| format!("mixture: {e}"))
}

/// Reads [`encode_drawing`]'s format, validating it like a painted picture.
pub fn decode_drawing(text: &str) -> Result<DrawnGrid, String> {
    let parts: Vec<&str> = text.split(',').collect();
    let [size, x0, x1, y0, y1, data] = parts[..] else {
        return Err("drawing: expected NXxNY,xmin,xmax,ymin,ymax,data".into());
    };
    let (nx, ny) = size
        .split_once('x')
        .and_then(|(a, b)| Some((a.parse::<usize>().ok()?, b.parse::<usize>().ok()?)))
        .ok_or_else(|| format!("drawing: size \"{size}\" is not NXxNY"))?;
    if nx.saturating_mul(ny) > MAX_DRAWING_BYTES {
        return Err(format!(
            "drawing: {nx}x{ny} cells is more than the {MAX_DRAWING_BYTES} allowed"
        ));
    }
    let num = |t: &str| {
        t.parse::<f64>()
            .map_err(|_| format!("drawing: \"{t}\" is not a number"))
    };
    let bounds = Bounds([[num(x0)?, num(x1)?], [num(y0)?, num(y1)?]]);
    let packed = URL_SAFE_NO_PAD
        .decode(data)
        .map_err(|e| format!("drawing: the data is not base64url ({e})"))?;
    let bytes = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_DRAWING_BYTES)
        .map_err(|e| format!("drawing: the data does not inflate ({e:?})"))?;
    let values: Vec<f32> = bytes.iter().map(|&b| f32::from(b) / 255.0).collect();
    DrawnTarget::from_grid(&values, nx, ny, bounds)
        .map(|t| t.grid().clone())
        .map_err(|e| format!("drawing: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::targets::DrawnTarget;
    use proptest::prelude::*;

    #[test]
    fn an_empty_drawing_is_refused() {
        let mut grid = DrawnTarget::heart().grid().clone();
        grid.values.iter_mut().for_each(|v| *v = 0.0);
        let text = encode_drawing(&grid);
        assert!(decode_drawing(&text).unwrap_err().contains("empty"));
    }

    proptest! {
        /// Every drawing survives the link up to its byte quantisation.
        #[test]
        fn drawings_round_trip_within_quantisation(
            cells in proptest::collection::vec(0.0f32..1.0, 16..=16),
        ) {
            let mut values = cells.clone();
            values[5] = 1.0;
            let grid = DrawnGrid { nx: 4, ny: 4, bounds: Bounds::square(2.0), values };
            let back = decode_drawing(&encode_drawing(&grid)).unwrap();
            prop_assert_eq!(back.nx, 4);
            for (a, b) in back.values.iter().zip(&grid.values) {
                prop_assert!((a - b).abs() <= 0.5 / 255.0 + 1e-6);
            }
        }
    }
}
