"""Scheduler goldens: diffusers v0.32.2 schedulers on a fixed toy trajectory.

For every case: set_timesteps(S), then S calls of step() on a fixed sample [1,4,8,8]
(randn seed 0, times init_noise_sigma as a pipeline's prepare_latents does) where the
model output at step i is randn seed 100+i. Output: Jano.Tests/Fixtures/golden/schedulers/<case>.safetensors
"""
import jano_shim  # noqa: F401  (must come before diffusers)

import os

import numpy as np
import torch

from diffusers import (
    DDIMScheduler,
    DPMSolverMultistepScheduler,
    EulerDiscreteScheduler,
    FlowMatchEulerDiscreteScheduler,
)

from common import FIXTURES, randn, script_name, to_json, write

SHAPE = (1, 4, 8, 8)
OUT = os.path.join(FIXTURES, "schedulers")

# PixArt-alpha/PixArt-XL-2-1024-MS scheduler/scheduler_config.json (all of its keys;
# every value is also v0.32.2's default except where the class default differs: none do).
PIXART_DPM = dict(
    algorithm_type="dpmsolver++", solver_order=2, solver_type="midpoint", lower_order_final=True,
    beta_schedule="linear", beta_start=0.0001, beta_end=0.02, num_train_timesteps=1000,
    prediction_type="epsilon", timestep_spacing="linspace", steps_offset=0, use_karras_sigmas=False,
    use_lu_lambdas=False, euler_at_final=False, final_sigmas_type="zero", thresholding=False,
    dynamic_thresholding_ratio=0.995, sample_max_value=1.0, lambda_min_clipped=-float("inf"),
    variance_type=None, trained_betas=None,
)

# black-forest-labs/FLUX.1-dev scheduler/scheduler_config.json
FLUX_FLOW = dict(
    num_train_timesteps=1000, shift=3.0, use_dynamic_shifting=True, base_shift=0.5, max_shift=1.15,
    base_image_seq_len=256, max_image_seq_len=4096,
)


def flux_mu(image_seq_len, cfg):
    """FluxPipeline's calculate_shift (v0.32.2): linear in the packed-latent sequence length."""
    m = (cfg["max_shift"] - cfg["base_shift"]) / (cfg["max_image_seq_len"] - cfg["base_image_seq_len"])
    b = cfg["base_shift"] - m * cfg["base_image_seq_len"]
    return image_seq_len * m + b


def run_case(name, description, cls, config, steps, set_kwargs=None, extra_meta=None, sde_noise=False):
    set_kwargs = dict(set_kwargs or {})
    sched = cls(**config)
    sched.set_timesteps(steps, **set_kwargs)

    tensors = {"timesteps": sched.timesteps.to(torch.float64)}
    if getattr(sched, "sigmas", None) is not None:
        tensors["sigmas"] = torch.as_tensor(sched.sigmas).to(torch.float64)
    if isinstance(sched, DDIMScheduler):
        tensors["alphas_cumprod"] = sched.alphas_cumprod.to(torch.float32)
        tensors["final_alpha_cumprod"] = torch.as_tensor([float(sched.final_alpha_cumprod)], dtype=torch.float64)

    init_sigma = float(getattr(sched, "init_noise_sigma", 1.0))
    if init_sigma != 1.0:
        tensors["init_noise_sigma"] = torch.tensor([init_sigma], dtype=torch.float64)

    sample = randn(0, SHAPE) * init_sigma
    tensors["sample_0"] = sample
    has_scale = hasattr(sched, "scale_model_input")
    scaled_inputs = []
    for i, t in enumerate(sched.timesteps):
        if has_scale:
            scaled_inputs.append(sched.scale_model_input(sample, t))
        model_output = randn(100 + i, SHAPE)
        tensors[f"model_output_{i}"] = model_output
        kw = {}
        if sde_noise:
            noise = randn(200 + i, SHAPE)
            tensors[f"variance_noise_{i}"] = noise
            kw["variance_noise"] = noise
        sample = sched.step(model_output, t, sample, return_dict=True, **kw).prev_sample
        tensors[f"sample_{i + 1}"] = sample
    # identity scale_model_input (DDIM, DPM-Solver) is not stored: it would repeat sample_i
    if not has_scale:
        scale_kind = "none (the class has no scale_model_input)"
    elif any(not torch.equal(x, tensors[f"sample_{i}"]) for i, x in enumerate(scaled_inputs)):
        scale_kind = "saved as scaled_input_{i} = scale_model_input(sample_i, timesteps[i])"
        tensors.update({f"scaled_input_{i}": x for i, x in enumerate(scaled_inputs)})
    else:
        scale_kind = "identity (returns sample_i unchanged; not saved)"

    meta = {
        "script": script_name(__file__),
        "description": description,
        "class_name": cls.__name__,
        "config": to_json(dict(sched.config)),
        "num_inference_steps": str(steps),
        "set_timesteps_kwargs": to_json(set_kwargs),
        "sample_shape": to_json(list(SHAPE)),
        "seeds": "sample_0 = randn(seed 0) * init_noise_sigma; model_output_i = randn(seed 100+i)"
                 + ("; variance_noise_i = randn(seed 200+i), passed to step(variance_noise=...)" if sde_noise else ""),
        "scale_model_input": scale_kind,
        "init_noise_sigma": repr(init_sigma),
        "timesteps_dtype": str(sched.timesteps.dtype).replace("torch.", ""),
        "step_call": "prev_sample = scheduler.step(model_output_i, timesteps[i], sample_i).prev_sample",
    }
    meta.update(extra_meta or {})
    write(os.path.join(OUT, f"{name}.safetensors"), tensors, meta)


