//! Damped Newton minimisation of a smooth convex function with one coordinate held fixed
//! (Nocedal & Wright, *Numerical Optimization*, 2nd ed., Alg. 3.1 and §3.1 on backtracking).
//! Bradley–Terry likelihoods see only rating differences, so one rating is pinned to remove
//! the flat direction; callers re-centre afterwards.

use crate::linalg::{Cholesky, Matrix};

/// Iterations allowed before giving up.
const MAX_ITERATIONS: usize = 200;
/// A step smaller than this (max norm) ends the iteration: the error left is of its square's order.
const STEP_TOLERANCE: f64 = 1e-11;
/// Steps shorter than this are inside Newton's quadratic region, where the objective's change
/// is below its own rounding error, so they are taken whole without a line search.
const LOCAL_STEP: f64 = 1e-4;

/// Where the minimisation stopped.
pub(crate) struct Minimum {
    pub params: Vec<f64>,
    pub value: f64,
    pub iterations: usize,
    pub converged: bool,
}

/// Minimises `objective` from `start`, holding `params[fixed]` where it is. `derivatives`
/// returns the gradient and Hessian at a point; `gradient_scale` sets what counts as a zero
/// gradient when the line search can make no more progress.
pub(crate) fn minimise(
    start: &[f64],
    fixed: usize,
    gradient_scale: f64,
    objective: impl Fn(&[f64]) -> f64,
    derivatives: impl Fn(&[f64]) -> (Vec<f64>, Matrix),
) -> Minimum {
    let dim = start.len();
    let mut params = start.to_vec();
    let mut current = objective(&params);
    let mut converged = false;
    let mut iterations = 0;
    while iterations < MAX_ITERATIONS {
        iterations += 1;
        let (g, h) = derivatives(&params);
        let rhs: Vec<f64> = (0..dim).filter(|&i| i != fixed).map(|i| -g[i]).collect();
        let mut h_red = h.without(fixed);
        let chol = match Cholesky::new(&h_red) {
            Some(c) => c,
            None => {
                // A parameter the data do not touch (a model without battles in a bootstrap
                // replicate) makes H singular: a tiny ridge keeps it where it is.
                let ridge =
                    1e-10 * (1.0 + (0..dim - 1).map(|i| h_red.get(i, i)).fold(0.0, f64::max));
                h_red.add_diagonal(ridge);
                match Cholesky::new(&h_red) {
                    Some(c) => c,
                    None => break,
                }
            }
        };
        let mut solved = chol.solve(&rhs).into_iter();
        let step: Vec<f64> = (0..dim)
            .map(|i| {
                if i == fixed {
                    0.0
                } else {
                    solved.next().unwrap_or(0.0)
                }
            })
            .collect();
        let max_step = step.iter().fold(0.0f64, |a, s| a.max(s.abs()));
        let slope: f64 = g.iter().zip(&step).map(|(a, b)| a * b).sum();
        // Backtracking (Armijo) line search; convex objectives usually take the full step.
        let mut t = 1.0;
        let (mut candidate, mut next);
        loop {
            candidate = params
                .iter()
                .zip(&step)
                .map(|(x, s)| x + t * s)
                .collect::<Vec<f64>>();
            next = objective(&candidate);
            if max_step < LOCAL_STEP || next <= current + 1e-4 * t * slope || t < 1e-12 {
                break;
            }
            t *= 0.5;
        }
        if next > current && max_step >= LOCAL_STEP {
            // No descent possible at machine precision: at the optimum unless the gradient says otherwise.
            converged = max_step * t < 1e-6 || g.iter().all(|x| x.abs() <= 1e-9 * gradient_scale);
            break;
        }
        params = candidate;
        current = next;
        if max_step * t < STEP_TOLERANCE {
            converged = true;
            break;
        }
    }
    Minimum {
        params,
        value: current,
        iterations,
        converged,
    }
}

/// Steps the chord iteration may take before the caller falls back to [`minimise`].
const CHORD_ITERATIONS: usize = 60;

/// The chord method (Kelley, *Iterative Methods for Linear and Nonlinear Equations*, SIAM 1995,
/// §5.4.1): Newton steps that all reuse one factorised Hessian, here the full data's at its
/// optimum. A bootstrap replicate's Hessian differs from it only by resampling noise, so the
/// iteration contracts fast (linearly, at the relative size of that noise), and each step
/// costs a gradient and two triangular solves instead of a new Hessian and its factorisation.
/// Stops, like [`minimise`], when the largest step is below `STEP_TOLERANCE`. `None` when it
/// does not contract (a replicate far from the full data, e.g. a model that never lost in
/// it): the caller then runs the damped Newton method from the same start.
pub(crate) fn chord(
    start: &[f64],
    fixed: usize,
    factor: &Cholesky,
    gradient: impl Fn(&[f64]) -> Vec<f64>,
) -> Option<(Vec<f64>, usize)> {
    let dim = start.len();
    let mut params = start.to_vec();
    let mut previous = f64::INFINITY;
    for iteration in 1..=CHORD_ITERATIONS {
        let g = gradient(&params);
        let rhs: Vec<f64> = (0..dim).filter(|&i| i != fixed).map(|i| -g[i]).collect();
        let mut solved = factor.solve(&rhs).into_iter();
        let mut max_step = 0.0f64;
        for (i, p) in params.iter_mut().enumerate() {
            if i != fixed {
                let s = solved.next().unwrap_or(0.0);
                max_step = max_step.max(s.abs());
                *p += s;
            }
        }
        if !max_step.is_finite() || max_step > 0.9 * previous.max(STEP_TOLERANCE) && iteration > 2 {
            return None;
        }
        if max_step < STEP_TOLERANCE {
            return Some((params, iteration));
        }
        previous = max_step;
    }
    None
}
