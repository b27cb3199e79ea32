"""Mode (a) of the paper: a person in the simulator's place, driven one action at a time.

A web page (or the terminal: `python -m simulator session --mode human`) shows `current_item`,
sends the person's action to `act`, and, when they leave, their reasons and instruction to
`reflect`. The session's whole state round-trips through `to_dict` / `from_dict`, so it can live in
a browser session between requests.
"""

from simulator.catalogue import CatalogueIndex, load_catalogue
from simulator.recommenders import make_recommender
from simulator.rewards import SessionReward, session_reward
from simulator.session import SessionConfig, SessionState
from simulator.types import Context, Item, Persona, Reaction, Reflection, Trajectory

MAX_COMMENT = 500
MAX_INSTRUCTION = 500


class HumanSession:
    def __init__(self, state: SessionState, recommender: str):
        self.state = state
        self.recommender_name = recommender
        self.recommender = make_recommender(recommender, state.catalogue)

    @classmethod
    def start(
        cls,
        persona: Persona,
        *,
        recommender: str = "instruction_following",
        catalogue: CatalogueIndex | None = None,
        config: SessionConfig | None = None,
        context: Context | None = None,
    ) -> "HumanSession":
        """A new session with its first list ready. `persona` stands for the person (their interests
        seed the recommender's history)."""
        config = config or SessionConfig(mode="human")
        state = SessionState(
            persona, catalogue or CatalogueIndex(load_catalogue()), config=config, context=context
        )
        session = cls(state, recommender)
        session._advance()
        return session

    @property
    def awaiting(self) -> str:
        """ "action" (an item is on screen), "reflection" (the person left) or "done"."""
        return {"reacting": "action", "reflecting": "reflection"}.get(self.state.status, "done")

    @property
    def current_item(self) -> Item | None:
        return self.state.current_item() if self.awaiting == "action" else None

    @property
    def trajectory(self) -> Trajectory:
        return self.state.trajectory

    def rewards(self) -> SessionReward:
        return session_reward(self.state.trajectory)

    def act(
        self,
        *,
        watch_s: float = 0.0,
        click: bool | None = None,
        like: bool = False,
        comment: str | None = None,
        share: bool = False,
        follow: bool = False,
        leave: bool = False,
        reasoning: str = "",
    ) -> Reaction:
        """The person's action on the item on screen."""
        if self.awaiting != "action":
            raise ValueError(f"no item is on screen: the session awaits {self.awaiting}")
        item = self.state.current_item()
        if not 0.0 <= watch_s <= max(item.duration_s, 1.0) * 10:
            raise ValueError(f"watch_s must be between 0 and {max(item.duration_s, 1.0) * 10:.0f} seconds")
        if comment is not None and len(comment) > MAX_COMMENT:
            raise ValueError(f"a comment can be at most {MAX_COMMENT} characters")
        reaction = Reaction(
            user_id=self.state.persona.id,
            item_id=item.id,
            reasoning=reasoning.strip()[:MAX_COMMENT],
            watch_s=float(watch_s),
            click=bool(watch_s > 0) if click is None else click,
            like=like,
            comment=comment.strip() if comment and comment.strip() else None,
            share=share,
            follow=follow,
            leave=leave,
            mindset=self.state.mindset,
            brain="human",
        )
        self.state.apply_reaction(reaction)
        self._advance()
        return reaction

    def reflect(self, *, reasons: list[str] | None = None, instruction: str | None = None) -> None:
        """Why the person left, and what they want instead (None: they exit)."""
        if self.awaiting != "reflection":
            raise ValueError(f"the person has not left: the session awaits {self.awaiting}")
        instruction = instruction.strip() if instruction else None
        if instruction and len(instruction) > MAX_INSTRUCTION:
            raise ValueError(f"an instruction can be at most {MAX_INSTRUCTION} characters")
        reflection = Reflection(
            user_id=self.state.persona.id,
            reasons=[r.strip() for r in (reasons or []) if r.strip()],
            instruction=instruction or None,
            brain="human",
        )
        self.state.apply_reflection(reflection)
        self._advance()

    def _advance(self) -> None:
        if self.state.status == "needs_list":
            self.state.next_list(self.recommender)

    def to_dict(self) -> dict:
        return {"recommender": self.recommender_name, "state": self.state.to_dict()}

    @classmethod
    def from_dict(cls, data: dict, catalogue: CatalogueIndex | None = None) -> "HumanSession":
        catalogue = catalogue or CatalogueIndex(load_catalogue())
        return cls(SessionState.from_dict(data["state"], catalogue), data["recommender"])
