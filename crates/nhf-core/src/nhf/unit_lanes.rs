//! The lanes of one or two hidden units of a tile side by side, for the kernels' loops over
//! hidden units (activations, elementwise products, per-unit gradient entries).
//!
//! A tile's values of hidden unit j are one [`Lane`] (eight points), and those of units j and
//! j + 1 sit next to each other in the kernels' buffers. Where the CPU has 512-bit registers
//! (the AVX-512 clones of [`super::lanes::with_avx_clone`]), a loop over units takes two units
//! per register: sixteen lanes, each running the operations the one-unit loop runs for its unit
//! and point, in the same order, so the bits are the same. Everywhere else the unit type is
//! [`One`], one unit per value, and the loops are what they were.
//!
//! Only loops whose units are independent may take two at once: a sum over units (the force's
//! g = W₁ᵀδ₁) keeps its one chain, unit after unit, in the tile's own lanes.

use std::ops::{Add, Mul, Neg, Sub};

use super::lanes::{Lane, LaneVec};
use super::real::Real;

/// Lanes of [`UnitLanes::UNITS`] consecutive hidden units of a tile: lane-wise arithmetic, and
/// loads and stores of the units' lanes in the kernels' buffers.
pub(crate) trait UnitLanes<T>:
    Copy + Add<Output = Self> + Sub<Output = Self> + Mul<Output = Self> + Neg<Output = Self>
{
    /// Hidden units per value: 1 or 2.
    const UNITS: usize;
    /// The same value in every lane.
    fn splat(x: T) -> Self;
    /// [`Real::tanh`] on every lane.
    fn tanh(self) -> Self;
    /// [`Real::sin_cos`] on every lane.
    fn sin_cos(self) -> (Self, Self);
    /// [`LaneVec::tanh_start`] on every lane.
    fn tanh_start(self) -> (Self, Self);
    /// [`LaneVec::tanh_finish`] on every lane.
    fn tanh_finish(a: Self, b: Self) -> Self;
    /// [`LaneVec::sin_cos_start`] on every lane.
    fn sin_cos_start(self) -> (Self, Self);
    /// [`LaneVec::sin_cos_finish`] on every lane.
    fn sin_cos_finish(a: Self, b: Self) -> (Self, Self);
    /// `f` on every lane (for the functions without a vector form).
    fn map(self, f: impl Fn(T) -> T) -> Self;
    /// The lanes of unit j + u hold the scalar `vals[stride·(j + u) + offset]` (a weight of the
    /// unit).
    fn per_unit(vals: &[T], stride: usize, offset: usize, j: usize) -> Self;
    /// The tile's per-point values (a coordinate of q, say) in the lanes of every unit.
    fn per_point(lane: &Lane<T>) -> Self;
    /// The lanes of unit j + u from `buf[stride·(j + u) + offset]`.
    fn load_units(buf: &[Lane<T>], stride: usize, offset: usize, j: usize) -> Self;
    /// Stores the lanes of unit j + u to `buf[stride·(j + u) + offset]`.
    fn store_units(self, buf: &mut [Lane<T>], stride: usize, offset: usize, j: usize);
    /// A tile's eight lanes while a sum over units accumulates in them (see
    /// [`UnitLanes::chain`]), held in a register across the loop.
    type Acc: Copy;
    /// The accumulator from a stored tile.
    fn acc_load(lane: &Lane<T>) -> Self::Acc;
    /// The accumulator as a stored tile.
    fn acc_store(acc: Self::Acc) -> Lane<T>;
    /// `acc = vals[stride·(j + u) + offset] · self_u + acc` (with [`LaneVec::mul_add`]) for
    /// u = 0, 1, … in turn, self_u being unit j + u's lanes: a sum over units, kept as one
    /// chain in the tile's eight lanes.
    fn chain(self, vals: &[T], stride: usize, offset: usize, j: usize, acc: Self::Acc)
    -> Self::Acc;
    /// `buf[…] = buf[…] + self` at the places of [`UnitLanes::load_units`].
    #[inline(always)]
    fn add_into_units(self, buf: &mut [Lane<T>], stride: usize, offset: usize, j: usize) {
        (Self::load_units(buf, stride, offset, j) + self).store_units(buf, stride, offset, j);
    }
}

