"""Maximum-likelihood logistic regression by Newton's method (small designs, exact and fast)."""

import numpy as np


def fit_logistic(design: np.ndarray, outcome: np.ndarray, iterations: int = 50) -> np.ndarray:
    """Coefficients of P(outcome) = sigmoid(design @ w); `design` carries its own intercept column."""
    x, y = np.asarray(design, float), np.asarray(outcome, float)
    w = np.zeros(x.shape[1])
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-(x @ w)))
        gradient = x.T @ (p - y)
        hessian = (x.T * (p * (1.0 - p))) @ x + 1e-9 * np.eye(len(w))
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.max(np.abs(step)) < 1e-10:
            break
    return w
