//! A tile of [`TILE`] points held as one value, so the kernels say "all points at once" and
//! the compiler cannot vectorise the wrong loop.
//!
//! Left to itself, LLVM vectorised the kernels' outer loops (four weights at a time, gathering
//! every lane with scalar loads) instead of the eight points: three times the instructions of
//! the straightforward code. [`LaneVec`] makes the point axis explicit. For `f32` it is a
//! SIMD register pair (`wide::f32x8`: SSE2 natively, simd128 on wasm), or one AVX register in
//! the kernels' AVX clones ([`with_avx_clone`], chosen at run time); for `f64` and dual
//! numbers a plain array. Every operation is one IEEE operation per lane, in the order the
//! kernel writes it (no fused multiply-add), so the bits are the same on every platform and
//! CPU.

use std::ops::{Add, Mul, Neg, Sub};

use super::real::{Real, clamp_tanh_f32x8, fast_tanh_f32x8, tanh_rational_parts};
use super::sine::{sin_cos_poly, sin_cos_reduce, sin_cos_reduced};
use super::unit_lanes::{One, UnitLanes};

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
pub(crate) trait LaneVec<T>:
    Copy + Add<Output = Self> + Sub<Output = Self> + Mul<Output = Self> + Neg<Output = Self>
{
    /// Rows of a matrix–vector product computed together (independent accumulators in
    /// flight): 4 or 8, the two the product knows. 8 in the AVX lanes: 3 % faster in the fast
    /// AVX-512VL clone on an Intel Xeon, and 0.5–1.5 % in the exact AVX2 clone on an AMD EPYC
    /// (docs/PERFORMANCE.md, "Eight rows in the exact AVX2 kernels, and the step's ceilings").
    /// 4 here, in the lanes wasm runs, whose eight lanes are two registers each. The bits do
    /// not depend on it.
    const ROWS: usize = 4;
    /// How many kicks' W̄₂ products [`super::mlp::add_w2_products`] adds in one pass over each
    /// row (the same bits for any count; 1 is kick by kick, [`LaneVec::add_outer_row`]). One
    /// here, in the lanes wasm runs: four measured 1.1× slower in Chromium (docs/PERFORMANCE.md,
    /// "W̄₂'s products once per block"). The AVX lanes take four, the AVX-512 ones one (their
    /// two-tile rows were measured kick by kick, and not since).
    const KICKS_PER_PASS: usize = 1;
    /// The lanes the kernels' loops over hidden units take: two units at a time in the
    /// AVX-512 clones, one ([`One`]) everywhere else (see [`super::unit_lanes`]).
    type Units: UnitLanes<T>;
    /// The same value in every lane.
    fn splat(x: T) -> Self;
    /// The lanes of a stored tile.
    fn load(lane: &Lane<T>) -> Self;
    /// The lanes as a stored tile.
    fn store(self) -> Lane<T>;
    /// [`Real::tanh`] on every lane.
    fn tanh(self) -> Self;
    /// [`Real::sin_cos`] on every lane.
    fn sin_cos(self) -> (Self, Self);
    /// The first half of [`LaneVec::sin_cos`]: two values that [`LaneVec::sin_cos_finish`]
    /// turns into (sin, cos), the same bits as `sin_cos` (for the polynomial, the reduced
    /// argument and the sign of [`super::sine::sin_cos_reduce`]; by default the argument itself).
    #[inline(always)]
    fn sin_cos_start(self) -> (Self, Self) {
        (self, self)
    }
    /// The second half of [`LaneVec::sin_cos`], from [`LaneVec::sin_cos_start`]'s two values.
    #[inline(always)]
    fn sin_cos_finish(a: Self, _b: Self) -> (Self, Self) {
        a.sin_cos()
    }
    /// The first half of [`LaneVec::tanh`]: two values that [`LaneVec::tanh_finish`] turns
    /// into tanh, the same bits as `tanh` (for the rational function, the clamped argument's
    /// numerator and denominator of [`super::real::tanh_rational_parts`]; by default the
    /// argument itself).
    #[inline(always)]
    fn tanh_start(self) -> (Self, Self) {
        (self, self)
    }
    /// The second half of [`LaneVec::tanh`], from [`LaneVec::tanh_start`]'s two values.
    #[inline(always)]
    fn tanh_finish(a: Self, _b: Self) -> Self {
        a.tanh()
    }
    /// `g[j] += a · x[j] + b · y[j]` for every j (a row of W̄₂'s outer products, docs/MATH.md
    /// §3a), each term with [`LaneVec::mul_add`] and in this order.
    #[inline(always)]
    fn add_outer_row(g: &mut [Lane<T>], a: Self, x: &[Lane<T>], b: Self, y: &[Lane<T>]) {
        for ((g, x), y) in g.iter_mut().zip(x).zip(y) {
            *g = (Self::load(g) + a.mul_add(Self::load(x), b * Self::load(y))).store();
        }
    }
    /// W̄₂ += Σ over the tile's points of e₂h₁ᵀ + δ₂β₁ᵀ (docs/MATH.md §3a), summed into `sums`
    /// (W × W, one value per weight) where these lanes have a kernel for it: only the fast
    /// lanes (AVX + FMA), whose bits are free to differ (see [`super::outer_sums`]). Returns
    /// whether it did; if not, the caller adds the products per lane ([`LaneVec::add_outer_row`]).
    #[inline(always)]
    fn add_outer_sums(
        _sums: &mut [T],
        _e2: &[Lane<T>],
        _h1: &[Lane<T>],
        _delta2: &[Lane<T>],
        _beta1: &[Lane<T>],
    ) -> bool {
        false
    }
    /// The gradient's fold ([`super::workspace::Workspace::take_gradient`]) for the first
    /// parameters, by a wider method where the lanes have one: each parameter's point sum, then
    /// its eight lanes added in order, into `grad[i]`, both accumulators zeroed. Returns how
    /// many it did (none by default: the caller's loop does them all).
    #[inline(always)]
    fn fold_gradient(_grad: &mut [T], _lanes: &mut [Lane<T>], _sums: &mut [T]) -> usize {
        0
    }
    /// The first rows of `out[r] = bias[r] + Σ_j M[r, j] · x[j]` (M square, given as its
    /// transpose `mat_t`), each row the chain of [`LaneVec::mul_add`]s over j of the plain
    /// product, by a wider method where the lanes have one; returns how many rows it did (none
    /// by default: the plain product does them all).
    #[inline(always)]
    fn matvec_wide(
        _mat_t: &[T],
        _width: usize,
        _x: &[Lane<T>],
        _bias: Option<&[T]>,
        _out: &mut [Lane<T>],
    ) -> usize {
        0
    }
    /// `self · b + c` on every lane: a multiply then an add, the same bits as writing it out,
    /// except in the fast kernels' lanes, where it is one fused multiply-add.
    #[inline(always)]
    fn mul_add(self, b: Self, c: Self) -> Self {
        self * b + c
    }
}

