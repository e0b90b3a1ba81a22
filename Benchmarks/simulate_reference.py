#!/usr/bin/env python3
"""Vectorised numpy reference of `costsim simulate`'s model, for the Monte Carlo benchmark.

How to run (normally through the Swift benchmark, which writes the spec and runs this in the
same run):

    pip install numpy                      # if `python3 -c "import numpy"` fails
    swift build -c release --product costsim-bench
    .build/release/costsim-bench --mode simulate     # writes the spec, runs both, prints the ratio

or directly on a spec written by a previous benchmark run:

    python3 Benchmarks/simulate_reference.py "$TMPDIR/costsim-simulate-bench-spec.json" [--repeat 5] [--json]

The model is costsim's (README "Simulation"): per trial (a month) and job, the month's runs are
drawn once (normal, truncated at 0: negligible here, mean/sd >= 5), the retry rate once
(uniform); the month's totals of steps (Poisson per run, raised to at least 1) and of compute
seconds (lognormal per step) are drawn from the normal approximation with the per-run draw's
exact mean and variance (every count here is far above costsim's 1,024-draw exact limit), the
longest step and the most steps in a run from the exact distribution of the maximum
(F^-1(U^(1/n))). Each provider's plans are priced on the month's meter totals with costsim's
rules (lines rounded to cents, fee + max(0, usage - credit), feasibility, cheapest feasible
plan by its bill), in float64: this reference is for timing and a sanity check of the means,
not for exact money.

Only what the benchmark workload uses is implemented: runs normal or constant, steps Poisson or
constant, step_seconds lognormal or constant, retry_rate uniform or constant, no sleeps.
"""
import json
import math
import sys
import time

import numpy as np

QUANTITIES = ["runs", "run_attempts", "steps", "step_attempts", "sleeps", "compute_seconds", "gb_seconds", "events", "invocations"]


def ndtri(p):
    """Standard normal quantile (Wichura AS 241), vectorised; accurate for tiny p."""
    p = np.asarray(p, dtype=float)
    q = p - 0.5
    out = np.empty_like(p)
    central = np.abs(q) <= 0.425
    r = 0.180625 - q[central] ** 2
    a = [3.387132872796366608, 133.14166789178437745, 1971.5909503065514427, 13731.693765509461125,
         45921.953931549871457, 67265.770927008700853, 33430.575583588128105, 2509.0809287301226727]
    b = [1.0, 42.313330701600911252, 687.1870074920579083, 5394.1960214247511077,
         21213.794301586595867, 39307.89580009271061, 28729.085735721942674, 5226.495278852854561]
    out[central] = q[central] * np.polyval(a[::-1], r) / np.polyval(b[::-1], r)
    tail = ~central
    r = np.where(q[tail] < 0, p[tail], 1 - p[tail])
    r = np.sqrt(-np.log(r))
    c = [1.42343711074968357734, 4.6303378461565452959, 5.7694972214606914055, 3.64784832476320460504,
         1.27045825245236838258, 0.24178072517745061177, 0.0227238449892691845833, 7.7454501427834140764e-4]
    d = [1.0, 2.05319162663775882187, 1.6763848301838038494, 0.68976733498510000455,
         0.14810397642748007459, 0.0151986665636164571966, 5.475938084995344946e-4, 1.05075007164441684324e-9]
    e = [6.6579046435011037772, 5.4637849111641143699, 1.7848265399172913358, 0.29656057182850489123,
         0.026532189526576123093, 0.0012426609473880784386, 2.71155556874348757815e-5, 2.01033439929228813265e-7]
    f = [1.0, 0.59983220655588793769, 0.13692988092273580531, 0.0148753612908506148525,
         7.868691311456132591e-4, 1.8463183175100546818e-5, 1.4215117583164458887e-7, 2.04426310338993978564e-15]
    near = r <= 5
    value = np.where(near, np.polyval(c[::-1], r - 1.6) / np.polyval(d[::-1], r - 1.6),
                     np.polyval(e[::-1], r - 5) / np.polyval(f[::-1], r - 5))
    out[tail] = np.where(q[tail] < 0, -value, value)
    return out


