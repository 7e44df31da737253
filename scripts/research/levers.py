"""Screening the fits levers of the NHF with JAX autodiff, before any of them is written in Rust
with exact gradients. The model is the engine's (fixed kinetic, K blocks of L leapfrog steps,
tanh MLP potentials, Gaussian momentum encoder, N(0, I) base, Adam with cosine decay, batch 512,
3000 iterations), and each lever can be switched on alone:

  --base        learnable diagonal Gaussian base (means and log-scales of q, log-scales of p)
  --blockdt     learnable step size per block, dt_k = dt * exp(s_k)
  --standardise train in coordinates standardised by the data's mean and standard deviation
  --iw S        train the importance-weighted bound over S momentum draws (S = 1: the ELBO)
  --mixenc M    momentum encoder: a mixture of M Gaussians (ELBO via its exact log-density)
  --fullcov     momentum encoder: a Gaussian with a full covariance, p = mu + L eps with L lower
                triangular (diagonal e^{log sigma}, one free off-diagonal entry)
  --b2 B        Adam's beta2 (default 0.999, the engine's)
  --act A       the potentials' hidden activation: tanh (the engine's default) or softplus
  --opt O       the update rule: adam (the engine's), nadam, adabelief or lion (optax's)
  --act1 A      the first hidden layer's activation alone (tanh, softplus or sin; default: --act),
                with --omega W scaling that layer's initial weights (SIREN's first-layer frequency)

Targets: rings, two-spirals, checkerboard, 8gaussians (the engine's recipes).

Prints one JSON line: held-out NLL (IW bound, S = 64, 2000 fresh samples) in the target's own
units, and seconds. Used by docs/FITS.md; run from the repository root, e.g.
  python3 scripts/research/levers.py --target rings --seed 1 --base
"""
import argparse, json, time
import numpy as np
import jax, jax.numpy as jnp

jax.config.update("jax_platform_name", "cpu")

def sample_target(name, n, rng):
    if name == "rings":
        r = rng.choice([3.0, 2.25, 1.5, 0.75], size=n)
        th = rng.uniform(0, 2 * np.pi, n)
        return np.stack([r * np.cos(th), r * np.sin(th)], 1) + 0.08 * rng.normal(size=(n, 2))
    if name == "two-spirals":
        u = rng.uniform(size=n); t = np.sqrt(u) * 3 * np.pi
        d = np.stack([-t * np.cos(t) + 0.5 * rng.uniform(size=n), t * np.sin(t) + 0.5 * rng.uniform(size=n)], 1)
        sign = np.where(rng.uniform(size=n) < 0.5, 1.0, -1.0)[:, None]
        return sign * d / 3 + 0.1 * rng.normal(size=(n, 2))
    if name == "checkerboard":  # the engine's recipe (targets/toys/checkerboard.rs)
        x1 = 4 * rng.uniform(size=n) - 2
        x2 = rng.uniform(size=n) - 2 * rng.integers(0, 2, n) + np.mod(np.floor(x1), 2)
        return np.stack([2 * x1, 2 * x2], 1) + 0.1 * rng.normal(size=(n, 2))
    if name == "8gaussians":  # targets/mixtures.rs: centres at radius 4/1.414, sd 0.5/1.414
        th = rng.integers(0, 8, n) * np.pi / 4
        c = np.stack([np.cos(th), np.sin(th)], 1) * 4 / 1.414
        return c + 0.5 / 1.414 * rng.normal(size=(n, 2))
    raise SystemExit(f"unknown target {name}")

def init_mlp(key, w, out_scale=0.5):
    k = jax.random.split(key, 4)
    return dict(W1=jax.random.normal(k[0], (w, 2)) / np.sqrt(2), b1=0.1 * jax.random.normal(k[1], (w,)),
                W2=jax.random.normal(k[2], (w, w)) / np.sqrt(w), b2=jnp.full((w,), 0.05),
                w3=out_scale * jax.random.normal(k[3], (w,)) / np.sqrt(w))

# The potentials' hidden activation (--act): tanh, the engine's default, or softplus.
ACT = {"tanh": jnp.tanh, "softplus": jax.nn.softplus, "sin": jnp.sin}
act = jnp.tanh
act1 = jnp.tanh

