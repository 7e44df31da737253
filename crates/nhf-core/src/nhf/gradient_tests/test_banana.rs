//! The density the gradient checks fit: a banana written out here, so the engine's tests do
//! not depend on the target library.

use crate::rng::Rng;
use crate::targets::{Bounds, Target};

/// A smooth, non-Gaussian test density (the banana of docs/TARGETS.md, written out here so the
/// engine's tests do not depend on the target library).
pub(super) struct TestBanana;

impl Target for TestBanana {
    fn id(&self) -> &str {
        "test-banana"
    }
    fn name(&self) -> &str {
        "test banana"
    }
    fn caption(&self) -> &str {
        "banana for gradient tests"
    }
    fn bounds(&self) -> Bounds {
        Bounds::square(4.0)
    }
    fn log_prob(&self, q: [f64; 2]) -> f64 {
        let y = [q[0] / 2.0, 2.0 * q[1] + 0.8 * (q[0] * q[0] + 4.0) - 4.0];
        // Σ⁻¹ of [[1, .5], [.5, 1]] is (4/3)[[1, −.5], [−.5, 1]].
        -0.5 * (4.0 / 3.0) * (y[0] * y[0] - y[0] * y[1] + y[1] * y[1])
    }
    fn grad_log_prob(&self, q: [f64; 2]) -> [f64; 2] {
        let y = [q[0] / 2.0, 2.0 * q[1] + 0.8 * (q[0] * q[0] + 4.0) - 4.0];
        let gy = [
            -(4.0 / 3.0) * (y[0] - 0.5 * y[1]),
            -(4.0 / 3.0) * (y[1] - 0.5 * y[0]),
        ];
        [gy[0] * 0.5 + gy[1] * 1.6 * q[0], gy[1] * 2.0]
    }
    fn hessian_log_prob(&self, q: [f64; 2]) -> [[f64; 2]; 2] {
        let y = [q[0] / 2.0, 2.0 * q[1] + 0.8 * (q[0] * q[0] + 4.0) - 4.0];
        let gy1 = -(4.0 / 3.0) * (y[1] - 0.5 * y[0]);
        // Jᵀ(−Σ⁻¹)J with J's columns c₀ = (½, 1.6 q₀), c₁ = (0, 2), plus gy₁ ∇²y₁ where
        // ∇²y₁ = [[1.6, 0], [0, 0]]: −cₖᵀΣ⁻¹cₗ written out.
        let xy = -(4.0 / 3.0) * (3.2 * q[0] - 0.5);
        [
            [
                -(4.0 / 3.0) * (0.25 - 0.8 * q[0] + 2.56 * q[0] * q[0]) + 1.6 * gy1,
                xy,
            ],
            [xy, -16.0 / 3.0],
        ]
    }
    fn sample_into(&self, rng: &mut Rng, out: &mut [[f64; 2]]) {
        for o in out {
            *o = [rng.normal(), rng.normal()];
        }
    }
    fn normalized(&self) -> bool {
        false
    }
}
