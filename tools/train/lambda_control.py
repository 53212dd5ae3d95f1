"""Steers the soft stage's sparsity weight λ so that the learned thresholds
reach a FLOPs target (train.py --target-flops-reduction R).

The soft stage minimises  task loss + λ · (mean share of tokens alive).  Read
as the Lagrangian of "minimise the task loss subject to FLOPs ≤ dense FLOPs / R",
λ is the constraint's multiplier, found by projected dual ascent: raised while
the model costs more than the target, lowered, down to 0, while it costs
less. The cost is measured, not estimated: every few steps train.py applies
the thresholds as the engine will (hard pruning, negative thresholds as 0) to
a held-out slice of the training data and counts FLOPs as ltp-eval does.

Departures from plain dual ascent (λ ← max(0, λ + rate · gap)), each for a reason:
- A proportional term joins the integral one (a PI controller, as in "PID
  Lagrangian" methods). The thresholds learn with Adam, which moves them at
  nearly full speed whatever the size of λ, and they barely move back once
  past the target (only tokens scored near a threshold give it a gradient).
  An integral alone keeps λ high while they travel and carries them past
  the target; the proportional term drops λ, to 0 if need be, as soon as
  they arrive.
- λ is counted in units of its start value (--lam) and kept within
  [0, TOP] of them: the weights learn from the same loss, and a λ far above
  the task loss's scale trains them to drop tokens rather than to classify,
  which wrecks the model within a few dozen steps. A target out of reach at
  the top is reported, not forced: raise --lam, --soft-epochs or
  --threshold-lr.
- The gap is log(R / measured), symmetric in over- and undershoot."""
import math

KP = 10.0   # λ, in start values, per unit of gap, now
KI = 0.5    # λ, in start values, per unit of gap, accumulated at each update
TOP = 4.0   # largest λ, in start values


class LambdaController:
    def __init__(self, target_reduction, lam):
        self.target_reduction = target_reduction
        self.unit = lam
        self.integral = 1.0  # λ / unit without the proportional part; a checkpoint keeps it

    def update(self, measured_reduction):
        """λ for the next steps, given the FLOPs reduction the thresholds reach now."""
        gap = math.log(self.target_reduction / measured_reduction)  # > 0: too many FLOPs left
        if 0.0 < self.integral + KP * gap < TOP:  # no wind-up while λ is pinned at a bound
            self.integral = min(TOP, max(0.0, self.integral + KI * gap))
        return self.unit * min(TOP, max(0.0, self.integral + KP * gap))
