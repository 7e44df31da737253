//! One-click classroom demos: each is a link (see [`super::link`]) and a short explanation
//! shown beside the views while it is active.

/// A preset demo.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Preset {
    /// Identifier, as links spell it (`preset=…`).
    pub id: &'static str,
    /// The button's title.
    pub title: &'static str,
    /// What to look at, for a student, in a few sentences.
    pub explanation: &'static str,
    /// The settings, as a link hash.
    pub link: &'static str,
}

/// Every preset, in the order the panel lists them.
pub const PRESETS: [Preset; 11] = [
    Preset {
        id: "euler-vs-leapfrog",
        title: "Why leapfrog? Euler vs leapfrog",
        explanation: "The same loop of particles is moved by explicit Euler and by leapfrog on \
            the flow's own potential. Leapfrog is a composition of shears, so it keeps \
            phase-space area exactly (the right plot stays at 1) and its energy error stays \
            bounded; Euler's area and energy drift away. Area preservation is why an NHF needs \
            no Jacobian determinant: the density just moves with the particles. Train, and \
            step through the blocks with the arrow keys to compare each block's potential.",
        link: "#target=8gaussians&views=position,integrators,energy&dir=generate",
    },
    Preset {
        id: "fixed-vs-learned",
        title: "Fixed vs learned kinetic energy",
        explanation: "Here each block learns its kinetic energy K(p) as a network too (Toth et \
            al. 2019), with more parameters. Train and watch the loss; then switch 'kinetic' \
            to fixed in the model settings (Souveton et al. 2023: K = a^2|p|^2/2 with one \
            learned scale) and compare the loss curve, the parameter count and the phase \
            space. The fixed version usually fits as well with fewer parameters, and its \
            potential stays interpretable.",
        link: "#target=moons&kinetic=learned&views=position,phase,training&dir=generate",
    },
    Preset {
        id: "potential-is-neg-log-p",
        title: "The learned potential is -log p",
        explanation: "One block with a fixed kinetic energy: the only thing it can learn is the \
            potential V(q) that pulls the particles. Train, and watch V (left of the \
            interpretability view) come to resemble -log p of the target (middle): their \
            correlation, weighted where the target has mass, climbs towards 1. Deep wells of V \
            are where the target has its modes.",
        link: "#target=three-modes&blocks=1&leapfrog_steps=10&dt=0.2&views=position,interpretability,training&dir=generate",
    },
    Preset {
        id: "planar-flows",
        title: "Planar and radial flows",
        explanation: "Rezende & Mohamed (2015): a Gaussian pushed through K simple invertible \
            layers, each bending the plane along one line, with a Jacobian determinant that \
            costs one line of arithmetic. Train and scrub through the layers to see each one \
            fold the cloud. Set 'layers K' to 2 and to 32 (the paper's Figure 3: more layers, \
            closer fits), and pick radial to pull and push around centres instead. The NHF \
            needs no determinant at all: its leapfrog steps preserve volume.",
        link: "#target=u1&method=planar&layers=8",
    },
    Preset {
        id: "hmc",
        title: "Hamiltonian Monte Carlo",
        explanation: "No training: each chain draws a momentum, runs leapfrog steps on the \
            target's own potential -log p, and a Metropolis test keeps the end (green) or \
            snaps back (red). The warm-up tunes the step size. Watch banana's arms: with 10 \
            leapfrog steps the chains barely reach them; try 40, and watch R-hat fall toward \
            1 and the draws fill the arms. The NHF uses the same leapfrog, on a potential it \
            learns instead.",
        link: "#target=banana&method=hmc&hmc_steps=10",
    },
    Preset {
        id: "l2hmc",
        title: "L2HMC: learning the leapfrog",
        explanation: "A Gaussian 1000 times wider along one diagonal than the other: HMC's step \
            must fit the narrow direction, so its chains crawl along the wide one. L2HMC \
            (Levy et al. 2018) trains small networks to scale and shift each leapfrog step so \
            that proposals jump far and are still accepted; the Metropolis test, with the \
            map's volume change, keeps it exact. Sample, watch the training loss fall and the \
            chains start to leap; then pick hmc and compare ESS per gradient.",
        link: "#target=custom&mixture=JcpBCoQwDEDRq0jWQTIwXbQXmAO4LFkUDY5gU2k7IyLeXcXd4_N30BAFHHQ1Jx3nrelTzjKHKkPzCb9SpqCA0Ke4JBWtBZzfYZVp_FZwL4Qo1-A8IfG9_S97Qy2RwbdtrTWM_gE-mfng4wQ&method=l2hmc&l2hmc_chains=32&hmc_rate=200",
    },
    Preset {
        id: "compare",
        title: "Same target, five methods",
        explanation: "The whole story on one banana, each method in turn at its defaults: \
            planar and radial flows (a few dozen numbers learned by the reverse KL), HMC (no \
            training, exact but correlated draws), L2HMC (trains its leapfrog, then samples) and \
            the NHF. Compare each tile with the target, then the table: binned KL (0 is a \
            perfect match), ESS (how many draws count), gradients spent, seconds. Then pick \
            the donut or u2 in the panel: the winner changes.",
        link: "#target=banana&compare=planar,radial,hmc,l2hmc,nhf",
    },
    Preset {
        id: "supernova",
        title: "Supernova cosmology posterior",
        explanation: "A real posterior: the matter density Omega_m and the Hubble parameter h \
            given 740 type Ia supernovae (JLA, Betoule et al. 2014). The flow learns it from \
            the unnormalised density alone (the ELBO objective), so no samples of the answer \
            are needed. The two are correlated: the tilted ellipse is the data's degeneracy \
            between how much matter there is and how fast the universe expands today.",
        link: "#target=jla&views=position,densities,training&dir=generate",
    },
    Preset {
        id: "groups-of-draws",
        title: "Usable samples: groups of draws",
        explanation: "Trained on a density alone, a flow is scored draw by draw (reverse KL), so \
            it loses little by leaving part of the target empty, and reweighting its samples \
            then fails (low ESS). Here each group of 4 draws is scored together, and the base \
            Gaussian learns its own centre and spread: a draw that reaches what the others \
            miss carries its group, so the flow covers the whole banana and its ESS is a few \
            times the draw-by-draw one (72 % against 16 % over three seeds of 3000 \
            iterations). The gradient is DReG's, which leaves out a noise term that grows with \
            the draws per group (64 % with the standard one). Then set 'draws per group' to 1 \
            and the base to standard, Reset and Train, and compare. On thin bands (u2-u4) \
            groups of 4 blur the fit instead, so the command line's density default takes \
            groups of 2 with sine units.",
        link: "#target=banana&objective=density&blocks=4&leapfrog_steps=5&dt=0.2&lr=0.003\
            &batch=512&schedule_iters=3000&anneal_iters=1000&momentum=encoder&base=learned\
            &iw_draws=4&estimator=dreg&views=position,densities,training&dir=generate",
    },
    Preset {
        id: "draw-your-own",
        title: "Draw your own target",
        explanation: "Paint a density on the position view: drag to paint, pick 'erase' to \
            remove, 'clear' to start over. When you let go, your picture becomes the target and \
            the flow, keeping what it has learned, adapts to it while you watch. Try letters, \
            rings, or two far-apart blobs (hard: the flow must tear the Gaussian in two).",
        link: "#target=drawn&views=position,densities,training&dir=generate",
    },
    Preset {
        id: "eight-gaussians",
        title: "Eight Gaussians",
        explanation: "The classic first demo: a Gaussian cloud is carried by four blocks of \
            leapfrog steps into eight modes on a circle. Press Train (or space), then watch \
            the particles split; pause and step with the arrow keys to see each leapfrog \
            step, with momentum arrows.",
        link: "#target=8gaussians&views=position,phase,densities,training,energy&dir=generate",
    },
];

