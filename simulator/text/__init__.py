"""The words the simulator writes itself, one module per kind of text.

Whose words are they? A model's words are not written here: an LLM brain's reasoning, comments,
reasons and instructions (simulator.brains.llm) and the LLM panel's sample rows
(simulator.world.panel) are what a model answered after reading the draft. Everything here is a
summary of a simulated user's state, put into words from the numbers that drove a decision:

- reactions: the persona brain's reasoning, comment and mindset note of each reaction (first-person
  templates filled from the decision's features), and a run's sample rows (the terms that weighed
  most for and against viewing), which start with STATE_PREFIX;
- reflections: a leaving persona-brain user's reasons and the instruction aimed at the main
  complaint that simulator.brains.complaints found (the run page labels these as state summaries);
- summaries: the sentences a creator reads about a run, built from its figures.

House rule: a sentence shown as what a simulated user "said" comes from a model that read the draft,
or is labelled as a summary of the user's state. The package re-exports nothing: simulator.world
imports reactions, and summaries imports simulator.world.
"""
