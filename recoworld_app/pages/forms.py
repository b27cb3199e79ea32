"""Forms parse and render; the services check and decide."""

from django import forms

from simulator.taxonomy import TOPICS

TOPIC_CHOICES = [(t, t.title()) for t in TOPICS]


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
