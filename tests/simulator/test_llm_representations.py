"""Content representations: multimodal frames up to the engine call, semantic IDs, text embeddings."""

import base64
import io
import json

import numpy as np
import pytest
from PIL import Image

from simulator.brains.llm import LLMBrain
from simulator.brains.persona import PersonaBrain
from simulator.engines import EngineConfig
from simulator.engines.openai_http import OpenAIEngine
from simulator.representations import embeddings
from simulator.representations.multimodal import pick_frames
from simulator.representations.semantic_ids import SemanticIdCodebook, assign_semantic_ids, code_text
from simulator.taxonomy import TOPICS
from simulator.types import Item
from tests.simulator.llm_cases import audience, draft, reaction_requests, rng
from tests.simulator.llm_support import ScriptedServer, completion
from tests.simulator.test_llm_faults import answer


def test_keyframes_are_spread_over_the_video():
    frames = [f"f{i}.jpg" for i in range(10)]
    assert pick_frames(frames, 4) == ["f0.jpg", "f3.jpg", "f6.jpg", "f9.jpg"]
    assert pick_frames(frames, 1) == ["f5.jpg"] and pick_frames(frames[:2], 4) == frames[:2]


def test_multimodal_prompts_carry_resized_keyframes_to_the_vision_model(tmp_path):
    frames = []
    for i, colour in enumerate(["red", "green", "blue", "yellow", "white", "black"]):
        path = tmp_path / f"frame{i}.png"
        Image.new("RGB", (1920, 1080), colour).save(path)
        frames.append(str(path))
    item = draft()
    item.frames = frames
    with ScriptedServer(lambda body, n: (200, completion(answer()), 0)) as server:
        engine = OpenAIEngine(
            EngineConfig(engine="openai", model="vlm", base_url=server.base_url, max_images=3)
        )
        brain = LLMBrain(engine, PersonaBrain(), representation="multimodal", max_images=3)
        [reaction] = brain.react(reaction_requests(audience(1), item), rng())
        engine.close()
    assert reaction.brain == "llm"
    content = server.requests[0]["messages"][1]["content"]
    images = [part["image_url"]["url"] for part in content if part["type"] == "image_url"]
    assert len(images) == 3 and content[-1]["type"] == "text" and "<creator_text>" in content[-1]["text"]
    colours = []
    for url in images:
        assert url.startswith("data:image/jpeg;base64,")
        with Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))) as img:
            assert (
                img.format == "JPEG"
                and max(img.size) == 448
                and img.size[0] / img.size[1] == pytest.approx(16 / 9, 0.01)
            )
            colours.append(img.getpixel((10, 10)))
    assert colours[0][0] > 200 and colours[0][1] < 50  # the first frame (red) comes first


def test_the_multimodal_representation_needs_a_vision_model():
    engine = OpenAIEngine(EngineConfig(engine="openai", model="text-only", base_url="http://127.0.0.1:9/v1"))
    with pytest.raises(ValueError, match="vision-language model"):
        LLMBrain(engine, PersonaBrain(), representation="multimodal")
    engine.close()


def catalogue(per_topic: int = 30, topics=("food", "gaming", "travel", "finance")) -> list[Item]:
    gen = np.random.default_rng(0)
    items = []
    for t in topics:
        for i in range(per_topic):
            other = TOPICS[gen.integers(len(TOPICS))]
            items.append(
                Item(id=f"{t}-{i}", creator_id="c", kind="video", topics={t: 0.8, other: 0.2}, duration_s=30)
            )
    return items


def test_semantic_ids_give_similar_items_shared_prefixes():
    items = catalogue()
    assign_semantic_ids(items, np.random.default_rng(1), levels=3, k=4)
    first = {}
    for item in items:
        first.setdefault(item.id.split("-")[0], []).append(item.semantic_id[0])
    # each topic's items sit (almost all) under one first-level code, and topics get different codes
    majority = {t: max(set(codes), key=codes.count) for t, codes in first.items()}
    assert all(codes.count(majority[t]) >= 0.9 * len(codes) for t, codes in first.items())
    assert len(set(majority.values())) == 4
    assert all(len(item.semantic_id) == 3 for item in items)


def test_more_levels_quantise_more_finely_and_a_seed_gives_the_same_codes():
    x = np.random.default_rng(2).normal(size=(300, 16))
    errors = [
        SemanticIdCodebook.fit(x, np.random.default_rng(3), levels=n, k=8).reconstruction_error(x)
        for n in (1, 2, 3)
    ]
    assert errors[0] > errors[1] > errors[2]
    a = SemanticIdCodebook.fit(x, np.random.default_rng(4), levels=2, k=8).encode(x)
    b = SemanticIdCodebook.fit(x, np.random.default_rng(4), levels=2, k=8).encode(x)
    assert np.array_equal(a, b)


def test_semantic_id_prompts_write_items_and_histories_as_codes():
    items = catalogue(per_topic=5)
    assign_semantic_ids(items, np.random.default_rng(1), levels=3, k=4)
    seen = []

    def script(body, n):
        seen.append(body["messages"][1]["content"])
        return 200, completion(answer(like=True)), 0

    with ScriptedServer(script) as server:
        engine = OpenAIEngine(
            EngineConfig(engine="openai", model="m", base_url=server.base_url, concurrency=1)
        )
        brain = LLMBrain(engine, PersonaBrain(), representation="semantic_id")
        user = audience(1)
        for item in items[:3]:
            brain.react(reaction_requests(user, item), rng())
        engine.close()
    assert code_text(items[2].semantic_id) in seen[2] and "caption" not in seen[2]
    assert f"liked: {code_text(items[0].semantic_id)} {code_text(items[1].semantic_id)}" in seen[2]


def test_a_semantic_id_run_needs_codes_on_its_items():
    engine = OpenAIEngine(EngineConfig(engine="openai", model="m", base_url="http://127.0.0.1:9/v1"))
    brain = LLMBrain(engine, PersonaBrain(), representation="semantic_id")
    with pytest.raises(ValueError, match="no semantic ID"):
        brain.react(reaction_requests(audience(1), draft()), rng())
    engine.close()


@pytest.mark.skipif(embeddings.model_path() is None, reason="all-MiniLM-L6-v2 missing: run `make install`")
def test_minilm_embeds_offline_and_similar_captions_are_closer():
    vectors = embeddings.TextEmbedder().embed(
        ["easy garlic pasta recipe", "quick spaghetti dinner", "stock market crash explained"]
    )
    assert vectors.shape == (3, 384) and np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.2
    assert json.dumps(vectors.tolist())  # plain floats, storable