class Field:
    """A per-run field: moments of one draw (raised to `floor`) and the maximum of n draws."""

    def __init__(self, spec, floor=0.0):
        self.kind = spec["kind"]
        self.floor = floor
        if self.kind == "constant":
            self.value = max(floor, float(spec["value"]))
            self.mean, self.var = self.value, 0.0
        elif self.kind == "poisson":
            lam = float(spec["mean"])
            last = int(math.ceil(lam + 13 * math.sqrt(lam) + 40))
            k = np.arange(last + 1, dtype=float)
            pmf = np.exp(k * math.log(lam) - lam - np.array([math.lgamma(x + 1) for x in k]))
            x = np.maximum(floor, k)
            self.mean = float(np.sum(pmf * x))
            self.var = float(np.sum(pmf * (x - self.mean) ** 2))
            # P(X > k), summed from the small end.
            self.survival = np.concatenate([np.cumsum(pmf[::-1])[::-1][1:], [0.0]])
        elif self.kind == "lognormal":
            self.mu, self.sigma = float(spec["mu"]), float(spec["sigma"])
            assert floor <= 0, "floored lognormal not needed by the benchmark"
            self.mean = math.exp(self.mu + self.sigma ** 2 / 2)
            self.var = (math.exp(self.sigma ** 2) - 1) * math.exp(2 * self.mu + self.sigma ** 2)
        else:
            raise ValueError("unsupported per-run distribution " + self.kind)

    def sum(self, n, rng):
        """Sum of n draws (n an array of counts > 1,024): the normal approximation."""
        if self.kind == "constant":
            return n * self.value
        total = n * self.mean + np.sqrt(n * self.var) * rng.standard_normal(n.shape)
        return np.maximum(total, n * max(self.floor, 0.0))

    def maximum(self, n, rng):
        """The largest of n draws, exactly: F^-1(U^(1/n))."""
        if self.kind == "constant":
            return np.full(n.shape, self.value)
        upper = -np.expm1(np.log(rng.random(n.shape)) / n)
        if self.kind == "lognormal":
            return np.exp(self.mu - self.sigma * ndtri(upper))
        # Poisson: the first k with P(X > k) <= upper (survival decreases).
        k = np.searchsorted(-self.survival, -upper, side="left")
        return np.maximum(self.floor, k.astype(float))


def monthly(spec, shape, rng):
    kind = spec["kind"]
    if kind == "constant":
        return np.full(shape, float(spec["value"]))
    if kind == "normal":
        return np.maximum(0.0, float(spec["mean"]) + float(spec["sd"]) * rng.standard_normal(shape))
    if kind == "uniform":
        return rng.uniform(float(spec["min"]), float(spec["max"]), shape)
    raise ValueError("unsupported monthly distribution " + kind)


def charge(price, total, included):
    over = np.maximum(0.0, total - included)
    kind = price["kind"]
    if kind == "unit":
        return over * float(price["price"])
    if kind == "block":
        return np.ceil(over / float(price["per"])) * float(price["amount"])
    if kind == "prorated":
        return over * float(price["amount"]) / float(price["per"])
    total_charge = np.zeros_like(total)
    lower = 0.0
    for tier in price["tiers"]:
        upper = None if tier["up_to"] is None else float(tier["up_to"])
        start = max(lower, included)
        end = total if upper is None else np.minimum(upper, total)
        total_charge += np.maximum(0.0, end - start) * float(tier["price"])
        if upper is None:
            break
        lower = upper
    return total_charge


def cents(x):
    return np.floor(x * 100 + 0.5) / 100


