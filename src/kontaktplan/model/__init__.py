"""The CP-SAT model of the weekly plan; the only package that imports OR-Tools."""

from kontaktplan.model.cpsat import SolveResult, solve_subproblem

__all__ = ["SolveResult", "solve_subproblem"]