/// One hidden unit's lanes: a tile's [`LaneVec`] as a [`UnitLanes`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct One<V>(pub V);

macro_rules! one_op {
    ($trait:ident, $method:ident) => {
        impl<V: $trait<Output = V>> $trait for One<V> {
            type Output = Self;
            #[inline(always)]
            fn $method(self, rhs: Self) -> Self {
                One(self.0.$method(rhs.0))
            }
        }
    };
}
one_op!(Add, add);
one_op!(Sub, sub);
one_op!(Mul, mul);

impl<V: Neg<Output = V>> Neg for One<V> {
    type Output = Self;
    #[inline(always)]
    fn neg(self) -> Self {
        One(-self.0)
    }
}

impl<T: Real, V: LaneVec<T>> UnitLanes<T> for One<V> {
    const UNITS: usize = 1;
    #[inline(always)]
    fn splat(x: T) -> Self {
        One(V::splat(x))
    }
    #[inline(always)]
    fn tanh(self) -> Self {
        One(self.0.tanh())
    }
    #[inline(always)]
    fn sin_cos(self) -> (Self, Self) {
        let (s, c) = self.0.sin_cos();
        (One(s), One(c))
    }
    #[inline(always)]
    fn tanh_start(self) -> (Self, Self) {
        let (a, b) = self.0.tanh_start();
        (One(a), One(b))
    }
    #[inline(always)]
    fn tanh_finish(a: Self, b: Self) -> Self {
        One(V::tanh_finish(a.0, b.0))
    }
    #[inline(always)]
    fn sin_cos_start(self) -> (Self, Self) {
        let (a, b) = self.0.sin_cos_start();
        (One(a), One(b))
    }
    #[inline(always)]
    fn sin_cos_finish(a: Self, b: Self) -> (Self, Self) {
        let (s, c) = V::sin_cos_finish(a.0, b.0);
        (One(s), One(c))
    }
    #[inline(always)]
    fn map(self, f: impl Fn(T) -> T) -> Self {
        let mut lane = self.0.store();
        for x in &mut lane {
            *x = f(*x);
        }
        One(V::load(&lane))
    }
    #[inline(always)]
    fn per_unit(vals: &[T], stride: usize, offset: usize, j: usize) -> Self {
        One(V::splat(vals[stride * j + offset]))
    }
    #[inline(always)]
    fn per_point(lane: &Lane<T>) -> Self {
        One(V::load(lane))
    }
    #[inline(always)]
    fn load_units(buf: &[Lane<T>], stride: usize, offset: usize, j: usize) -> Self {
        One(V::load(&buf[stride * j + offset]))
    }
    #[inline(always)]
    fn store_units(self, buf: &mut [Lane<T>], stride: usize, offset: usize, j: usize) {
        buf[stride * j + offset] = self.0.store();
    }
    type Acc = V;
    #[inline(always)]
    fn acc_load(lane: &Lane<T>) -> V {
        V::load(lane)
    }
    #[inline(always)]
    fn acc_store(acc: V) -> Lane<T> {
        acc.store()
    }
    #[inline(always)]
    fn chain(self, vals: &[T], stride: usize, offset: usize, j: usize, acc: V) -> V {
        V::splat(vals[stride * j + offset]).mul_add(self.0, acc)
    }
}

/// Runs `$f::<T, U>(units, args…)` over the hidden units j < `$w`: the first ones two at a
/// time with the lanes' [`LaneVec::Units`] where those hold two, the rest one at a time with
/// [`One`]. Each function loops over its range itself, so what it makes once per call (the
/// tile's per-point values) is made once, not once per unit.
macro_rules! each_unit {
    ($t:ty, $v:ty, $w:expr, $f:ident($($arg:expr),* $(,)?)) => {{
        // (No type alias for the units: an item inside a function cannot name its generics.)
        let step = <<$v as $crate::nhf::lanes::LaneVec<$t>>::Units
            as $crate::nhf::unit_lanes::UnitLanes<$t>>::UNITS;
        let (w, split) = ($w, $w - $w % step);
        $f::<$t, <$v as $crate::nhf::lanes::LaneVec<$t>>::Units>(0..split, $($arg),*);
        $f::<$t, $crate::nhf::unit_lanes::One<$v>>(split..w, $($arg),*);
    }};
}
pub(crate) use each_unit;
