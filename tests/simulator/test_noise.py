import numpy as np

from tanji.simulator.noise import normal, smooth, uniform


def test_draws_are_addressable_by_index() -> None:
    whole = normal(7, "x", np.arange(1000, dtype=np.int64))
    part = normal(7, "x", np.arange(400, 410, dtype=np.int64))
    np.testing.assert_array_equal(whole[400:410], part)


def test_streams_and_seeds_are_independent() -> None:
    index = np.arange(10_000, dtype=np.int64)
    a, b, c = normal(7, "x", index), normal(7, "y", index), normal(8, "x", index)
    assert abs(np.corrcoef(a, b)[0, 1]) < 0.05
    assert abs(np.corrcoef(a, c)[0, 1]) < 0.05


def test_distributions_have_the_right_moments() -> None:
    index = np.arange(200_000, dtype=np.int64)
    u = uniform(1, "u", index)
    assert u.min() > 0
    assert u.max() < 1
    assert abs(u.mean() - 0.5) < 0.005
    z = normal(1, "z", index)
    assert abs(z.mean()) < 0.01
    assert abs(z.std() - 1) < 0.01


def test_smooth_process_is_continuous_and_window_independent() -> None:
    minutes = np.arange(29_000_000, 29_010_000, dtype=np.int64)
    curve = smooth(3, "s", minutes, 60)
    assert np.abs(np.diff(curve)).max() < 0.3
    assert 0.7 < curve.std() < 1.3
    np.testing.assert_allclose(smooth(3, "s", minutes[5000:5100], 60), curve[5000:5100])