/// The preset with this identifier.
pub fn by_id(id: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::link;

    #[test]
    fn every_preset_link_parses_and_ids_are_unique() {
        for p in &PRESETS {
            let parsed = link::parse(p.link).unwrap_or_else(|e| panic!("{}: {e}", p.id));
            assert!(
                parsed.preset.is_none(),
                "{}: the preset id is added on use",
                p.id
            );
            assert_eq!(PRESETS.iter().filter(|q| q.id == p.id).count(), 1);
            assert_eq!(by_id(p.id), Some(p));
        }
    }

    /// The groups-of-draws preset carries the setting docs/FITS.md measured ("The doubly
    /// reparameterised gradient"): the density defaults of the command line with tanh units,
    /// groups of 4 draws and DReG.
    #[test]
    fn groups_of_draws_preset_is_the_measured_setting() {
        use crate::nhf::{Activation, FlowConfig, Objective, TrainConfig};
        let s = link::parse(by_id("groups-of-draws").unwrap().link)
            .unwrap()
            .settings;
        let flow = FlowConfig::for_objective(Objective::Density);
        let train = TrainConfig::for_objective(Objective::Density);
        assert_eq!(s.target, "banana");
        assert_eq!(
            s.flow,
            FlowConfig {
                activation: Activation::Tanh,
                ..flow
            }
        );
        assert_eq!(
            (s.train.lr, s.train.batch, s.train.schedule_iters),
            (train.lr, train.batch, train.schedule_iters)
        );
        assert_eq!((s.train.anneal_iters, s.train.iw_draws), (1000, 4));
        assert_eq!(s.train.estimator, crate::nhf::Estimator::Dreg);
    }

    /// The L2HMC preset's mixture is the strongly correlated Gaussian of docs/MATH.md §10d.
    #[test]
    fn l2hmc_preset_carries_the_strongly_correlated_gaussian() {
        let preset = by_id("l2hmc").unwrap();
        let parsed = link::parse(preset.link).unwrap();
        let spec = parsed.settings.mixture.expect("a mixture");
        let file = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/docs/methods/strongly_correlated.json"
        ))
        .unwrap();
        let expected = crate::targets::CustomMixture::from_json(&file).unwrap();
        assert_eq!(&spec, expected.spec());
    }
}
