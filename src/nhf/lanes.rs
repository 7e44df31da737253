//! A tile of [`TILE`] points held as one value, so the kernels say "all points at once" and
//! the compiler cannot vectorise the wrong loop.
//!
//! Left to itself, LLVM vectorised the kernels' outer loops (four weights at a time, gathering
//! every lane with scalar loads) instead of the eight points: three times the instructions of
//! the straightforward code. [`LaneVec`] makes the point axis explicit: for `f32` it is a
//! SIMD register pair (`wide::f32x8`: SSE2 or AVX natively, simd128 on wasm), for `f64` and
//! dual numbers a plain array. Every operation is one IEEE operation per lane, in the order the
//! kernel writes it (no fused multiply-add), so the bits are the same on every platform.

use std::ops::{Add, Mul, Neg, Sub};

use super::real::Real;

/// Points processed together in the kernels.
pub const TILE: usize = 8;

/// One value per point of a tile, as stored in buffers.
pub type Lane<T> = [T; TILE];

/// A lane of zeros.
#[inline(always)]
pub fn zeros<T: Real>() -> Lane<T> {
    [T::zero(); TILE]
}

/// One value per point of a tile, as computed with: lane-wise arithmetic, loading from and
/// storing to a [`Lane`].
pub trait LaneVec<T>:
    Copy + Add<Output = Self> + Sub<Output = Self> + Mul<Output = Self> + Neg<Output = Self>
{
    /// The same value in every lane.
    fn splat(x: T) -> Self;
    /// The lanes of a stored tile.
    fn load(lane: &Lane<T>) -> Self;
    /// The lanes as a stored tile.
    fn store(self) -> Lane<T>;
}

/// The portable [`LaneVec`]: an array, every operation a loop over the lanes.
#[derive(Clone, Copy, Debug)]
pub struct ArrayLanes<T>(pub Lane<T>);

impl<T: Real> LaneVec<T> for ArrayLanes<T> {
    #[inline(always)]
    fn splat(x: T) -> Self {
        Self([x; TILE])
    }
    #[inline(always)]
    fn load(lane: &Lane<T>) -> Self {
        Self(*lane)
    }
    #[inline(always)]
    fn store(self) -> Lane<T> {
        self.0
    }
}

macro_rules! array_lanes_op {
    ($trait:ident, $method:ident, $op:tt) => {
        impl<T: Real> $trait for ArrayLanes<T> {
            type Output = Self;
            #[inline(always)]
            fn $method(mut self, rhs: Self) -> Self {
                for t in 0..TILE {
                    self.0[t] $op rhs.0[t];
                }
                self
            }
        }
    };
}
array_lanes_op!(Add, add, +=);
array_lanes_op!(Sub, sub, -=);
array_lanes_op!(Mul, mul, *=);

impl<T: Real> Neg for ArrayLanes<T> {
    type Output = Self;
    #[inline(always)]
    fn neg(mut self) -> Self {
        for t in 0..TILE {
            self.0[t] = -self.0[t];
        }
        self
    }
}

impl LaneVec<f32> for wide::f32x8 {
    #[inline(always)]
    fn splat(x: f32) -> Self {
        wide::f32x8::splat(x)
    }
    #[inline(always)]
    fn load(lane: &Lane<f32>) -> Self {
        wide::f32x8::new(*lane)
    }
    #[inline(always)]
    fn store(self) -> Lane<f32> {
        self.to_array()
    }
}

/// Applies `f` lane by lane (for the functions without a vector form).
#[inline(always)]
pub fn map<T: Real>(v: T::V, f: impl Fn(T) -> T) -> T::V {
    let mut lane = v.store();
    for x in &mut lane {
        *x = f(*x);
    }
    T::V::load(&lane)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nhf::real::fast_tanh_f32;

    #[test]
    fn vector_tanh_is_the_scalar_one_bit_for_bit() {
        let xs: Lane<f32> = [-100.0, -7.0, -1.3, -1e-3, 0.0, 0.37, 2.5, f32::INFINITY];
        let v = <f32 as Real>::tanh_v(<f32 as Real>::V::load(&xs)).store();
        for (x, y) in xs.iter().zip(v) {
            assert_eq!(fast_tanh_f32(*x).to_bits(), y.to_bits(), "x = {x}");
        }
        let nan = [f32::NAN; TILE];
        let v = <f32 as Real>::tanh_v(<f32 as Real>::V::load(&nan)).store();
        assert!(
            v.iter().all(|y| y.is_nan()),
            "a NaN must survive the clamp: {v:?}"
        );
    }

    #[test]
    fn simd_and_array_lanes_agree_bit_for_bit() {
        let a: Lane<f32> = [0.1, -2.0, 3.3, 1e-7, 5.5, -0.25, 7.0, 1e5];
        let b: Lane<f32> = [1.7, 0.3, -0.9, 4.0, 1e-3, 2.0, -3.0, 0.5];
        let simd = |x: &Lane<f32>| wide::f32x8::load(x);
        let arr = |x: &Lane<f32>| ArrayLanes::load(x);
        let s = (simd(&a) * simd(&b) + simd(&a) - (-simd(&b))).store();
        let r = (arr(&a) * arr(&b) + arr(&a) - (-arr(&b))).store();
        assert_eq!(s.map(f32::to_bits), r.map(f32::to_bits));
    }
}
