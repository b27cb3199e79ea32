"""The leaderboard: recommender policies on the same users with the same luck (common random numbers).

Every policy serves the same simulated users (simulator.audiences.personas), each user drawing from their own
stream seeded by (seed, user), so the rows differ only by what the policies showed. Columns per user,
averaged with a 90% bootstrap interval: time spent, clicks, turns, retention (the user comes back for a
next session), NDCG@10 of the served lists against the user's true taste, and intra-list diversity.

Retention is drawn from the session's end: a user returns within the next RETURN_WINDOW_H hours with
chance 1 - exp(-expected), where `expected` is the sessions their habit gives in that window
(sessions_per_day * RETURN_WINDOW_H / 24, as simulator.clock opens sessions) times
exp(RETURN_SATISFACTION * (satisfaction - 0.5)) of their last mindset. A user who comes every other
day is less likely to be back tomorrow than a ten-a-day one, and a satisfied one more than a bored
one. Return visits rising with satisfaction follows the return-time studies of Wu et al.
("Returning is believing", WSDM 2017) and Kapoor et al. ("Hazard based models of user return",
WSDM 2014); the slope is a prior, not fitted (no return logs here).
"""

import os

import numpy as np

from simulator.audiences import sample_population
from simulator.brains.persona import PersonaBrain
from simulator.catalogue import CatalogueIndex, default_index
from simulator.clock import expected_sessions
from simulator.preferences import topic_vector
from simulator.recommenders import InstructionFollowingRecommender, TraditionalRecommender, llm_follower_parts
from simulator.recommenders.policies import EasePolicy, PopularityPolicy, RandomPolicy
from simulator.session import SessionConfig, run_sessions
from simulator.training import train

RETURN_SATISFACTION = 2.0  # prior: a fully satisfied user returns e times as often as a neutral one
RETURN_WINDOW_H = 24.0  # day-1 retention, the usual app-analytics window: a convention, not fitted
LEVEL = 0.90
BOOTSTRAP = 2000
COLUMNS = ("time_spent_s", "clicks", "turns", "retention", "ndcg@10", "diversity")
LOG_USERS = 1000  # the logged sessions EASE is fitted on (a random policy's, on other users)