def V(P, q):
    h = act1(q @ P["W1"].T + P["b1"])
    h = act(h @ P["W2"].T + P["b2"])
    return h @ P["w3"]

gradV = jax.grad(lambda P, q: jnp.sum(V(P, q)), argnums=1)

def encoder(E, q, m):
    h = jnp.tanh(q @ E["A1"].T + E["c1"])
    h = jnp.tanh(h @ E["A2"].T + E["c2"])
    out = h @ E["A3"].T + E["c3"]           # (B, 5m): mu(2m), logsig(2m), logits(m)
    # With --fullcov (m = 1) the fifth output is L's off-diagonal entry instead of a logit.
    return out[:, :2 * m].reshape(-1, m, 2), out[:, 2 * m:4 * m].reshape(-1, m, 2), out[:, 4 * m:]

def logN(x, mu, ls):
    return jnp.sum(-0.5 * ((x - mu) * jnp.exp(-ls)) ** 2 - ls - 0.5 * jnp.log(2 * jnp.pi), -1)

def normalize(params, q, p, cfg):
    a2 = params["a"] ** 2
    for k in reversed(range(cfg.blocks)):
        dt = -cfg.dt * (jnp.exp(params["s"][k]) if cfg.blockdt else 1.0)
        P = params["V"][k]
        g = gradV(P, q)
        for _ in range(cfg.L):
            p = p - 0.5 * dt * g
            q = q + dt * a2 * p
            g = gradV(P, q)
            p = p - 0.5 * dt * g
    return q, p

def log_base(params, x, p, cfg):
    if cfg.base:
        b = params["base"]
        return logN(x, b["mq"], b["lsq"]) + logN(p, 0.0, b["lsp"])
    return logN(x, 0.0, 0.0) + logN(p, 0.0, 0.0)

def log_weights(params, q, key, S, cfg):
    """log pi0(G^-1(q, p_s)) - log f(p_s | q) for S draws: (S, B)."""
    mu, ls, logits = encoder(params["E"], q, cfg.mixenc)
    B = q.shape[0]
    kc, ke = jax.random.split(key)
    if cfg.fullcov:
        # p = mu + L eps, L = [[s1, 0], [r, s2]]: log f = log N(eps; 0, I) - log s1 - log s2.
        eps = jax.random.normal(ke, (S, B, 2))
        sig = jnp.exp(ls[:, 0])
        r = logits[:, 0]
        p = mu[:, 0] + jnp.stack([sig[:, 0] * eps[..., 0], r * eps[..., 0] + sig[:, 1] * eps[..., 1]], -1)
        logf = logN(eps, 0.0, 0.0) - jnp.sum(ls[:, 0], -1)
    elif cfg.mixenc == 1:
        eps = jax.random.normal(ke, (S, B, 2))
        p = mu[:, 0] + jnp.exp(ls[:, 0]) * eps
        logf = logN(p, mu[:, 0], ls[:, 0])
    else:
        # A mixture encoder: draw the component, reparameterise within it (the component draw
        # gets no gradient; the exact log f keeps the bound valid).
        comp = jax.random.categorical(kc, logits, shape=(S, B))
        eps = jax.random.normal(ke, (S, B, 2))
        m_s = jnp.take_along_axis(mu[None], comp[..., None, None], 2)[:, :, 0]
        l_s = jnp.take_along_axis(ls[None], comp[..., None, None], 2)[:, :, 0]
        p = m_s + jnp.exp(l_s) * eps
        lw = jax.nn.log_softmax(logits)
        logf = jax.scipy.special.logsumexp(lw[None] + logN(p[:, :, None], mu[None], ls[None]), -1)
    qq = jnp.broadcast_to(q, (S, B, 2)).reshape(-1, 2)
    x, pt = normalize(params, qq, p.reshape(-1, 2), cfg)
    return log_base(params, x, pt, cfg).reshape(S, B) - logf

