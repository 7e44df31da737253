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
pub const PRESETS: [Preset; 6] = [
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
}
