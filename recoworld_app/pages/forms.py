"""Forms parse and render; the services check and decide."""

from django import forms

from recoworld_app.services.run_options import DEFAULTS, OptionError, RunOptions, run_options_parse
from simulator.audiences import ACTIVITY_LEVELS, MAX_FOLLOWER_COUNT
from simulator.bands import BAND_RERUNS
from simulator.taxonomy import AGE_BANDS, COUNTRIES, GENDERS, TOPICS

TOPIC_CHOICES = [(t, "DIY" if t == "diy" else t.title()) for t in TOPICS]


RERUNS_HELP = (
    "Each rerun draws a new population, social graph and the uncertain parameters; the band is the "
    f"middle of their outcomes. {BAND_RERUNS} reruns (the default) make a band that holds 90% of simulated "
    "outcomes; fewer give their range, which holds less (the results say how much)."
)


class DraftForm(forms.Form):
    title = forms.CharField(
        max_length=400, widget=forms.TextInput(attrs={"placeholder": "Sunday pasta, take 2"})
    )
    caption = forms.CharField(
        required=False,
        max_length=1_000_000,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "What the post says"}),
        help_text="Up to 2,200 characters. #hashtags in the caption are picked up.",
    )
    hashtags = forms.CharField(
        required=False, max_length=2000, help_text="Separated by spaces or commas, with or without #."
    )
    topics = forms.MultipleChoiceField(
        required=False,
        choices=TOPIC_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text="What the post is about; the simulated audience's interests are matched against these.",
    )


class DraftUploadForm(DraftForm):
    file = forms.FileField(
        required=False,
        help_text="A video (MP4, MOV, WebM) or an image (JPEG, PNG, WebP). Leave empty for a text post.",
        widget=forms.ClearableFileInput(attrs={"accept": "video/mp4,video/quicktime,video/webm,image/*"}),
    )


class AudienceBaseForm(forms.Form):
    name = forms.CharField(max_length=400, widget=forms.TextInput(attrs={"placeholder": "My followers"}))
    size = forms.IntegerField(
        min_value=1,
        initial=5000,
        label="Simulated users",
        help_text="How many users to simulate by default; each one stands for many real people.",
    )


def _multi(choices, label, help_text=""):
    return forms.MultipleChoiceField(
        required=False,
        choices=[(c, c) for c in choices],
        widget=forms.CheckboxSelectMultiple,
        label=label,
        help_text=help_text,
    )


class SliceForm(AudienceBaseForm):
    age_band = _multi(AGE_BANDS, "Age bands")
    gender = _multi(GENDERS, "Genders")
    country = _multi(COUNTRIES, "Countries")
    interests = _multi(TOPICS, "Interests", "Users with any of the ticked interests.")
    activity = _multi(
        ACTIVITY_LEVELS, "How active", "Low: less than daily; medium: daily; high: almost constantly."
    )

    def filters(self) -> dict[str, list[str]]:
        return {k: self.cleaned_data[k] for k in ("age_band", "gender", "country", "interests", "activity")}


class FollowersCsvForm(AudienceBaseForm):
    file = forms.FileField(label="Followers CSV", help_text="UTF-8, one follower per row; use the template.")


class FollowersProfileForm(AudienceBaseForm):
    niche = forms.MultipleChoiceField(
        choices=TOPIC_CHOICES, widget=forms.CheckboxSelectMultiple, help_text="What your account is about."
    )
    follower_count = forms.IntegerField(
        min_value=1, max_value=MAX_FOLLOWER_COUNT, help_text="Followers you have now."
    )
    age_band = forms.CharField(
        required=False,
        label="Age bands (%)",
        help_text="From your analytics, e.g. 13-17 10, 18-24 45, 25-34 30, 35-44 15. Blank: platform mix.",
    )
    gender = forms.CharField(
        required=False, label="Genders (%)", help_text="e.g. female 60, male 38, nonbinary 2"
    )
    country = forms.CharField(
        required=False, label="Countries (%)", help_text="e.g. US 50, GB 20, CA 10, AU 20"
    )

    def profile(self) -> dict:
        data = self.cleaned_data
        profile = {"niche": data["niche"], "follower_count": data["follower_count"]}
        for name in ("age_band", "gender", "country"):
            shares = parse_shares(data[name])
            if shares is None:
                self.add_error(name, "Write pairs like 'US 50, GB 20' (a value and its share in %).")
            elif shares:
                profile[name] = shares
        return profile


