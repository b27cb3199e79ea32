import numpy as np

from simulator.audiences import AudienceSpec, build_population
from simulator.graph import build_graph


def _graph(n=3000, seed=1):
    spec = AudienceSpec(kind="general", size=n)
    return build_population(spec, seed), build_graph(spec, seed)


def test_graph_is_valid_csr_without_self_loops_or_duplicates_and_reproducible():
    pop, g = _graph()
    assert g.indptr[0] == 0 and g.indptr[-1] == g.n_edges and np.all(np.diff(g.indptr) >= 0)
    followee = g.followees()
    assert np.all(np.diff(g.senders) > 0) and not np.any(followee == g.indices)
    assert len(np.unique(followee * len(pop) + g.indices)) == g.n_edges
    assert np.all((g.influence > 0) & (g.influence < 1))
    again = build_graph(AudienceSpec(kind="general", size=len(pop)), 1)
    np.testing.assert_array_equal(g.indices, again.indices)


def test_follows_cluster_in_communities_of_interest_and_place():
    pop, g = _graph()
    followee = g.followees()
    within = np.mean(g.community[followee] == g.community[g.indices])
    sizes = np.bincount(g.community) / len(pop)
    assert within > 0.6 and within > 10 * np.sum(sizes**2)
    same_country = pop.country[followee] == pop.country[g.indices]
    assert g.influence[same_country].mean() > g.influence[~same_country].mean()


def test_it_is_a_small_world_most_users_are_a_few_hops_apart():
    pop, g = _graph()
    reached = np.zeros(len(pop), dtype=bool)
    frontier = np.array([0])
    reached[0] = True
    for _ in range(6):
        _, nxt, _ = g.receivers(frontier)
        nxt = np.unique(nxt[~reached[nxt]])
        reached[nxt] = True
        frontier = nxt
    assert reached.mean() > 0.5


def test_follower_counts_are_heavy_tailed():
    _, g = _graph()
    followers = np.diff(g.indptr)
    assert followers.max() > 8 * np.median(followers)


def test_receivers_lists_every_follower_of_each_sender():
    _, g = _graph(500)
    senders = np.array([3, 10, 3])
    which, receivers, influence = g.receivers(senders)
    for k, s in enumerate(senders):
        np.testing.assert_array_equal(np.sort(receivers[which == k]), np.sort(g.followers_of(s)))
    assert len(influence) == len(receivers)


def test_a_range_of_users_gets_exactly_the_whole_graphs_edges_into_it():
    """A shard builds the follows of its own users only, from the seed, and they are the whole graph's."""
    spec = AudienceSpec(kind="followers", size=150_000, profile={"niche": "food", "follower_count": 900_000})
    whole = build_graph(spec, 4)
    lo, hi = 60_000, 140_000  # across chunk boundaries and the followers / people-around boundary
    part = build_graph(spec, 4, lo, hi)
    inside = (whole.indices >= lo) & (whole.indices < hi)
    for name in ("indices", "influence"):
        np.testing.assert_array_equal(getattr(part, name), getattr(whole, name)[inside])
    np.testing.assert_array_equal(part.followees(), whole.followees()[inside])
    np.testing.assert_array_equal(part.community, whole.community)
    which, receivers, _ = part.receivers(np.array([part.senders[0], -5, part.senders[-1]]))
    assert set(which) <= {0, 2} and np.all((receivers >= lo) & (receivers < hi))