def _unit_rows(m: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    return np.divide(m, norms, out=np.zeros_like(m), where=norms > 0)


def _interval(values: np.ndarray, rng: np.random.Generator) -> dict:
    means = values[rng.integers(0, len(values), (BOOTSTRAP, len(values)))].mean(axis=1)
    low, high = np.quantile(means, [(1 - LEVEL) / 2, (1 + LEVEL) / 2])
    return {
        "mean": round(float(values.mean()), 4),
        "low": round(float(low), 4),
        "high": round(float(high), 4),
    }


def policies(catalogue: CatalogueIndex, seed: int, train_steps: int) -> tuple[dict, dict]:
    """The policies by name, and what was learned (the bandit's curve, the EASE log's size)."""
    log_people = sample_population(LOG_USERS, seed + 1, first_id=1_000_001)
    logged = run_sessions(
        log_people, RandomPolicy(catalogue, seed + 1), PersonaBrain(), catalogue, seed=seed + 1
    )
    clicks = [[r.item_id for r in t.reactions if r.click] for t in logged]
    learned, curve = train("linucb", steps=train_steps, seed=seed + 2, catalogue=catalogue)
    out = {
        "random": RandomPolicy(catalogue, seed),
        "popularity": PopularityPolicy(catalogue),
        "traditional": TraditionalRecommender(catalogue),
        "ease": EasePolicy(catalogue, clicks),
        "instruction_following": InstructionFollowingRecommender(catalogue),
    }
    if os.environ.get("SIM_LLM_ENGINE"):
        out["instruction_following_llm"] = InstructionFollowingRecommender(
            catalogue, **llm_follower_parts(os.environ)
        )
    out["linucb"] = learned
    return out, {
        "linucb": {"user_steps": train_steps, "curve": curve, **learned.to_dict()},
        "ease": {"logged_sessions": len(clicks), "clicks": sum(map(len, clicks))},
    }


def return_chance(sessions_per_day: float, satisfaction: float) -> float:
    """The chance the user opens another session within RETURN_WINDOW_H hours of this one's end."""
    habit = float(expected_sessions(np.float64(sessions_per_day), RETURN_WINDOW_H))
    return 1.0 - float(np.exp(-habit * np.exp(RETURN_SATISFACTION * (satisfaction - 0.5))))


def user_metrics(trajectories, people, catalogue: CatalogueIndex, seed: int) -> dict[str, np.ndarray]:
    """Per user: the six columns."""
    unit = _unit_rows(catalogue.topics)
    out = {c: np.zeros(len(people)) for c in COLUMNS}
    for u, (t, p) in enumerate(zip(trajectories, people, strict=True)):
        rs = t.reactions
        out["time_spent_s"][u] = sum(r.watch_s for r in rs)
        out["clicks"][u] = sum(r.click for r in rs)
        out["turns"][u] = len(t.turns)
        taste = topic_vector(p.interests)
        relevance = unit @ (taste / (np.linalg.norm(taste) or 1.0))
        ideal_gains = np.sort(relevance)[::-1][:10]
        discount = 1.0 / np.log2(np.arange(2, 12))
        ndcgs, diversities = [], []
        for turn in t.turns:
            rows = [catalogue.position[i] for i in turn.items[:10]]
            dcg = float(relevance[rows] @ discount[: len(rows)])
            ndcgs.append(dcg / float(ideal_gains @ discount[: len(ideal_gains)]))
            if len(rows) > 1:
                sims = unit[rows] @ unit[rows].T
                diversities.append(1.0 - (sims.sum() - np.trace(sims)) / (len(rows) * (len(rows) - 1)))
        out["ndcg@10"][u] = np.mean(ndcgs) if ndcgs else 0.0
        out["diversity"][u] = np.mean(diversities) if diversities else 0.0
        satisfaction = rs[-1].mindset.satisfaction if rs else 0.5
        chance = return_chance(p.behaviour.sessions_per_day, satisfaction)
        out["retention"][u] = float(np.random.default_rng([seed, p.id, 7]).random() < chance)
    return out


def leaderboard(*, users: int = 500, seed: int = 0, train_steps: int = 4000) -> dict:
    catalogue = default_index()
    people = sample_population(users, seed)
    named, learned = policies(catalogue, seed, train_steps)
    config = SessionConfig(mode="multi_turn")
    rows, per_user = {}, {}
    for name, policy in named.items():
        trajectories = run_sessions(people, policy, PersonaBrain(), catalogue, seed=seed, config=config)
        per_user[name] = user_metrics(trajectories, people, catalogue, seed)
        rng = np.random.default_rng([seed, 90])
        rows[name] = {c: _interval(per_user[name][c], rng) for c in COLUMNS}
    ndcg = np.array([rows[n]["ndcg@10"]["mean"] for n in rows])
    retention = np.array([rows[n]["retention"]["mean"] for n in rows])
    corr = float(np.corrcoef(ndcg, retention)[0, 1]) if ndcg.std() > 0 and retention.std() > 0 else 0.0
    high_low = [
        n
        for n in rows
        if rows[n]["ndcg@10"]["mean"] > np.median(ndcg)
        and rows[n]["retention"]["mean"] < np.median(retention)
    ]
    within = {
        n: round(float(np.corrcoef(per_user[n]["ndcg@10"], per_user[n]["retention"])[0, 1]), 4)
        for n in rows
        if per_user[n]["ndcg@10"].std() > 0 and per_user[n]["retention"].std() > 0
    }
    return {
        "users": users,
        "seed": seed,
        "interval_level": LEVEL,
        "policies": rows,
        "learned": learned,
        "ndcg_retention": {
            "correlation_across_policies": round(corr, 4),
            "high_ndcg_low_retention": high_low,
            "correlation_across_users": within,
        },
    }


NAMES = {
    "random": "random",
    "popularity": "popularity",
    "traditional": "traditional (history)",
    "ease": "EASE (logged clicks)",
    "instruction_following": "instruction-following (rules)",
    "instruction_following_llm": "instruction-following (LLM)",
    "linucb": "LinUCB (learned in the env)",
}


def table(result: dict) -> list[str]:
    level = round(100 * result["interval_level"])
    head = "| policy | time spent (s) | clicks | turns | retention | NDCG@10 | diversity |"
    rows = [head, "|---|" + "---|" * len(COLUMNS)]
    for name, row in result["policies"].items():
        cells = [f"{row[c]['mean']:.3g} [{row[c]['low']:.3g}, {row[c]['high']:.3g}]" for c in COLUMNS]
        rows.append(f"| {NAMES.get(name, name)} | " + " | ".join(cells) + " |")
    rows += [
        "",
        f"Means per user with {level}% bootstrap intervals; {result['users']} users, seed {result['seed']}.",
    ]
    return rows


def markdown(result: dict, chart_name: str) -> str:
    rel = result["ndcg_retention"]
    linucb = result["learned"]["linucb"]
    curve = ", ".join(f"{c['user_steps']}: {c['mean_step_reward']}" for c in linucb["curve"])
    high_low = ", ".join(NAMES.get(n, n) for n in rel["high_ndcg_low_retention"]) or "none"
    pairs = zip(linucb["features"], linucb["theta"], strict=True)
    weights = ", ".join(f"{f} {w:+.3f}" for f, w in pairs)
    within = ", ".join(f"{NAMES.get(n, n)} {v:+.2f}" for n, v in rel["correlation_across_users"].items())
    return "\n".join(
        [
            "# Leaderboard: recommender policies in the simulator",
            "",
            f"Generated by `make leaderboard` (`python -m simulator leaderboard --users {result['users']} "
            f"--write docs/leaderboard.md`). Every policy serves the same simulated users with the same "
            "random streams (common random numbers), multi-turn sessions with the persona brain; "
            "the simulator's users, not real ones.",
            "",
            *table(result),
            "",
            f"Chart: [{chart_name}]({chart_name}) (NDCG@10 against retention, one point per policy, "
            "with the intervals).",
            "",
            "## NDCG and retention",
            "",
            f"- Correlation of mean NDCG@10 with mean retention across the policies: "
            f"{rel['correlation_across_policies']:+.2f}.",
            f"- Above-median NDCG@10 with below-median retention: {high_low}.",
            f"- Within each policy, per user: {within}.",
            "",
            "## Columns",
            "",
            "- time spent: seconds watched in the session; clicks: items viewed; turns: lists served "
            "(a user who instructs gets another).",
            f"- retention: the user comes back within {RETURN_WINDOW_H:g} hours (day-1 retention); "
            "the chance is 1 - exp(-habit x exp(slope x (satisfaction - 0.5))), habit = the sessions "
            "their sessions-per-day rate gives in that window, satisfaction = theirs at the session's "
            f"end (slope {RETURN_SATISFACTION}, a prior; simulator/leaderboard.py cites the form's "
            "sources).",
            "- NDCG@10: each served list against the user's true taste (cosine of their interests with "
            "the item's topics, ideal = the catalogue's best ten for them), averaged over the lists.",
            "- diversity: 1 - mean pairwise cosine of the items' topics within a served list.",
            "",
            "## The learned policy",
            "",
            f"LinUCB (Li et al., WWW 2010) over {len(linucb['features'])} features "
            f"({', '.join(linucb['features'])}), trained for {linucb['user_steps']} user-steps in the "
            "vector env on a population the leaderboard never serves (`python -m simulator train "
            f"--policy linucb --steps {linucb['user_steps']}`). Learned weights: "
            f"{weights}. "
            f"Learning curve (user-steps: mean step reward): {curve}.",
            "",
            f"EASE is fitted on {result['learned']['ease']['logged_sessions']} logged sessions of a random "
            f"policy on other users ({result['learned']['ease']['clicks']} clicks).",
            "",
        ]
    )


def chart_html(result: dict) -> str:
    import plotly.graph_objects as go

    fig = go.Figure()
    for name, row in result["policies"].items():
        x, y = row["ndcg@10"], row["retention"]
        fig.add_trace(
            go.Scatter(
                x=[x["mean"]],
                y=[y["mean"]],
                name=NAMES.get(name, name),
                mode="markers+text",
                text=[NAMES.get(name, name)],
                textposition="top center",
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": [x["high"] - x["mean"]],
                    "arrayminus": [x["mean"] - x["low"]],
                },
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": [y["high"] - y["mean"]],
                    "arrayminus": [y["mean"] - y["low"]],
                },
            )
        )
    fig.update_layout(
        title=f"NDCG@10 against retention ({result['users']} simulated users, 90% intervals)",
        xaxis_title="NDCG@10 of served lists (true taste)",
        yaxis_title="retention (returns next session)",
        showlegend=False,
    )
    return fig.to_html(include_plotlyjs="cdn", full_html=True)