def main():
    print("schedulers:")
    run_case("dpmsolver_pixart", "DPM-Solver++ 2M (midpoint) as PixArt-alpha ships it, 6 steps", DPMSolverMultistepScheduler, PIXART_DPM, 6)
    run_case("dpmsolver_pixart_20", "DPM-Solver++ 2M (midpoint) as PixArt-alpha ships it, 20 steps", DPMSolverMultistepScheduler, PIXART_DPM, 20)
    run_case("dpmsolver_sde_pixart", "SDE-DPM-Solver++ 2M, PixArt config otherwise, 6 steps, noise given", DPMSolverMultistepScheduler,
             dict(PIXART_DPM, algorithm_type="sde-dpmsolver++"), 6, sde_noise=True)

    run_case("flowmatch_sd3", "flow-match Euler, shift 3.0 (SD3), 6 steps", FlowMatchEulerDiscreteScheduler, dict(num_train_timesteps=1000, shift=3.0), 6)

    steps, seq = 6, 1024
    mu = flux_mu(seq, FLUX_FLOW)
    sigmas = np.linspace(1.0, 1 / steps, steps)
    run_case("flowmatch_flux_dynamic", "flow-match Euler, FLUX.1-dev dynamic shift, mu for seq len 1024, 6 steps", FlowMatchEulerDiscreteScheduler, FLUX_FLOW, steps,
             set_kwargs=dict(sigmas=sigmas, mu=mu),
             extra_meta={"mu": repr(mu), "image_seq_len": str(seq),
                         "sigmas_passed": to_json(sigmas.tolist()),
                         "mu_rule": "m=(max_shift-base_shift)/(max_image_seq_len-base_image_seq_len); "
                                    "mu=image_seq_len*m + base_shift - m*base_image_seq_len"})

    run_case("flowmatch_shift2", "flow-match Euler, shift 2.0, 6 steps", FlowMatchEulerDiscreteScheduler, dict(num_train_timesteps=1000, shift=2.0), 6)

    run_case("ddim", "DDIM eta 0, linear betas, leading spacing, offset 1, 6 steps", DDIMScheduler, dict(
        num_train_timesteps=1000, beta_schedule="linear", beta_start=0.0001, beta_end=0.02,
        prediction_type="epsilon", timestep_spacing="leading", steps_offset=1,
        set_alpha_to_one=False, clip_sample=False), 6, extra_meta={"eta": "0.0"})

    run_case("euler", "Euler (k-diffusion) discrete, scaled_linear betas, leading, offset 1, 6 steps", EulerDiscreteScheduler, dict(
        num_train_timesteps=1000, beta_schedule="scaled_linear", beta_start=0.00085, beta_end=0.012,
        prediction_type="epsilon", timestep_spacing="leading", steps_offset=1), 6,
        extra_meta={"note": "model_output_i stands for the model's prediction on scaled_input_i; "
                            "s_churn=0 so no noise is drawn"})


if __name__ == "__main__":
    torch.manual_seed(0)
    main()
