"""What a draft says and shows, turned into the simulation's per-item multipliers (Item.effects).

`text` builds the words a draft is read by, `topics` infers topic weights from them, `effects` turns a
Perception (simulator.perception) and the text into ItemEffects with an explanation, factor by factor.
The fitted figures live in simulator/data/content_params.json (`python -m simulator fit`).
"""