def parse_shares(text: str) -> dict[str, float] | None:
    """'US 50, GB 20' -> {'US': 0.5, 'GB': 0.2}; None when a pair cannot be read."""
    shares: dict[str, float] = {}
    for pair in filter(None, (p.strip() for p in text.replace(";", ",").split(","))):
        parts = pair.replace(":", " ").replace("%", " ").split()
        if len(parts) != 2:
            return None
        try:
            value = float(parts[1])
        except ValueError:
            return None
        key = parts[0].upper() if len(parts[0]) == 2 and parts[0].isalpha() else parts[0].lower()
        shares[key] = value / 100
    return shares


class RunForm(forms.Form):
    """Renders the run options; services.run_options reads them, as it does the API's."""

    MODES = [
        ("single", "One run: the drafts posted together or on the schedule below"),
        ("variants", "Variants: one run per draft, same audience and seed, compared side by side"),
    ]
    # The form's names for the options that the API (and so OptionError.field) names otherwise.
    OPTION_FIELDS = {"draft_ids": "drafts", "audience_id": "audience", "variants": "mode"}

    drafts = forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple, help_text="One or more drafts.")
    mode = forms.ChoiceField(choices=MODES, initial="single", widget=forms.RadioSelect)
    at_hours = forms.CharField(
        required=False,
        label="Posting times (hours after the start)",
        help_text="One per ticked draft, in the order listed above, e.g. 0, 24, 48. Empty: all at the start.",
    )
    strategy = forms.ChoiceField(
        required=False,
        label="Or a posting strategy",
        help_text="Cycles through the ticked drafts at the audience's local time; leave posting times empty.",
    )
    audience = forms.ChoiceField()
    exposure = forms.ChoiceField(
        required=False,
        choices=[
            ("", "As fits the audience: followers organically, a sample of the public screened"),
            ("organic", "Organic: the feeds, exploring and shares decide who meets it"),
            ("screening", "Screening: shown once to every member of the audience, then organic"),
        ],
        label="Who meets the post",
    )
    recommender = forms.ChoiceField(
        required=False,
        choices=[
            ("", "Instruction-following: it does what users ask for when they are about to leave"),
            ("traditional", "Traditional: history and popularity; what users say changes nothing"),
        ],
        label="The platform's recommender",
    )
    # Numbers arrive as text and are read by run_options_parse; the widgets still offer number inputs.
    population = forms.CharField(
        label="Simulated users",
        initial=DEFAULTS["population"],
        widget=forms.NumberInput(attrs={"min": 1}),
        help_text="More users, finer segments; slower.",
    )
    horizon_hours = forms.ChoiceField(initial=DEFAULTS["horizon_hours"], label="Horizon")
    reruns = forms.CharField(
        initial=DEFAULTS["reruns"],
        widget=forms.NumberInput(attrs={"min": 1}),
        help_text=RERUNS_HELP,
    )
    brain = forms.ChoiceField()
    seed = forms.CharField(
        required=False,
        widget=forms.NumberInput(attrs={"min": 0}),
        help_text="Optional: the same seed repeats a run exactly.",
    )
    name = forms.CharField(
        required=False, max_length=400, help_text="Optional; named after the drafts otherwise."
    )
    calibrated = forms.BooleanField(
        required=False,
        label="Calibrated to my account",
        help_text="Apply what your past posts did (Track record page) on top of the platform model.",
    )

    def __init__(self, *args, drafts, audiences, brains, horizons, strategies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["strategy"].choices = [("", "None: the posting times above")] + strategies
        self.fields["drafts"].choices = [
            (str(d.pk), f"{d.title} ({d.get_kind_display().lower()})") for d in drafts
        ]
        self.fields["audience"].choices = [
            (str(a.pk), f"{a.name} · {a.get_kind_display()}") for a in audiences
        ]
        self.fields["brain"].choices = brains
        self.fields["horizon_hours"].choices = list(horizons.items())
        self.options: RunOptions | None = None

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        values = {option: data.get(field) for option, field in self.OPTION_FIELDS.items()}
        values["variants"] = values["variants"] == "variants"
        others = ("at_hours", "strategy", "population", "horizon_hours", "reruns", "brain", "seed", "name")
        others += ("exposure", "calibrated", "recommender")
        try:
            self.options = run_options_parse(values | {name: data.get(name) for name in others})
        except OptionError as exc:
            self.add_error(self.OPTION_FIELDS.get(exc.field, exc.field), str(exc))
        return data
