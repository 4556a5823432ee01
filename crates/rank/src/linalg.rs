//! Just enough dense linear algebra for the fits: a symmetric positive-definite solve and
//! inverse by Cholesky. Problems here have at most a few hundred parameters, so an O(p³)
//! textbook factorisation (Golub & Van Loan, *Matrix Computations*, Alg. 4.2.1) is exact
//! enough and fast, and avoids a heavy linear-algebra dependency.

/// A square matrix in row-major order.
#[derive(Clone, Debug, PartialEq)]
pub struct Matrix {
    n: usize,
    data: Vec<f64>,
}

impl Matrix {
    /// The n×n zero matrix.
    pub fn zeros(n: usize) -> Self {
        Self {
            n,
            data: vec![0.0; n * n],
        }
    }

    /// The order of the matrix.
    pub fn order(&self) -> usize {
        self.n
    }

    /// Entry (i, j).
    #[inline]
    pub fn get(&self, i: usize, j: usize) -> f64 {
        self.data[i * self.n + j]
    }

    /// Mutable entry (i, j).
    #[inline]
    pub fn at(&mut self, i: usize, j: usize) -> &mut f64 {
        &mut self.data[i * self.n + j]
    }

    /// Adds `value` to every diagonal entry (a ridge).
    pub fn add_diagonal(&mut self, value: f64) {
        for i in 0..self.n {
            self.data[i * self.n + i] += value;
        }
    }

    /// Adds `other` entrywise.
    pub fn add_assign(&mut self, other: &Matrix) {
        for (x, y) in self.data.iter_mut().zip(&other.data) {
            *x += y;
        }
    }

    /// The leading k×k block.
    pub fn leading(&self, k: usize) -> Matrix {
        let mut out = Matrix::zeros(k);
        for i in 0..k {
            out.data[i * k..(i + 1) * k].copy_from_slice(&self.data[i * self.n..i * self.n + k]);
        }
        out
    }

    /// The matrix with row and column `skip` removed (fixes one parameter's gauge).
    pub fn without(&self, skip: usize) -> Matrix {
        let k = self.n - 1;
        let mut out = Matrix::zeros(k);
        for (oi, i) in (0..self.n).filter(|&i| i != skip).enumerate() {
            for (oj, j) in (0..self.n).filter(|&j| j != skip).enumerate() {
                out.data[oi * k + oj] = self.get(i, j);
            }
        }
        out
    }

    /// Matrix product `self · other`.
    pub fn mul(&self, other: &Matrix) -> Matrix {
        let n = self.n;
        let mut out = Matrix::zeros(n);
        for i in 0..n {
            let row = &mut out.data[i * n..(i + 1) * n];
            for k in 0..n {
                let a = self.data[i * n + k];
                if a == 0.0 {
                    continue;
                }
                let other_row = &other.data[k * n..(k + 1) * n];
                for (o, b) in row.iter_mut().zip(other_row) {
                    *o += a * b;
                }
            }
        }
        out
    }

    /// Copies the lower triangle onto the upper one (accumulators fill only one side).
    pub fn symmetrize_from_lower(&mut self) {
        for i in 0..self.n {
            for j in 0..i {
                self.data[j * self.n + i] = self.data[i * self.n + j];
            }
        }
    }
}

/// The lower-triangular Cholesky factor L of a symmetric positive-definite A = L·Lᵀ.
#[derive(Clone, Debug)]
pub struct Cholesky {
    l: Matrix,
}

impl Cholesky {
    /// Factorises `a`; `None` when `a` is not (numerically) positive definite.
    pub fn new(a: &Matrix) -> Option<Self> {
        let n = a.order();
        let mut l = Matrix::zeros(n);
        for j in 0..n {
            let mut d = a.get(j, j);
            for k in 0..j {
                let v = l.get(j, k);
                d -= v * v;
            }
            if d.is_nan() || d <= 0.0 || !d.is_finite() {
                return None;
            }
            let d = d.sqrt();
            *l.at(j, j) = d;
            for i in j + 1..n {
                let mut s = a.get(i, j);
                let (ri, rj) = (i * n, j * n);
                for k in 0..j {
                    s -= l.data[ri + k] * l.data[rj + k];
                }
                l.data[ri + j] = s / d;
            }
        }
        Some(Self { l })
    }

    /// Solves A·x = b.
    pub fn solve(&self, b: &[f64]) -> Vec<f64> {
        let n = self.l.order();
        let mut y = b.to_vec();
        for i in 0..n {
            let mut s = y[i];
            for k in 0..i {
                s -= self.l.get(i, k) * y[k];
            }
            y[i] = s / self.l.get(i, i);
        }
        for i in (0..n).rev() {
            let mut s = y[i];
            for k in i + 1..n {
                s -= self.l.get(k, i) * y[k];
            }
            y[i] = s / self.l.get(i, i);
        }
        y
    }

    /// A⁻¹, column by column.
    pub fn inverse(&self) -> Matrix {
        let n = self.l.order();
        let mut inv = Matrix::zeros(n);
        let mut e = vec![0.0; n];
        for j in 0..n {
            e.iter_mut().for_each(|x| *x = 0.0);
            e[j] = 1.0;
            let col = self.solve(&e);
            for (i, v) in col.into_iter().enumerate() {
                *inv.at(i, j) = v;
            }
        }
        inv
    }
}

/// diag(A⁻¹ · G · A⁻¹) for symmetric A (given as its inverse) and G: the sandwich variance.
pub fn sandwich_diagonal(a_inv: &Matrix, g: &Matrix) -> Vec<f64> {
    let ga = g.mul(a_inv);
    let n = a_inv.order();
    (0..n)
        .map(|i| (0..n).map(|k| a_inv.get(i, k) * ga.get(k, i)).sum())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cholesky_solves_and_inverts() {
        let mut a = Matrix::zeros(3);
        let vals = [[4.0, 2.0, 0.6], [2.0, 5.0, 1.0], [0.6, 1.0, 3.0]];
        for i in 0..3 {
            for j in 0..3 {
                *a.at(i, j) = vals[i][j];
            }
        }
        let c = Cholesky::new(&a).expect("spd");
        let x = c.solve(&[1.0, 2.0, 3.0]);
        for i in 0..3 {
            let ax: f64 = (0..3).map(|j| vals[i][j] * x[j]).sum();
            assert!((ax - [1.0, 2.0, 3.0][i]).abs() < 1e-12);
        }
        let prod = a.mul(&c.inverse());
        for i in 0..3 {
            for j in 0..3 {
                let expect = if i == j { 1.0 } else { 0.0 };
                assert!((prod.get(i, j) - expect).abs() < 1e-12);
            }
        }
    }

    #[test]
    fn cholesky_rejects_indefinite() {
        let mut a = Matrix::zeros(2);
        *a.at(0, 0) = 1.0;
        *a.at(0, 1) = 2.0;
        *a.at(1, 0) = 2.0;
        *a.at(1, 1) = 1.0;
        assert!(Cholesky::new(&a).is_none());
    }
}