/// The portable [`LaneVec`]: an array, every operation a loop over the lanes.
#[derive(Clone, Copy, Debug)]
pub struct ArrayLanes<T>(pub Lane<T>);

impl<T: Real> LaneVec<T> for ArrayLanes<T> {
    type Units = One<Self>;
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
    #[inline(always)]
    fn tanh(self) -> Self {
        map(self, T::tanh)
    }
    #[inline(always)]
    fn sin_cos(self) -> (Self, Self) {
        // One polynomial per lane gives both: mapping twice would evaluate it twice.
        let (mut sin, mut cos) = (self.0, self.0);
        for ((s, c), x) in sin.iter_mut().zip(&mut cos).zip(self.0) {
            (*s, *c) = x.sin_cos();
        }
        (Self(sin), Self(cos))
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

/// Defines a kernel that runs its body (generic over the lane type) compiled for AVX, with
/// [`Real::AvxV`] lanes, when the CPU has it (checked at run time; one cached load), and for
/// the target's baseline otherwise, with [`Real::V`] lanes (SSE2 on x86-64, simd128 on wasm).
/// The body must be `#[inline(always)]`, so that it and every lane operation it calls are
/// compiled inside the AVX clone.
///
/// Only the vector width changes between the two: the operations and their order are the same,
/// so both give the same bits (`mlp::tests::the_avx_clones_give_the_baseline_bits`).
///
/// Where [`cpu_has_avx512vl`] says so, an AVX-512 clone with [`Real::Avx512V`] lanes takes the
/// AVX clone's place: the same eight-lane operations, plus the 512-bit forms of the loops that
/// can take sixteen lanes with the same operations per lane (two rows of a matrix–vector
/// product, two hidden units, two tiles of W̄₂'s rows: [`LaneVec::matvec_wide`],
/// [`LaneVec::Units`], [`LaneVec::add_outer_row`]), so again the same bits.
///
/// The fast kernels are compiled for AVX and FMA with [`Real::FmaV`] lanes, whose
/// [`LaneVec::mul_add`] is fused: taken only when the user asked for speed over bit-identity
/// ([`set_fast_kernels`]) and the CPU has both; with AVX-512F/VL as well (and [`Real::Fma512V`]
/// lanes, the wide loops too) where [`cpu_has_avx512vl`] says so.
macro_rules! with_avx_clone {
    (
        $(#[$doc:meta])*
        $vis:vis fn $name:ident<T: Real>($($arg:ident: $ty:ty),* $(,)?) -> $ret:ty = $body:ident;
    ) => {
        $(#[$doc])*
        #[inline(never)]
        $vis fn $name<T: Real>($($arg: $ty),*) -> $ret {
            #[cfg(target_arch = "x86_64")]
            {
                // The bodies compiled with AVX-512F/VL as well: 32 registers, not 16, and the
                // 512-bit forms of the wide loops (docs/PERFORMANCE.md, "Sixteen lanes with
                // the same bits").
                #[target_feature(enable = "avx,fma,avx512f,avx512vl")]
                fn fma512_clone<T: Real>($($arg: $ty),*) -> $ret {
                    $body::<T, T::Fma512V>($($arg),*)
                }
                #[target_feature(enable = "avx,avx512f,avx512vl")]
                fn avx512_clone<T: Real>($($arg: $ty),*) -> $ret {
                    $body::<T, T::Avx512V>($($arg),*)
                }
                #[target_feature(enable = "avx,fma")]
                fn fma_clone<T: Real>($($arg: $ty),*) -> $ret {
                    $body::<T, T::FmaV>($($arg),*)
                }
                if $crate::nhf::lanes::fast_kernels() {
                    if $crate::nhf::lanes::cpu_has_avx512vl() {
                        // SAFETY: the CPU has AVX, FMA (`fast_kernels`) and AVX-512F/VL.
                        #[allow(unsafe_code)]
                        return unsafe { fma512_clone($($arg),*) };
                    }
                    // SAFETY: the CPU has AVX and FMA, checked by `fast_kernels`.
                    #[allow(unsafe_code)]
                    return unsafe { fma_clone($($arg),*) };
                }
                #[target_feature(enable = "avx")]
                fn avx_clone<T: Real>($($arg: $ty),*) -> $ret {
                    $body::<T, T::AvxV>($($arg),*)
                }
                if $crate::nhf::lanes::cpu_has_avx512vl() {
                    // SAFETY: the CPU has AVX and AVX-512F/VL, checked just above.
                    #[allow(unsafe_code)]
                    return unsafe { avx512_clone($($arg),*) };
                }
                if $crate::nhf::lanes::cpu_has_avx() {
                    // A function compiled for a CPU feature may only run where the CPU has it.
                    // SAFETY: the CPU has AVX, checked just above.
                    #[allow(unsafe_code)]
                    return unsafe { avx_clone($($arg),*) };
                }
            }
            $body::<T, T::V>($($arg),*)
        }
    };
}
pub(crate) use with_avx_clone;

#[cfg(target_arch = "x86_64")]
pub(crate) use super::avx_lanes::{AvxF32x8, FmaF32x8, WideAvxF32x8, WideFmaF32x8};
/// Stands in for the AVX lanes where there are none (the AVX clones exist on x86-64 only).
#[cfg(not(target_arch = "x86_64"))]
pub(crate) type AvxF32x8 = wide::f32x8;
/// Stands in for the fast lanes where there are none (x86-64 only).
#[cfg(not(target_arch = "x86_64"))]
pub(crate) type FmaF32x8 = wide::f32x8;
/// Stands in for the AVX-512 lanes where there are none (x86-64 only).
#[cfg(not(target_arch = "x86_64"))]
pub(crate) type WideAvxF32x8 = wide::f32x8;
/// Stands in for the fast AVX-512 lanes where there are none (x86-64 only).
#[cfg(not(target_arch = "x86_64"))]
pub(crate) type WideFmaF32x8 = wide::f32x8;

/// Whether the user asked for the fast kernels (default no); see [`set_fast_kernels`].
static FAST_ASKED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Asks for the fast kernels (fused multiply-adds) where the CPU has AVX and FMA: faster, but
/// the bits differ from the browser's, so a link trained this way is not reproduced bit for
/// bit elsewhere. Off by default; the CLI's `--fast` and the desktop's setting turn it on.
pub fn set_fast_kernels(on: bool) {
    FAST_ASKED.store(on, std::sync::atomic::Ordering::Relaxed);
}

/// Whether this CPU can run the fast kernels (AVX and FMA; never on wasm).
pub fn fast_kernels_available() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        use std::sync::OnceLock;
        static FMA: OnceLock<bool> = OnceLock::new();
        *FMA.get_or_init(|| {
            std::arch::is_x86_feature_detected!("avx") && std::arch::is_x86_feature_detected!("fma")
        })
    }
    #[cfg(not(target_arch = "x86_64"))]
    false
}

/// Whether the kernels take their fast clones: asked for ([`set_fast_kernels`]) and available.
#[inline]
pub fn fast_kernels() -> bool {
    FAST_ASKED.load(std::sync::atomic::Ordering::Relaxed) && fast_kernels_available()
}

/// Which kernels run, for the UI and the CLI to say: "fast (AVX + FMA)", "fast (AVX-512VL +
/// FMA)", "exact (AVX-512VL)", "exact (AVX)", "exact (SSE2)" or "exact (wasm SIMD)". Only the
/// fast ones change the bits.
pub fn kernels_in_use() -> &'static str {
    if fast_kernels() {
        #[cfg(target_arch = "x86_64")]
        if cpu_has_avx512vl() {
            return "fast (AVX-512VL + FMA)";
        }
        return "fast (AVX + FMA)";
    }
    #[cfg(target_arch = "x86_64")]
    {
        if cpu_has_avx512vl() {
            "exact (AVX-512VL)"
        } else if cpu_has_avx() {
            "exact (AVX)"
        } else {
            "exact (SSE2)"
        }
    }
    #[cfg(target_arch = "wasm32")]
    {
        "exact (wasm SIMD)"
    }
    #[cfg(not(any(target_arch = "x86_64", target_arch = "wasm32")))]
    {
        "exact"
    }
}

/// Whether the entries allow the AVX clones (default yes); see [`set_avx_allowed`].
static AVX_ALLOWED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(true);

/// Allows or forbids the kernels' AVX clones, so the baseline lanes (the ones wasm runs) can be
/// measured and tested on an AVX machine. The engine reads no environment: the native entries
/// call this when `NHF_NO_AVX` is set. Either way the bits are the same (tested); only the
/// speed differs.
pub fn set_avx_allowed(allowed: bool) {
    AVX_ALLOWED.store(allowed, std::sync::atomic::Ordering::Relaxed);
}

/// Whether the kernels take their AVX clones (see [`with_avx_clone`]): the CPU has AVX
/// (detected once) and [`set_avx_allowed`] did not forbid it.
#[cfg(target_arch = "x86_64")]
#[inline]
pub fn cpu_has_avx() -> bool {
    use std::sync::OnceLock;
    static AVX: OnceLock<bool> = OnceLock::new();
    *AVX.get_or_init(|| std::arch::is_x86_feature_detected!("avx"))
        && AVX_ALLOWED.load(std::sync::atomic::Ordering::Relaxed)
}

/// Whether the kernels take their AVX-512VL clones: [`cpu_has_avx`] and the CPU has
/// AVX-512F and AVX-512VL (detected once). `NHF_NO_AVX512` (read by the native entries through
/// [`set_avx512_allowed`]) forbids them, to measure what the extra registers buy.
#[cfg(target_arch = "x86_64")]
#[inline]
pub fn cpu_has_avx512vl() -> bool {
    use std::sync::OnceLock;
    static AVX512: OnceLock<bool> = OnceLock::new();
    cpu_has_avx()
        && *AVX512.get_or_init(|| {
            // `avx512f` also enables AVX2 and F16C in the clone: every such CPU has them, but
            // they are checked all the same, so the clone's features are all detected ones.
            std::arch::is_x86_feature_detected!("avx2")
                && std::arch::is_x86_feature_detected!("f16c")
                && std::arch::is_x86_feature_detected!("avx512f")
                && std::arch::is_x86_feature_detected!("avx512vl")
        })
        && AVX512_ALLOWED.load(std::sync::atomic::Ordering::Relaxed)
}

/// Whether the entries allow the AVX-512VL clones (default yes); see [`set_avx512_allowed`].
static AVX512_ALLOWED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(true);

/// Allows or forbids the kernels' AVX-512VL clones (the same bits either way for the exact
/// kernels; only the speed differs).
pub fn set_avx512_allowed(allowed: bool) {
    AVX512_ALLOWED.store(allowed, std::sync::atomic::Ordering::Relaxed);
}

impl LaneVec<f32> for wide::f32x8 {
    type Units = One<Self>;
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
    #[inline(always)]
    fn tanh(self) -> Self {
        fast_tanh_f32x8(self)
    }
    #[inline(always)]
    fn tanh_start(self) -> (Self, Self) {
        tanh_rational_parts(clamp_tanh_f32x8(self), wide::f32x8::splat)
    }
    #[inline(always)]
    fn tanh_finish(p: Self, q: Self) -> Self {
        p / q
    }
    #[inline(always)]
    fn sin_cos(self) -> (Self, Self) {
        sin_cos_poly(self, wide::f32x8::splat)
    }
    #[inline(always)]
    fn sin_cos_start(self) -> (Self, Self) {
        sin_cos_reduce(self, wide::f32x8::splat)
    }
    #[inline(always)]
    fn sin_cos_finish(r: Self, sign: Self) -> (Self, Self) {
        sin_cos_reduced(r, sign, wide::f32x8::splat)
    }
}

/// Applies `f` lane by lane (for the functions without a vector form).
#[inline(always)]
pub(crate) fn map<T: Real, V: LaneVec<T>>(v: V, f: impl Fn(T) -> T) -> V {
    let mut lane = v.store();
    for x in &mut lane {
        *x = f(*x);
    }
    V::load(&lane)
}

#[cfg(test)]
mod tests;