def simulate(spec, rng):
    trials = spec["trials"]
    shape = (trials,)
    month_seconds = float(spec["month_hours"]) * 3600
    totals = {execution: {q: np.zeros(shape) for q in QUANTITIES} for execution in ("steps", "runs")}
    per_job_compute = []
    longest_step = np.zeros(shape)
    most_steps = np.zeros(shape)
    for job in spec["jobs"]:
        runs = monthly(job["runs"], shape, rng)
        retry = monthly(job["retry_rate"], shape, rng)
        steps_field = Field(job["steps"], floor=1.0)
        seconds_field = Field(job["step_seconds"])
        steps = steps_field.sum(runs, rng)
        events = runs * float(job["events_per_run"])
        compute_steps = steps
        active = seconds_field.sum(compute_steps, rng)
        longest_step = np.maximum(longest_step, seconds_field.maximum(compute_steps, rng))
        most_steps = np.maximum(most_steps, steps_field.maximum(runs, rng))
        failures = compute_steps * retry
        memory = float(job["memory_mb"] or 1024)
        for execution, t in totals.items():
            t["runs"] += runs
            t["steps"] += steps
            t["events"] += events
            if execution == "steps":
                compute = active * (1 + retry)
                t["run_attempts"] += runs
                t["step_attempts"] += steps + failures
                t["invocations"] += runs + steps + failures
            else:
                per_run = failures / np.maximum(runs, 1e-300)
                compute = active * (1 + per_run)
                t["run_attempts"] += runs + failures
                t["step_attempts"] += steps * (1 + per_run)
                t["invocations"] += runs + failures
            t["compute_seconds"] += compute
            t["gb_seconds"] += compute * memory / 1024
        per_job_compute.append((job, active, retry, failures, runs))
    platform = spec["platform"]
    results = {}
    for provider in spec["providers"]:
        t = totals[provider["execution"]]
        meters = {}
        for meter in provider["meters"]:
            meters[meter["name"]] = sum(float(c) * t[q] for q, c in meter["terms"].items())
        machine_seconds = {}
        if provider["machines"]:
            by_memory = sorted(provider["machines"], key=lambda m: (float(m["memory_mb"]), float(m["per_second"])))
            for job, active, retry, failures, runs in per_job_compute:
                memory = float(job["memory_mb"] or 0)
                machine = next(m for m in by_memory if float(m["memory_mb"]) >= memory)
                if provider["execution"] == "steps":
                    compute = active * (1 + retry)
                else:
                    compute = active * (1 + failures / np.maximum(runs, 1e-300))
                machine_seconds[machine["name"]] = machine_seconds.get(machine["name"], 0) + compute
        step_limit_exceeded = np.zeros(shape, dtype=bool)
        if provider["runs_on"] == "platform" and platform["max_duration_seconds"] is not None:
            step_limit_exceeded = longest_step > float(platform["max_duration_seconds"])
        best_monthly = np.full(shape, np.inf)
        best_exact = np.zeros(shape)
        for plan in provider["plans"]:
            if plan["custom"]:
                continue
            feasible = ~step_limit_exceeded & plan["production"]
            limits = plan["limits"]
            if limits["max_steps_per_run"] is not None:
                feasible &= most_steps <= float(limits["max_steps_per_run"])
            if limits["max_duration_seconds"] is not None:
                feasible &= longest_step <= float(limits["max_duration_seconds"])
            if limits["concurrency"] is not None:
                feasible &= t["compute_seconds"] / month_seconds <= float(limits["concurrency"])
            for meter, cap in limits["max_quantity"].items():
                feasible &= meters.get(meter, 0) <= float(cap)
            usage = np.zeros(shape)
            rounded = np.zeros(shape)
            for meter in provider["meters"]:
                name = meter["name"]
                if provider["machines"] and name == "compute_seconds":
                    for machine in provider["machines"]:
                        if machine["name"] in machine_seconds:
                            line = machine_seconds[machine["name"]] * float(machine["per_second"])
                            usage += line
                            rounded += cents(line)
                    continue
                included = float(plan["included"].get(name, 0))
                price = plan["price"].get(name)
                if price is None:
                    if name in plan["included"]:
                        feasible &= meters[name] <= included
                    continue
                line = charge(price, meters[name], included)
                usage += line
                rounded += cents(line)
            if limits["max_usage"] is not None:
                feasible &= usage <= float(limits["max_usage"])
            fee, credit = float(plan["fee"]), float(plan["credit"])
            bill = cents(fee) + rounded - (np.minimum(credit, rounded) if credit > 0 else 0)
            exact = fee + np.maximum(0.0, usage - credit)
            better = feasible & (bill < best_monthly)
            best_monthly = np.where(better, bill, best_monthly)
            best_exact = np.where(better, exact, best_exact)
        chosen = np.isfinite(best_monthly)
        costs = best_exact[chosen]
        if costs.size:
            quantiles = np.quantile(costs, [0.5, 0.9, 0.95, 0.99], method="inverted_cdf")
            results[provider["provider"]] = {"mean": float(costs.mean()), "p50": float(quantiles[0]), "p95": float(quantiles[2]),
                                              "max": float(costs.max()), "infeasible": int(trials - costs.size)}
        else:
            results[provider["provider"]] = {"mean": float("nan"), "infeasible": trials}
    return results


def main(argv):
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        print(__doc__)
        return 64
    with open(argv[1]) as handle:
        spec = json.load(handle)
    repetitions = int(argv[argv.index("--repeat") + 1]) if "--repeat" in argv else 5
    samples = []
    cpu = []
    results = None
    for _ in range(repetitions):
        rng = np.random.default_rng(spec["seed"])
        start, cpu_start = time.perf_counter(), time.process_time()
        results = simulate(spec, rng)
        samples.append(time.perf_counter() - start)
        cpu.append(time.process_time() - cpu_start)
    seconds = sorted(samples)[len(samples) // 2]
    cpu_seconds = sorted(cpu)[len(cpu) // 2]
    if "--json" in argv:
        print(json.dumps({"seconds": seconds, "min_seconds": min(samples), "cpu_seconds": cpu_seconds, "numpy": np.__version__,
                          "means": {name: r["mean"] for name, r in results.items()}}))
    else:
        print(f"numpy reference: {spec['trials']} trials, {len(spec['jobs'])} jobs: median {seconds:.3f} s wall, {cpu_seconds:.3f} s CPU, of {repetitions} (numpy {np.__version__})")
        for name, r in results.items():
            print(f"  {name}: {r}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