def loss_fn(params, q, key, cfg):
    lw = log_weights(params, q, key, cfg.iw, cfg)
    return -jnp.mean(jax.scipy.special.logsumexp(lw, 0) - np.log(cfg.iw))

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--target", default="rings"); ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--iters", type=int, default=3000); ap.add_argument("--batch", type=int, default=512)
    ap.add_argument("--lr", type=float, default=3e-3); ap.add_argument("--blocks", type=int, default=4)
    ap.add_argument("--L", type=int, default=5); ap.add_argument("--dt", type=float, default=0.2)
    ap.add_argument("--width", type=int, default=32); ap.add_argument("--base", action="store_true")
    ap.add_argument("--blockdt", action="store_true"); ap.add_argument("--standardise", action="store_true")
    ap.add_argument("--iw", type=int, default=1); ap.add_argument("--mixenc", type=int, default=1)
    ap.add_argument("--out_scale", type=float, default=0.5)
    ap.add_argument("--fullcov", action="store_true"); ap.add_argument("--b2", type=float, default=0.999)
    ap.add_argument("--act", choices=sorted(ACT), default="tanh")
    ap.add_argument("--act1", choices=sorted(ACT), default=None)
    ap.add_argument("--omega", type=float, default=1.0)
    ap.add_argument("--opt", choices=["adam", "nadam", "adabelief", "lion"], default="adam")
    cfg = ap.parse_args()
    global act, act1
    act = ACT[cfg.act]
    act1 = ACT[cfg.act1 or cfg.act]
    rng = np.random.default_rng(cfg.seed)
    key = jax.random.PRNGKey(cfg.seed)
    ks = jax.random.split(key, cfg.blocks + 2)
    m = cfg.mixenc
    E = init_mlp(ks[-1], 32)
    E = dict(A1=E["W1"], c1=jnp.zeros(32), A2=E["W2"], c2=jnp.zeros(32),
             A3=0.1 * jax.random.normal(ks[-2], (5 * m, 32)) / np.sqrt(32), c3=jnp.zeros(5 * m))
    if m > 1:  # spread the components' means so they do not start identical
        E["c3"] = E["c3"].at[:2 * m].set(jnp.asarray(rng.normal(size=2 * m) * 0.5))
    Vs = [init_mlp(ks[k], cfg.width, cfg.out_scale) for k in range(cfg.blocks)]
    for P in Vs:
        P["W1"] = cfg.omega * P["W1"]
    params = dict(V=Vs,
                  a=jnp.array(1.0), E=E, s=jnp.zeros(cfg.blocks),
                  base=dict(mq=jnp.zeros(2), lsq=jnp.zeros(2), lsp=jnp.zeros(2)))
    probe = sample_target(cfg.target, 100_000, rng)
    shift, scale = (probe.mean(0), probe.std(0)) if cfg.standardise else (np.zeros(2), np.ones(2))
    log_jac = -np.sum(np.log(scale))
    import optax
    sched = optax.cosine_decay_schedule(cfg.lr, cfg.iters)
    update_rule = dict(
        adam=lambda: optax.adam(sched, b1=0.9, b2=cfg.b2, eps=1e-8),
        nadam=lambda: optax.nadam(sched, b1=0.9, b2=cfg.b2, eps=1e-8),
        adabelief=lambda: optax.adabelief(sched, b1=0.9, b2=cfg.b2),
        lion=lambda: optax.lion(sched, b1=0.9, b2=0.99),
    )[cfg.opt]()
    opt = optax.chain(optax.clip_by_global_norm(100.0), update_rule)
    state = opt.init(params)

    @jax.jit
    def step(params, state, q, key):
        loss, g = jax.value_and_grad(loss_fn)(params, q, key, cfg)
        up, state = opt.update(g, state, params)
        return optax.apply_updates(params, up), state, loss

    t0 = time.time()
    for it in range(cfg.iters):
        q = (sample_target(cfg.target, cfg.batch, rng) - shift) / scale
        key, sub = jax.random.split(key)
        params, state, loss = step(params, state, jnp.asarray(q, jnp.float32), sub)
    secs = time.time() - t0
    test = (sample_target(cfg.target, 2000, np.random.default_rng(10_000 + cfg.seed)) - shift) / scale
    ev = jax.jit(lambda P, q, k: jax.scipy.special.logsumexp(log_weights(P, q, k, 64, cfg), 0) - np.log(64))
    ll = np.asarray(ev(params, jnp.asarray(test, jnp.float32), jax.random.PRNGKey(7)))
    nll = float(-(ll.mean() + log_jac))
    print(json.dumps(dict(vars(cfg), nll=nll, loss=float(loss), seconds=secs)))

if __name__ == "__main__":
    main()
