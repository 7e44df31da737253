//! Tests of the lanes: the vector forms of tanh and sin_cos against the scalar ones.

use super::*;
use crate::nhf::real::fast_tanh_f32;
use crate::nhf::sine::fast_sin_cos_f32;

/// Both vector forms of tanh (`LaneVec::tanh`, not `wide`'s own inherent `tanh`, which is
/// a different approximation) against the scalar one.
#[test]
fn vector_tanh_is_the_scalar_one_bit_for_bit() {
    fn check<V: LaneVec<f32>>(name: &str) {
        let xs: Lane<f32> = [-100.0, -7.0, -1.3, -1e-3, -0.0, 0.37, 2.5, f32::INFINITY];
        let v = LaneVec::tanh(V::load(&xs)).store();
        for (x, y) in xs.iter().zip(v) {
            assert_eq!(fast_tanh_f32(*x).to_bits(), y.to_bits(), "{name}: x = {x}");
        }
        let nan = [f32::NAN; TILE];
        let v = LaneVec::tanh(V::load(&nan)).store();
        assert!(
            v.iter().all(|y| y.is_nan()),
            "{name}: a NaN must survive the clamp: {v:?}"
        );
    }
    check::<<f32 as Real>::V>("baseline");
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx") {
        check::<AvxF32x8>("AVX");
    }
}

/// tanh and sin_cos in two halves (`*_start` then `*_finish`, as the kernels' loops run
/// them) give the scalar functions' bits, in the baseline lanes, the AVX ones, and the
/// portable `f64` lanes (whose halves are the default: the argument, then the whole).
#[test]
fn the_halves_give_the_whole_functions_bits() {
    fn check<V: LaneVec<f32>>(name: &str) {
        let mut rng = crate::rng::Rng::seed_from_u64(5);
        let specials = [-0.0, 0.0, 7.9, -7.91, 40.0, 1e7, f32::INFINITY, f32::NAN];
        let random = (0..400).map(|_| (6.0 * rng.normal()) as f32);
        let xs: Vec<f32> = specials.into_iter().chain(random).collect();
        for lane in xs.chunks_exact(TILE) {
            let x = V::load(lane.try_into().unwrap());
            let (p, q) = x.tanh_start();
            let (r, sign) = x.sin_cos_start();
            let (s, c) = V::sin_cos_finish(r, sign);
            let got = (V::tanh_finish(p, q).store(), s.store(), c.store());
            for (i, &x) in lane.iter().enumerate() {
                let (ws, wc) = fast_sin_cos_f32(x);
                let same = |a: f32, b: f32| a.to_bits() == b.to_bits() || a.is_nan() && b.is_nan();
                assert!(same(got.0[i], fast_tanh_f32(x)), "{name}: tanh {x}");
                assert!(
                    same(got.1[i], ws) && same(got.2[i], wc),
                    "{name}: sin_cos {x}"
                );
            }
        }
    }
    check::<<f32 as Real>::V>("baseline");
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx") {
        check::<AvxF32x8>("AVX");
    }
    let x = ArrayLanes([0.3f64, -2.0, 5.0, 0.0, -0.0, 1e3, -7.5, 2.25]);
    let (p, q) = x.tanh_start();
    let (r, sign) = x.sin_cos_start();
    let (s, c) = ArrayLanes::sin_cos_finish(r, sign);
    for (i, v) in x.0.iter().enumerate() {
        assert_eq!(ArrayLanes::tanh_finish(p, q).0[i], libm::tanh(*v));
        assert_eq!((s.0[i], c.0[i]), (libm::sin(*v), libm::cos(*v)));
    }
}
