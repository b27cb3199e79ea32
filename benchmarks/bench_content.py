"""The content model's speed on 2 CPU cores: the NumPy MiniLM embedder (one caption, and 64 captions in
a batch) and a whole draft's analysis (embedding, topics, factors), once the weights are loaded."""

import statistics
import time

CAPTION = "I tried Gordon Ramsay's 5-minute carbonara at home and it actually worked #pasta #dinner #recipe"


def _median_s(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    from simulator.content.effects import analyse
    from simulator.content.text import embedder

    t0 = time.perf_counter()
    model = embedder()
    model.embed(["load"])
    print(f"weights loaded in {time.perf_counter() - t0:.2f} s")
    one = _median_s(lambda: model.embed([CAPTION]), 9)
    batch = [f"{CAPTION} take {i}" for i in range(64)]
    many = _median_s(lambda: model.embed(batch), 3)
    draft = _median_s(lambda: analyse(caption=CAPTION, hashtags=["pasta", "dinner"]), 9)
    print(f"embed one caption: {one * 1000:.0f} ms; 64 captions: {many:.2f} s ({64 / many:.0f}/s)")
    print(f"analyse one draft (embedding, topics, factors): {draft * 1000:.0f} ms")
    print("(medians of 9, 3 and 9 repeats)")


if __name__ == "__main__":
    main()
