import numpy as np
import pytest

from simulator.randomness import RowGenerator, hashed, run_key, uniform


def test_uniforms_are_uniform_and_a_pure_function_of_their_counters():
    u = uniform(run_key(1, 0), np.arange(200_000), 7)
    assert 0.0 <= u.min() and u.max() < 1.0
    assert abs(u.mean() - 0.5) < 0.005 and abs(np.mean(u < 0.1) - 0.1) < 0.005
    np.testing.assert_array_equal(u[1000:1010], uniform(run_key(1, 0), np.arange(1000, 1010), 7))
    assert run_key(1, 0) != run_key(1, 1) and run_key(2, 0) != run_key(1, 0)


def test_a_row_generator_gives_each_row_the_same_draws_whatever_the_batch():
    keys = hashed(5, np.arange(10))
    whole = RowGenerator(keys)
    part = RowGenerator(keys[[7, 2]])
    u_whole, z_whole = whole.random((8, 10)), whole.standard_normal(10)
    u_part, z_part = part.random((8, 2)), part.standard_normal(2)
    np.testing.assert_array_equal(u_whole[:, [7, 2]], u_part)
    np.testing.assert_array_equal(z_whole[[7, 2]], z_part)
    assert not np.array_equal(u_whole[0], u_whole[1])


def test_a_row_generator_refuses_draws_not_shaped_by_the_batch():
    with pytest.raises(ValueError, match="batch's length 3"):
        RowGenerator(hashed(1, np.arange(3))).random(5)
